/**
 * `npm run eval` arguments. The output must not land in public/ or dist/ (both ship with the
 * app) because MovieLens results are research-only; the default is the git-ignored eval-results/.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { DEFAULT_DATA_DIR, REPO_ROOT } from './movielens.ts';
import type { Protocol, Split } from './protocols.ts';
import { readCliFlags } from '../cli-flags.ts';

export interface EvalArgs {
  data: string;
  protocols: Protocol[];
  split: Split;
  out: string;
  /** In-process recommenders to run, by name ([] = none, e.g. to score only --lists). */
  only?: string[];
  /** In-process recommenders to run, by group. */
  groups?: string[];
  limitUsers?: number;
  k: number;
  seed: number;
  /** Protocol B on dev: evaluated steps per user. */
  steps: number;
  /** Protocol C: share of new items. */
  coldShare: number;
  resamples: number;
  bootstrapSeed: number;
  /** Extra paired comparisons, [a, b] = a − b. */
  compare: Array<[string, string]>;
  /** Rows read from batch-recommend output files. */
  lists: Array<{ name: string; file: string }>;
  /** Recommender whose MMR λ the accuracy–diversity curve sweeps (protocol B); undefined = none. */
  curve?: string;
  /** The curve was named with --curve (an error when absent), not the default (skipped when absent). */
  curveNamed: boolean;
  lambdas: number[];
  /**
   * The learned rows train exactly this many epochs (early stopping still picks the best) with
   * no wall-clock budget, so a run is reproducible on any machine; undefined = the default
   * 10-minute budget, whose epoch count depends on the machine's load.
   */
  learnedEpochs?: number;
  /** `text`: embed no posters (the image space is empty): minutes instead of most of an hour on 2 busy cores. */
  content: 'text+image' | 'text';
}

export const USAGE = `usage: npm run eval -- [options]
  --protocol B|A|C|C-random|C-newest[,…]   protocols to run (default B; C = both cold sets; "both" = B,A)
  --split dev|test|all                       dev tunes, test is the final report, all compares with DATA.md (default dev)
  --out FILE.json                            also writes FILE.svg and, with a curve, FILE-mmr.svg (default eval-results/ml100k-SPLIT-PROTOCOLS.json)
  --only NAME[,NAME]  |  --only none         in-process recommenders by name (none: only --lists rows)
  --groups GROUP[,GROUP]                     in-process recommenders by group (baseline, content, collaborative, hybrid, …)
  --steps N                                  protocol B on dev: the last N steps of each user (default 3)
  --cold-share S                             protocol C: share of items that are new (default 0.2)
  --resamples N --bootstrap-seed S           bootstrap over users (default 1000, 42)
  --compare "A:B"                            a paired interval of A − B (repeatable)
  --lists "NAME=FILE.jsonl"                  a row from batch-recommend output {"user", "items"} (repeatable)
  --curve NAME | none                        MMR accuracy–diversity curve of NAME on protocol B (default "Hybrid late" when it runs)
  --lambdas 1,0.9,…                          the curve's MMR λ values
  --learned-epochs N                         the learned rows train N epochs with no time budget (reproducible; default: a 10-min budget)
  --content text+image | text                text: embed no posters (every row sees no image; default text+image)
  --limit-users N --k 10 --seed 42 --data DIR`;

const FLAGS = [
  'data',
  'protocol',
  'split',
  'out',
  'only',
  'groups',
  'limit-users',
  'k',
  'seed',
  'steps',
  'cold-share',
  'resamples',
  'bootstrap-seed',
  'curve',
  'lambdas',
  'learned-epochs',
  'content',
] as const;
const REPEATABLE = ['compare', 'lists'] as const;
export const DEFAULT_CURVE = 'Hybrid late';
export const DEFAULT_LAMBDAS = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.3, 0];

