// The batch recommend CLI: the engine's recommender over a built catalog folder, one request
// line in, one list out (docs/batch-recommend.md).
//
//   npm run recommend -- --catalog DIR --requests FILE.jsonl --out FILE.jsonl
//                        [--on-error stop|skip] [--fusion-head late|attention|mlp] [--backend wasm|cpu]
//
// `-` reads the requests from stdin / writes the lists to stdout. Progress and the summary go to
// stderr. Exit 0: every line answered (or, with --on-error skip, refused lines reported on
// stderr); 2: bad arguments, a catalog that cannot be loaded, or a bad line with --on-error stop
// (every line before it is written); 1: anything else.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { FUSION_HEADS, type FusionHeadName } from '../../protocol/recommend.ts';
import { readCliFlags, UsageError } from '../cli-flags.ts';
import { initNodeTf } from '../node-tf.ts';
import { BatchRecommender } from './batch-recommender.ts';
import { BatchLineError } from './request-line.ts';
import { runBatch, type BatchStats } from './run-batch.ts';

const USAGE =
  'usage: npm run recommend -- --catalog DIR --requests FILE.jsonl|- --out FILE.jsonl|- [--on-error stop|skip] [--fusion-head late|attention|mlp] [--backend wasm|cpu]';
const FLAGS = ['catalog', 'requests', 'out', 'on-error', 'fusion-head', 'backend'] as const;

interface Args {
  catalog: string;
  requests: string;
  out: string;
  onError: 'stop' | 'skip';
  fusionHead?: FusionHeadName;
  backend: 'wasm' | 'cpu';
}

function parseArgs(argv: readonly string[]): Args {
  const flags = readCliFlags(argv, { values: FLAGS });
  const required = (name: (typeof FLAGS)[number]): string => {
    const value = flags.value(name);
    if (value === undefined) throw new UsageError(`missing --${name}`);
    return value;
  };
  const onError = flags.value('on-error') ?? 'stop';
  if (onError !== 'stop' && onError !== 'skip') throw new UsageError(`--on-error must be stop or skip (got "${onError}")`);
  const backend = flags.value('backend') ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new UsageError(`--backend must be wasm or cpu (got "${backend}")`);
  const head = flags.value('fusion-head');
  if (head !== undefined && !(FUSION_HEADS as readonly string[]).includes(head))
    throw new UsageError(`--fusion-head must be one of ${FUSION_HEADS.join(', ')} (got "${head}")`);
  return {
    catalog: required('catalog'),
    requests: required('requests'),
    out: required('out'),
    onError,
    backend,
    ...(head !== undefined ? { fusionHead: head as FusionHeadName } : {}),
  };
}

/** Writes and waits when the stream's buffer is full (constant memory on long runs). */
function writer(stream: Writable): (text: string) => Promise<void> {
  return async (text) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
}

/** A progress line on stderr: redrawn in place every 2 s on a terminal, a new line every 10 s otherwise (logs). */
function progressPrinter(): { update: (s: BatchStats) => void; end: (s: BatchStats) => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const line = (s: BatchStats) =>
    `recommend: ${s.lines} lines, ${s.written} lists, ${s.refused} refused, ${(s.seconds > 0 ? s.lines / s.seconds : 0).toFixed(1)} lines/s, ${s.seconds.toFixed(1)} s`;
  return {
    update(s) {
      const now = Date.now();
      if (now - last < (tty ? 2000 : 10_000)) return;
      last = now;
      process.stderr.write(tty ? `\r${line(s)}\x1b[K` : `${line(s)}\n`);
    },
    end(s) {
      process.stderr.write(tty ? `\r${line(s)}\x1b[K\n` : `${line(s)}\n`);
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.error(USAGE);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`recommend: ${error.message}\n${USAGE}`);
    return 2;
  }
  await initNodeTf(args.backend);
  let recommender: BatchRecommender;
  try {
    recommender = await BatchRecommender.open(args.catalog, args.fusionHead ? { fusionHead: args.fusionHead } : {});
  } catch (error) {
    const name = (error as Error).name;
    if (name !== 'CatalogFolderError' && name !== 'CatalogFormatError') throw error;
    console.error(`recommend: ${(error as Error).message}`);
    return 2;
  }
  process.stderr.write(`recommend: catalog "${recommender.catalogName}" (${recommender.itemCount} items) → ${args.out === '-' ? 'stdout' : args.out}\n`);
  const input = args.requests === '-' ? process.stdin : createReadStream(args.requests, { encoding: 'utf8' });
  if (args.out !== '-') mkdirSync(dirname(resolve(args.out)), { recursive: true });
  const output = args.out === '-' ? process.stdout : createWriteStream(args.out);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const progress = progressPrinter();
  let stats: BatchStats | undefined;
  try {
    stats = await runBatch(lines, writer(output), recommender, {
      source: args.requests === '-' ? 'stdin' : args.requests,
      onError: args.onError,
      onRefused: (error) => process.stderr.write(`recommend: refused ${error.message}\n`),
      onProgress: (s) => {
        stats = s;
        progress.update(s);
      },
    });
    return 0;
  } catch (error) {
    if (!(error instanceof BatchLineError)) throw error;
    console.error(`recommend: ${error.message} (stopped; the lines before it are written; --on-error skip goes on)`);
    return 2;
  } finally {
    if (stats) progress.end(stats);
    if (stats?.unknownHistoryItems) process.stderr.write(`recommend: ${stats.unknownHistoryItems} history events on items not in the catalog were left out\n`);
    lines.close();
    if (output !== process.stdout) {
      output.end();
      await once(output, 'finish');
    }
    recommender.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
