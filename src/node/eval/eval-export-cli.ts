// `npm run eval:export -- --protocol B|A|C-random|C-newest --split dev|test|all
//   [--interactions FILE.csv] [--requests FILE.jsonl] [--k 10] [--steps 3] [--cold-share 0.2]
//   [--seed 42] [--limit-users N] [--mmr λ] [--data DIR]`
// Writes what the product path needs to be evaluated on exactly the harness's cases
// (product-path-files.ts): the split's training log for `npm run catalog -- build … --interactions`
// and one batch-recommend request per case. Score the batch output with
// `npm run eval -- … --lists "NAME=OUT.jsonl"`. The files are derived from MovieLens
// (research-only): keep them in the git-ignored eval-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { assertNotShipped, parseProtocols } from './eval-args.ts';
import { DEFAULT_DATA_DIR, loadMovieLens } from './movielens.ts';
import { interactionsCsv, recommendRequests } from './product-path-files.ts';
import { buildProtocol } from './protocols.ts';
import type { Split } from './user-split.ts';
import { readCliFlags } from '../cli-flags.ts';

const USAGE =
  'usage: npm run eval:export -- --protocol B|A|C-random|C-newest --split dev|test|all [--interactions FILE.csv] [--requests FILE.jsonl] [--k 10] [--steps 3] [--cold-share 0.2] [--seed 42] [--limit-users N] [--mmr λ] [--data DIR]';
const FLAGS = ['protocol', 'split', 'interactions', 'requests', 'k', 'steps', 'cold-share', 'seed', 'limit-users', 'mmr', 'data'] as const;

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const flags = readCliFlags(argv, { values: FLAGS }, USAGE);
  const protocols = parseProtocols(flags.value('protocol') ?? 'B');
  if (protocols.length !== 1) throw new Error(`--protocol: export one protocol at a time, got ${protocols.join(', ')}`);
  const split = (flags.value('split') ?? 'dev') as Split;
  if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split must be dev, test or all, got ${split}`);
  const number = (name: (typeof FLAGS)[number], fallback: number | undefined, check: (n: number) => boolean, what: string): number | undefined => {
    const raw = flags.value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!check(n)) throw new Error(`--${name} must be ${what}, got ${raw}`);
    return n;
  };
  const whole = (min: number) => (n: number) => Number.isInteger(n) && n >= min;
  const k = number('k', 10, whole(1), 'an integer ≥ 1')!;
  const limit = number('limit-users', undefined, whole(1), 'an integer ≥ 1');
  const mmr = number('mmr', undefined, (n) => n >= 0 && n <= 1, 'in [0, 1]');
  const files = (['interactions', 'requests'] as const).map((name) => flags.value(name)).filter((f): f is string => f !== undefined);
  if (files.length === 0) throw new Error(`nothing to write: give --interactions and/or --requests\n${USAGE}`);
  for (const file of files) assertNotShipped(file);

  const data = loadMovieLens(resolve(flags.value('data') ?? DEFAULT_DATA_DIR));
  const built = buildProtocol(data, {
    protocol: protocols[0]!,
    split,
    seed: number('seed', 42, whole(0), 'an integer ≥ 0'),
    steps: number('steps', undefined, whole(1), 'an integer ≥ 1'),
    coldShare: number('cold-share', undefined, (n) => n > 0 && n < 1, 'in (0, 1)'),
  });
  const users = new Set<number>();
  const cases = built.cases.filter((c) => (users.has(c.user) || limit === undefined || users.size < limit ? (users.add(c.user), true) : false));
  const write = (file: string, text: string, what: string) => {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${relative(process.cwd(), resolve(file))}: ${what}`);
  };
  const interactions = flags.value('interactions');
  if (interactions)
    write(interactions, interactionsCsv(built.train), `${built.train.ratings.length} training ratings (protocol ${built.protocol}, split ${split})`);
  const requests = flags.value('requests');
  if (requests)
    write(
      requests,
      recommendRequests(cases, { k, ...(mmr !== undefined ? { request: { diversity: { lambda: mmr } } } : {}) }),
      `${cases.length} requests from ${users.size} users`,
    );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
