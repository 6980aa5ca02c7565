/**
 * `npm run eval` arguments. The output must not land in public/ or dist/ (both ship with the
 * app) because MovieLens results are research-only; the default is the git-ignored eval-results/.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, REPO_ROOT } from './movielens.ts';
import type { Protocol, Split } from './protocols.ts';

export interface EvalArgs {
  data: string;
  protocols: Protocol[];
  split: Split;
  out: string;
  only?: string[];
  limitUsers?: number;
  k: number;
  seed: number;
}

export const USAGE =
  'usage: npm run eval -- [--data DIR] [--protocol A|B|both] [--split dev|test|all] [--out FILE.json] [--only name,name] [--limit-users N] [--k 10] [--seed 42]';

export function parseEvalArgs(argv: string[], repoRoot: string = REPO_ROOT): EvalArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') throw new Error(USAGE);
    const [name, inline] = flag.startsWith('--') ? flag.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (!name || !['data', 'protocol', 'split', 'out', 'only', 'limit-users', 'k', 'seed'].includes(name)) throw new Error(`unknown argument ${flag}\n${USAGE}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${USAGE}`);
    values.set(name, value);
  }
  const protocol = values.get('protocol') ?? 'B';
  if (!['A', 'B', 'both'].includes(protocol)) throw new Error(`--protocol must be A, B or both, got ${protocol}`);
  const split = values.get('split') ?? 'dev';
  if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split must be dev, test or all, got ${split}`);
  const int = (name: string, fallback: number | undefined, min: number): number | undefined => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  const out = resolve(values.get('out') ?? resolve(repoRoot, `eval-results/ml100k-${split}-${protocol}.json`));
  if (!out.endsWith('.json')) throw new Error(`--out must name a .json file, got ${out}`);
  for (const shipped of ['public', 'dist']) {
    const rel = relative(resolve(repoRoot, shipped), out);
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      throw new Error(`refusing to write ${out}: ${shipped}/ is shipped with the app, and MovieLens results are research-only`);
    }
  }
  return {
    data: resolve(values.get('data') ?? DEFAULT_DATA_DIR),
    protocols: protocol === 'both' ? ['B', 'A'] : [protocol as Protocol],
    split: split as Split,
    out,
    only: values.get('only')?.split(',').map((s) => s.trim()).filter(Boolean),
    limitUsers: int('limit-users', undefined, 1),
    k: int('k', 10, 1)!,
    seed: int('seed', 42, 0)!,
  };
}