export function parseEvalArgs(argv: string[], repoRoot: string = REPO_ROOT): EvalArgs {
  if (argv.includes('--help') || argv.includes('-h')) throw new Error(USAGE);
  const flags = readCliFlags(argv, { values: FLAGS, repeatable: REPEATABLE }, USAGE);
  const one = (name: (typeof FLAGS)[number]): string | undefined => flags.value(name);
  const protocols = parseProtocols(one('protocol') ?? 'B');
  const split = one('split') ?? 'dev';
  if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split must be dev, test or all, got ${split}`);
  const int = (name: (typeof FLAGS)[number], fallback: number, min: number): number => {
    const raw = one(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return n;
  };
  const coldShare = Number(one('cold-share') ?? 0.2);
  if (!(coldShare > 0 && coldShare < 1)) throw new Error(`--cold-share must be in (0, 1), got ${one('cold-share')}`);
  const label = protocols.join('-');
  const out = resolve(one('out') ?? resolve(repoRoot, `eval-results/ml100k-${split}-${label}.json`));
  if (!out.endsWith('.json')) throw new Error(`--out must name a .json file, got ${out}`);
  assertNotShipped(out, repoRoot);
  const list = (name: (typeof FLAGS)[number]) =>
    one(name)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const only = one('only') === 'none' ? [] : list('only');
  const compare = flags.all('compare').map((pair): [string, string] => {
    const parts = pair.split(':').map((s) => s.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new Error(`--compare needs "A:B" (two row names), got ${JSON.stringify(pair)}`);
    return [parts[0], parts[1]];
  });
  const lists = flags.all('lists').map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0 || at === spec.length - 1) throw new Error(`--lists needs "NAME=FILE.jsonl", got ${JSON.stringify(spec)}`);
    return { name: spec.slice(0, at).trim(), file: resolve(spec.slice(at + 1).trim()) };
  });
  const curve = one('curve') === 'none' ? undefined : (one('curve') ?? DEFAULT_CURVE);
  const lambdas = (list('lambdas') ?? DEFAULT_LAMBDAS.map(String)).map((raw) => {
    const l = Number(raw);
    if (!(l >= 0 && l <= 1)) throw new Error(`--lambdas: each λ must be in [0, 1], got ${raw}`);
    return l;
  });
  const content = one('content') ?? 'text+image';
  if (content !== 'text+image' && content !== 'text') throw new Error(`--content must be text+image or text, got ${content}`);
  return {
    data: resolve(one('data') ?? DEFAULT_DATA_DIR),
    protocols,
    split: split as Split,
    out,
    only,
    groups: list('groups'),
    limitUsers: one('limit-users') === undefined ? undefined : int('limit-users', 0, 1),
    k: int('k', 10, 1),
    seed: int('seed', 42, 0),
    steps: int('steps', 3, 1),
    coldShare,
    resamples: int('resamples', 1000, 100),
    bootstrapSeed: int('bootstrap-seed', 42, 0),
    compare,
    lists,
    curve,
    curveNamed: one('curve') !== undefined,
    lambdas,
    learnedEpochs: one('learned-epochs') === undefined ? undefined : int('learned-epochs', 0, 1),
    content,
  };
}

/** MovieLens-derived files must not land in public/ or dist/, which ship with the app. */
export function assertNotShipped(file: string, repoRoot: string = REPO_ROOT): void {
  for (const shipped of ['public', 'dist']) {
    const rel = relative(resolve(repoRoot, shipped), resolve(file));
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      throw new Error(`refusing to write ${file}: ${shipped}/ is shipped with the app, and MovieLens results are research-only`);
    }
  }
}

export function parseProtocols(raw: string): Protocol[] {
  const out: Protocol[] = [];
  for (const part of raw.split(',').map((s) => s.trim())) {
    const expanded: Protocol[] | undefined =
      part === 'both'
        ? ['B', 'A']
        : part === 'C'
          ? ['C-random', 'C-newest']
          : ['A', 'B', 'C-random', 'C-newest'].includes(part)
            ? [part as Protocol]
            : undefined;
    if (!expanded) throw new Error(`--protocol must be B, A, C, C-random or C-newest (comma-separated), got ${part}`);
    for (const p of expanded) if (!out.includes(p)) out.push(p);
  }
  return out;
}
