// The evaluation through the product path, end to end, with the product's own CLIs:
//
//   npm run eval:product-path -- --split dev [--protocol B,C-random,C-newest] [--row "Hybrid late"]
//                                [--limit-users N] [--resamples 1000] [--dir eval-results/product]
//
// 1. the movies as a shop's product list (movie-shop-items.ts) → DIR/movies.jsonl;
// 2. `npm run catalog -- build --source jsonl … --shard 0/1` embeds them once into
//    DIR/movie-embeddings/.shards/ (text + poster, the builder's own encoders and resumable
//    records; a later run reuses them and embeds nothing);
// 3. per protocol: `npm run eval:export` writes the split's training log and one request per
//    case; `npm run catalog -- merge` writes a catalog from the embedded shard with that log as
//    `--interactions` (aggregated with the harness's settings, MOVIE_SIGNAL_OPTIONS; no shared
//    space, as the harness's catalog has none; cold items are in the catalog with no
//    interactions); `npm run recommend` answers the requests; `npm run eval -- --lists` scores
//    the lists next to the in-process engine row (`--row`) on the same cases and seeds, with a
//    paired interval of the difference.
//
// Everything is derived from MovieLens (research-only) and stays in the git-ignored
// eval-results/. Steps run as child processes, exactly as a shop would run them.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { assertNotShipped, parseProtocols } from './eval-args.ts';
import { MOVIE_SIGNAL_OPTIONS } from './movie-catalog.ts';
import { shopItemsJsonl } from './movie-shop-items.ts';
import { DEFAULT_DATA_DIR, loadMovieLens, REPO_ROOT } from './movielens.ts';
import { readCliFlags } from '../cli-flags.ts';

const USAGE =
  'usage: npm run eval:product-path -- --split dev|test|all [--protocol B,C-random,C-newest] [--row "Hybrid late"] [--limit-users N] [--resamples N] [--dir eval-results/product] [--data DIR]';
const FLAGS = ['split', 'protocol', 'row', 'limit-users', 'resamples', 'dir', 'data'] as const;

/** The harness's aggregation settings as the builder's flags, so both catalogs ship the same signals. */
function signalFlags(): string[] {
  const o = MOVIE_SIGNAL_OPTIONS;
  return [
    ...(o.k !== undefined ? ['--neighbours', String(o.k)] : []),
    ...(o.transitionWindow !== undefined ? ['--transition-window', String(o.transitionWindow)] : []),
    ...(o.maxGapSeconds !== undefined ? ['--max-gap', String(o.maxGapSeconds)] : []),
    ...(o.maxSessionItems !== undefined ? ['--max-session-items', String(o.maxSessionItems)] : []),
    ...(o.minSessions !== undefined ? ['--min-sessions', String(o.minSessions)] : []),
  ];
}

/** Runs one of the project's CLIs (tsx) in the repo root; a failure stops the run. */
function run(script: string, args: string[]): void {
  console.error(`\n$ ${script.replace(/^src\/node\//, '')} ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${script} failed (exit ${result.status ?? result.signal})`);
}

function main(): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const flags = readCliFlags(argv, { values: FLAGS }, USAGE);
  const split = flags.value('split') ?? 'dev';
  if (!['dev', 'test', 'all'].includes(split)) throw new Error(`--split must be dev, test or all, got ${split}`);
  const protocols = parseProtocols(flags.value('protocol') ?? 'B,C-random,C-newest').filter((p) => p !== 'A');
  const row = flags.value('row') ?? 'Hybrid late';
  const dir = resolve(flags.value('dir') ?? join(REPO_ROOT, 'eval-results', 'product'));
  assertNotShipped(join(dir, 'x'));
  const dataDir = resolve(flags.value('data') ?? DEFAULT_DATA_DIR);
  const limit = flags.value('limit-users');
  const resamples = flags.value('resamples');
  const rel = (path: string) => relative(REPO_ROOT, path);

  // 1–2. The shop's product list, embedded once.
  mkdirSync(dir, { recursive: true });
  const items = join(dir, 'movies.jsonl');
  writeFileSync(items, shopItemsJsonl(loadMovieLens(dataDir)));
  const embedded = join(dir, 'movie-embeddings');
  const source = ['--source', 'jsonl', rel(items), '--media', dataDir, '--modalities', 'text,image', '--batch', '32', '--no-shared-space'];
  run('src/node/catalog/catalog-cli.ts', ['build', ...source, '--out', rel(embedded), '--shard', '0/1']);

  for (const protocol of protocols) {
    const name = `${split}-${protocol}`;
    const train = join(dir, `${name}-train.csv`);
    const requests = join(dir, `${name}-requests.jsonl`);
    const catalog = join(dir, `${name}-catalog`);
    const lists = join(dir, `${name}-lists.jsonl`);
    const common = ['--protocol', protocol, '--split', split, ...(limit ? ['--limit-users', limit] : [])];
    // 3. Cases and log, catalog, lists, scores.
    run('src/node/eval/eval-export-cli.ts', [...common, '--interactions', rel(train), '--requests', rel(requests)]);
    rmSync(catalog, { recursive: true, force: true });
    cpSync(join(embedded, '.shards'), join(catalog, '.shards'), { recursive: true });
    run('src/node/catalog/catalog-cli.ts', [
      'merge',
      ...source,
      '--out',
      rel(catalog),
      '--shards',
      '1',
      '--name',
      `MovieLens-100k ${name}`,
      '--interactions',
      rel(train),
      ...signalFlags(),
    ]);
    run('src/node/recommend/recommend-cli.ts', ['--catalog', rel(catalog), '--requests', rel(requests), '--out', rel(lists)]);
    run('src/node/eval/eval-cli.ts', [
      ...common,
      '--only',
      row,
      '--lists',
      `product path=${rel(lists)}`,
      '--compare',
      `product path:${row}`,
      '--out',
      rel(join(dir, `${name}-eval.json`)),
      ...(resamples ? ['--resamples', resamples] : []),
    ]);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
