// The catalog builder CLI.
//
//   npm run catalog -- build --source tuxpaint --out DIR [--limit N] [--ids ID,ID…] [options]
//   npm run catalog -- build --source openclipart --out DIR [--limit N] [--ids ID,ID…] [options]
//   npm run catalog -- build --source debian-videos --out DIR [--limit N] [--ids ID,ID…] [options]
//   npm run catalog -- build --source jsonl|csv PATH --media DIR --out DIR [options]
//   npm run catalog -- shared-space --out DIR [--dims N] [--steps N] [--seed N]
//   npm run catalog -- build … --shard i/n          (embed one shard: OUT/.shards/i-of-n; see shard-build.ts)
//   npm run catalog -- merge … --shards n           (join n shards, then write the catalog as one build)
//
// `build` runs as --workers N parallel shard processes and a merge (default: one per CPU core);
// --workers 1 builds in this process.
//
// options: --format int8|float16 (default int8)   --interactions FILE (.csv or .jsonl)
//          with --interactions, how they are aggregated (aggregate-interactions.ts): --neighbours K (20)
//          --transition-window N (1)  --max-gap SECONDS (3600)  --max-session-items N (100)
//          --min-sessions K (5)  --epsilon E (differential privacy; private-aggregates.ts)  --noise-seed N
//          --modalities text,image,audio           --name NAME   --currency EUR
//          --batch N (default 16)                  --no-shared-space   --workers N
//          --progress-file FILE (the build's status as JSON, for the dev server's page)
//
// `build` trains the catalog's shared space (train-shared-space.ts) after the vectors when it
// has two modalities or more; --no-shared-space skips that. `shared-space` (re)trains it for a
// catalog already built, from the stored vectors (nothing is embedded again).
//
// Progress (items done / total, items/s, ETA) goes to stderr, the summary to stdout.
// Bad input exits 2 with one line on stderr; an interrupted build resumes when run again
// with the same --out (finished items are not embedded again).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { isVectorFormat, type VectorFormat } from '../../engine/catalog/vector-codec.ts';
import { isModality } from '../../engine/catalog/catalog-manifest.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { NodeEncoders } from '../node-encoders.ts';
import { initNodeTf } from '../node-tf.ts';
import { parseInteractionsCsv, parseInteractionsJsonl, type AggregateOptions, type InteractionRow } from './aggregate-interactions.ts';
import { buildCatalog, CatalogInputError, type BuildCatalogOptions, type BuildProgress, type BuildSummary, type SourceItem } from './build-catalog.ts';
import { catalogBuildStatusWriter, type CatalogBuildUpdate } from './catalog-build-status-file.ts';
import { addSharedSpaceToCatalog, SHARED_SPACE_BINARY, SHARED_SPACE_DIR } from './shared-space-files.ts';
import { parseShopCsv, parseShopJsonl } from './shop-source.ts';
import { openclipartLicense, scanOpenclipart } from './openclipart-source.ts';
import { tuxPaintLicense, tuxPaintSourceItems } from './tuxpaint-source.ts';
import { debianVideoSourceItems, debianVideosLicense } from './debian-videos-source.ts';
import { availableParallelism } from 'node:os';
import { addIvfToCatalog } from './ivf-files.ts';
import { collectShardPartials, parseShard, removeShards, runShardProcesses, shardDir, shardItems, type ShardSpec } from './shard-build.ts';
import { DEFAULT_BATCH_SIZE } from './build-catalog.ts';
import { PRIVACY_FLAGS, privacyOptions } from './privacy-flags.ts';
import { readCliFlags, UsageError, type CliFlags } from '../cli-flags.ts';

const USAGE = [
  'usage: npm run catalog -- build --source tuxpaint|openclipart|debian-videos --out DIR [--limit N] [--ids ID,ID…] [options]',
  '       npm run catalog -- build --source jsonl|csv PATH --media DIR --out DIR [options]',
  'options: --format int8|float16  --interactions FILE.csv|FILE.jsonl  --modalities text,image,audio',
  '         --neighbours K  --transition-window N  --max-gap SECONDS  --max-session-items N   (how --interactions are aggregated)',
  '         --min-sessions K (default 5)  --epsilon E [--noise-seed N]   (privacy of the aggregates: docs/privacy.md)',
  '         --name NAME  --currency EUR  --batch N  --no-shared-space  --progress-file FILE',
  '         --no-learned-model  --learned-epochs N (5)  --learned-seed N (1)   (the learned item tower + user model)',
  '         --item-graph   (ship the item graph: off by default, docs/recommender.md#item-graph)',
  '       npm run catalog -- shared-space --out DIR [--dims N] [--steps N] [--seed N]   (add/retrain the shared space of a built catalog)',
  '       build … --workers N (parallel shard processes, default one per core)  build … --shard i/n  merge … --shards n',
  '       npm run catalog -- ivf --out DIR [--modality text] [--partitions N]   (IVF partitions for a built catalog)',
].join('\n');

interface Args {
  source: string;
  sourcePath?: string;
  out: string;
  media?: string;
  limit?: number;
  ids?: string[];
  format: VectorFormat;
  interactions?: string;
  /** How the interactions are aggregated (the builder's defaults where absent). */
  signals?: AggregateOptions;
  modalities?: Modality[];
  name?: string;
  currency?: string;
  batch?: number;
  sharedSpace: boolean;
  /** --no-learned-model / --learned-epochs N / --learned-seed N (learned-model-stage.ts). */
  learnedModel: false | { epochs?: number; seed?: number };
  /** --item-graph: ship the item graph (item-graph-files.ts). */
  itemGraph: boolean;
  /** `build --shard i/n`: embed that shard only. */
  shard?: ShardSpec;
  /** `merge --shards n`. */
  merge?: number;
  workers?: number;
  progressFile?: string;
}

interface SharedSpaceArgs {
  out: string;
  dims?: number;
  steps?: number;
  seed?: number;
}

function parseSharedSpaceArgs(rest: string[]): SharedSpaceArgs {
  const flags = readCliFlags(rest, { values: ['out', 'dims', 'steps', 'seed'] });
  const out = flags.value('out');
  if (!out) throw new UsageError('missing --out DIR (the built catalog)');
  const args: SharedSpaceArgs = { out };
  for (const key of ['dims', 'steps', 'seed'] as const) {
    const value = flags.value(key);
    if (value === undefined) continue;
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${key} must be a positive integer (got "${value}")`);
    args[key] = Number(value);
  }
  return args;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'build' && command !== 'merge') throw new UsageError(command ? `unknown command "${command}"` : 'missing command "build"');
  const values = [
    'source',
    'out',
    'media',
    'limit',
    'ids',
    'format',
    'interactions',
    ...SIGNAL_FLAGS,
    'modalities',
    'name',
    'currency',
    'batch',
    'progress-file',
    'learned-epochs',
    'learned-seed',
    ...(command === 'build' ? ['shard', 'workers'] : ['shards']),
  ];
  const flags = readCliFlags(rest, { values, booleans: ['no-shared-space', 'no-learned-model', 'item-graph'], positionals: true });
  const positional = flags.positionals;
  const source = flags.value('source');
  if (!source) throw new UsageError('missing --source tuxpaint|openclipart|debian-videos|jsonl|csv');
  const out = flags.value('out');
  if (!out) throw new UsageError('missing --out DIR');
  const integer = (key: string): number | undefined => {
    const value = flags.value(key);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${key} must be a positive integer (got "${value}")`);
    return Number(value);
  };
  const format = flags.value('format') ?? 'int8';
  if (!isVectorFormat(format)) throw new UsageError(`--format must be int8 or float16 (got "${format}")`);
  const args: Args = { source, out, format, sharedSpace: !flags.has('no-shared-space'), learnedModel: {}, itemGraph: flags.has('item-graph') };
  if (source === 'tuxpaint' || source === 'openclipart' || source === 'debian-videos') {
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}" (--source ${source} takes no PATH)`);
    if (flags.has('media')) throw new UsageError('--media is for --source jsonl|csv');
  } else if (source === 'jsonl' || source === 'csv') {
    if (positional.length !== 1) throw new UsageError(`--source ${source} needs one PATH (got ${positional.length})`);
    args.sourcePath = positional[0];
    const media = flags.value('media');
    if (!media) throw new UsageError(`--source ${source} needs --media DIR (the folder the image/audio paths start from)`);
    args.media = media;
    if (flags.has('limit') || flags.has('ids')) throw new UsageError('--limit and --ids are for --source tuxpaint|openclipart|debian-videos');
  } else throw new UsageError(`unknown --source "${source}" (expected tuxpaint, openclipart, debian-videos, jsonl or csv)`);
  const limit = integer('limit');
  if (limit !== undefined) args.limit = limit;
  if (flags.has('no-learned-model') && (flags.has('learned-epochs') || flags.has('learned-seed')))
    throw new UsageError('--no-learned-model does not go with --learned-epochs / --learned-seed');
  const learnedEpochs = integer('learned-epochs');
  const learnedSeed = integer('learned-seed');
  args.learnedModel = flags.has('no-learned-model')
    ? false
    : { ...(learnedEpochs ? { epochs: learnedEpochs } : {}), ...(learnedSeed ? { seed: learnedSeed } : {}) };
  const batch = integer('batch');
  if (batch !== undefined) args.batch = batch;
  const workers = integer('workers');
  if (workers !== undefined) args.workers = workers;
  if (flags.has('shard')) {
    try {
      args.shard = parseShard(flags.value('shard') ?? '');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (workers !== undefined) throw new UsageError('--shard and --workers do not go together: a shard is one worker');
  }
  if (command === 'merge') {
    const shards = integer('shards');
    if (shards === undefined) throw new UsageError('merge needs --shards N (how many shard builds to join)');
    args.merge = shards;
  }
  if (flags.has('ids'))
    args.ids = (flags.value('ids') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (flags.has('modalities')) {
    const list = (flags.value('modalities') ?? '').split(',').map((s) => s.trim());
    const bad = list.find((m) => !isModality(m));
    if (bad !== undefined || list.length === 0) throw new UsageError(`--modalities takes text,image,audio (got "${flags.value('modalities')}")`);
    args.modalities = list as Modality[];
  }
  for (const key of ['interactions', 'name', 'currency'] as const) {
    const value = flags.value(key);
    if (value !== undefined) args[key] = value;
  }
  if (flags.has('progress-file')) args.progressFile = flags.value('progress-file');
  const signals = signalOptions(flags);
  if (signals) {
    if (!args.interactions) throw new UsageError(`--${SIGNAL_FLAGS.find((f) => flags.has(f))} is about aggregating --interactions: give --interactions FILE`);
    args.signals = signals;
  }
  if (args.currency !== undefined && !/^[A-Z]{3}$/.test(args.currency))
    throw new UsageError(`--currency must be an ISO 4217 code like EUR (got "${args.currency}")`);
  return args;
}

const SIGNAL_FLAGS = ['neighbours', 'transition-window', 'max-gap', 'max-session-items', ...PRIVACY_FLAGS];

/** `--neighbours` etc. → aggregation options, or undefined when none is given. */
function signalOptions(flags: CliFlags<string, never, string>): AggregateOptions | undefined {
  const number = (key: string, min: number, integer: boolean): number | undefined => {
    const value = flags.value(key);
    if (value === undefined) return undefined;
    const n = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (!(n >= min) || (integer && !Number.isInteger(n)))
      throw new UsageError(`--${key} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got "${value}")`);
    return n;
  };
  const options: AggregateOptions = {};
  const k = number('neighbours', 1, true);
  const transitionWindow = number('transition-window', 1, true);
  const maxGapSeconds = number('max-gap', 0, false);
  const maxSessionItems = number('max-session-items', 2, true);
  if (k !== undefined) options.k = k;
  if (transitionWindow !== undefined) options.transitionWindow = transitionWindow;
  if (maxGapSeconds !== undefined) options.maxGapSeconds = maxGapSeconds;
  if (maxSessionItems !== undefined) options.maxSessionItems = maxSessionItems;
  Object.assign(
    options,
    privacyOptions(flags, (message) => {
      throw new UsageError(message);
    }),
  );
  return Object.keys(options).length > 0 ? options : undefined;
}

function readInteractions(path: string): InteractionRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogInputError(`--interactions: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return parseInteractionsCsv(text, path);
  if (ext === '.jsonl' || ext === '.ndjson') return parseInteractionsJsonl(text, path);
  throw new CatalogInputError(`--interactions: ${path}: expected a .csv or .jsonl file`);
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/** A progress line on stderr: redrawn in place on a terminal, one line per update otherwise. */
function progressPrinter(): { update: (p: BuildProgress) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = -1;
  let lastTime = 0;
  return {
    update({ done, total, reused, elapsed }) {
      const now = Date.now();
      if (!tty && done !== total && now - lastTime < 2000 && done !== 0) return;
      if (done === lastPrinted && done !== 0) return;
      lastPrinted = done;
      lastTime = now;
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : width;
      const fresh = done - reused;
      const rate = elapsed > 0 ? fresh / elapsed : 0;
      const eta = rate > 0 ? (total - done) / rate : Infinity;
      const line =
        `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} items` +
        (reused > 0 ? ` (${reused} resumed)` : '') +
        `  ${rate.toFixed(2)} items/s  elapsed ${formatSeconds(elapsed)}  ETA ${done === total ? '0:00' : formatSeconds(eta)}`;
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** The builder's progress as the dev server's page shows it: items embedded, then the steps after the last one. */
function buildStatusOf({ done, total, reused, elapsed }: BuildProgress): CatalogBuildUpdate {
  if (done === total) return { phase: 'finishing', done, total, message: 'training the shared space and writing the catalog' };
  const rate = elapsed > 0 ? (done - reused) / elapsed : 0;
  return { phase: 'embedding', done, total, ...(rate > 0 ? { etaSeconds: Math.round((total - done) / rate) } : {}) };
}

function printSummary(summary: BuildSummary): void {
  const lines: string[] = [];
  lines.push(`catalog: ${resolve(summary.outDir)}`);
  lines.push(
    `items: ${summary.items}   vectors: ${summary.format}   build: ${summary.seconds.toFixed(1)} s, ${summary.secondsPer100Items.toFixed(1)} s per 100 items (${summary.itemsEmbeddedThisRun} embedded this run)`,
  );
  lines.push('modality  items  embedded  resumed  vector B/item  media B/item  encoder');
  for (const [modality, s] of Object.entries(summary.modalities)) {
    if (!s) continue;
    lines.push(
      `${modality.padEnd(8)}  ${String(s.count).padStart(5)}  ${String(s.embedded).padStart(8)}  ${String(s.reused).padStart(7)}  ${s.vectorBytesPerItem.toFixed(0).padStart(13)}  ${s.mediaBytesPerItem.toFixed(0).padStart(12)}  ${s.encoder}`,
    );
  }
  lines.push(`manifest.json: ${summary.manifestBytes} bytes (${(summary.manifestBytes / summary.items).toFixed(0)} B/item)`);
  if (summary.refused.length > 0) {
    lines.push(`inputs left out (${summary.refused.length}; those items lack that modality):`);
    for (const r of summary.refused) lines.push(`  ${r.id} ${r.modality}: ${r.problem}: ${r.message}`);
  }
  if (summary.interactions) {
    const r = summary.interactions;
    lines.push(
      `interactions: ${r.rows} rows, ${r.events} on catalog items (${r.droppedEvents} dropped, ${r.unknownItems} unknown items), ${r.sessions} sessions`,
    );
  }
  if (summary.videos) {
    const v = summary.videos;
    lines.push(
      `videos: ${v.items} clips, ${v.seconds.toFixed(1)} s in all; WebM ${v.videoBytes} bytes (${(v.videoBytes / v.items).toFixed(0)} B/clip), posters ${v.posterBytes} bytes; ` +
        `${v.reencoded} re-encoded this run in ${v.reencodeSeconds.toFixed(1)} s (the others from the cache)`,
    );
  }
  const shared = describeSharedSpace(summary.sharedSpace);
  if (shared) lines.push(shared);
  const learned = summary.learnedModel;
  if (learned && 'skipped' in learned) lines.push(`learned model: none (${learned.skipped})`);
  else if (learned)
    lines.push(
      `learned model: ${learned.dims}-d, user model ${learned.userModel}, weights ${learned.bytes.weights} B, item vectors ${learned.bytes.itemVectors} B (${learned.bytes.perItem.toFixed(0)} B/item), blend weight ${learned.blendWeight}, ${learned.seconds} s`,
    );
  process.stdout.write(lines.join('\n') + '\n');
}

function describeSharedSpace(summary: BuildSummary['sharedSpace']): string | undefined {
  if (!summary) return undefined;
  if ('skipped' in summary) return `shared space: none (${summary.skipped})`;
  const s = summary.stats;
  return (
    `shared space: ${summary.dims}-d over ${summary.modalities.join(', ')}, ${summary.bytes} bytes; trained on ${s.items} items, ` +
    `${s.steps} steps in ${s.seconds.toFixed(1)} s (loss ${s.initialLoss.toFixed(3)} → ${s.finalLoss.toFixed(3)})`
  );
}

async function sharedSpaceCommand(rest: string[]): Promise<number> {
  let args: SharedSpaceArgs;
  try {
    args = parseSharedSpaceArgs(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`catalog: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (!existsSync(join(args.out, 'manifest.json'))) {
    console.error(`catalog: ${join(args.out, 'manifest.json')} not found: build the catalog first`);
    return 2;
  }
  await initNodeTf('wasm');
  const options = { ...(args.dims ? { dims: args.dims } : {}), ...(args.steps ? { steps: args.steps } : {}), ...(args.seed ? { seed: args.seed } : {}) };
  process.stderr.write(`training the shared space of ${args.out} from its stored vectors …\n`);
  let result: Awaited<ReturnType<typeof addSharedSpaceToCatalog>>;
  try {
    result = await addSharedSpaceToCatalog(args.out, options);
  } catch (error) {
    if ((error as Error).name !== 'CatalogFormatError') throw error;
    console.error(`catalog: ${(error as Error).message}`);
    return 2;
  }
  if (result.skipped) {
    console.log(`shared space: none (${result.skipped})`);
    return 0;
  }
  const binBytes = statSync(join(args.out, SHARED_SPACE_DIR, SHARED_SPACE_BINARY)).size;
  console.log(
    describeSharedSpace({ dims: result.entry!.dims, modalities: result.entry!.modalities, bytes: result.entry!.bytes + binBytes, stats: result.stats! }),
  );
  return 0;
}

/** `ivf --out DIR [--modality M] [--partitions N]`: IVF partitions for a built catalog (docs/scale.md). */
async function ivfCommand(rest: string[]): Promise<number> {
  let out: string | undefined;
  let modality: Modality;
  let partitions: number | undefined;
  try {
    const flags = readCliFlags(rest, { values: ['out', 'modality', 'partitions'] });
    out = flags.value('out');
    if (!out) throw new UsageError('missing --out DIR (the built catalog)');
    const m = flags.value('modality') ?? 'text';
    if (!isModality(m)) throw new UsageError(`--modality must be text, image or audio (got "${m}")`);
    modality = m;
    const p = flags.value('partitions');
    if (p !== undefined) {
      if (!/^\d+$/.test(p) || Number(p) < 1) throw new UsageError(`--partitions must be a positive integer (got "${p}")`);
      partitions = Number(p);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`catalog: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  await initNodeTf('wasm');
  try {
    const built = await addIvfToCatalog(out, modality, {
      ...(partitions ? { partitions } : {}),
      onProgress: (stage, done, total) => process.stderr.write(`ivf: ${stage} ${done}/${total}\n`),
    });
    console.log(
      `ivf: ${built.partitions} partitions of ${modality} (rows per partition ${built.sizes.min}/${built.sizes.median}/${built.sizes.max} min/median/max) in ${built.seconds.toFixed(1)} s → ${out}/ivf/${modality}/`,
    );
    return 0;
  } catch (error) {
    if ((error as Error).name !== 'CatalogFormatError') throw error;
    console.error(`catalog: ${(error as Error).message}`);
    return 2;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'shared-space') return sharedSpaceCommand(argv.slice(1));
  if (argv[0] === 'ivf') return ivfCommand(argv.slice(1));
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`catalog: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  let progress: ReturnType<typeof progressPrinter> | undefined;
  const status = args.progressFile ? catalogBuildStatusWriter(args.progressFile) : undefined;
  try {
    let items: SourceItem[];
    const options: Partial<BuildCatalogOptions> = { format: args.format };
    if (args.source === 'tuxpaint') {
      const { findOrFetchTuxPaintStamps } = await import('../../../scripts/fetch-tuxpaint-stamps.mjs');
      const stampsDir = findOrFetchTuxPaintStamps();
      items = tuxPaintSourceItems(stampsDir, { ...(args.ids ? { ids: args.ids } : {}), ...(args.limit !== undefined ? { limit: args.limit } : {}) });
      const license = tuxPaintLicense(stampsDir);
      options.notice = license.notice;
      options.noticeFiles = license.noticeFiles;
      options.licenses = license.licenses;
      options.name = 'Tux Paint stamps';
    } else if (args.source === 'openclipart') {
      const { findOrFetchOpenclipart } = await import('../../../scripts/fetch-openclipart.mjs');
      const dir = findOrFetchOpenclipart();
      const scan = scanOpenclipart(dir, args.limit !== undefined ? { limit: args.limit } : {});
      items = scan.items;
      if (args.ids) {
        const wanted = new Set(args.ids);
        const missing = args.ids.filter((id) => !items.some((item) => item.id === id));
        if (missing.length > 0) throw new CatalogInputError(`no Openclipart SVG with id ${missing.map((id) => JSON.stringify(id)).join(', ')} in ${dir}`);
        items = items.filter((item) => wanted.has(item.id));
      }
      for (const [reason, count] of Object.entries(scan.skipped)) process.stderr.write(`openclipart: skipped ${count} of ${scan.files} files: ${reason}\n`);
      const license = openclipartLicense(dir);
      options.notice = license.notice;
      options.noticeFiles = license.noticeFiles;
      options.licenses = license.licenses;
      options.name = 'Openclipart';
      // Text and image only: the clip art has no sound.
      options.modalities = ['text', 'image'];
    } else if (args.source === 'debian-videos') {
      const fetcher = await import('../../../scripts/fetch-debian-videos.mjs');
      items = debianVideoSourceItems(fetcher, { ...(args.ids ? { ids: args.ids } : {}), ...(args.limit !== undefined ? { limit: args.limit } : {}) });
      const license = debianVideosLicense(fetcher, items);
      options.notice = license.notice;
      options.noticeFiles = license.noticeFiles;
      options.licenses = license.licenses;
      options.name = 'Debian video clips';
    } else {
      const path = args.sourcePath!;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new CatalogInputError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      items = args.source === 'jsonl' ? parseShopJsonl(text, args.media!, path) : parseShopCsv(text, args.media!, path);
    }
    if (args.interactions) options.interactions = { rows: readInteractions(args.interactions), ...(args.signals ? { options: args.signals } : {}) };
    if (args.name) options.name = args.name;
    if (args.currency) options.currency = args.currency;
    if (args.modalities) options.modalities = args.modalities;
    if (args.batch) options.batchSize = args.batch;
    options.learnedModel = args.learnedModel;
    if (args.itemGraph) options.graph = {};
    if (!args.sharedSpace) options.sharedSpace = false;
    else
      options.sharedSpace = { onProgress: (step, loss) => process.stderr.write(`shared space: step ${step}, loss ${loss.toFixed(3)}\n`), progressEvery: 100 };

    options.video = {
      onReencode: (id, index, total) => process.stderr.write(`re-encoding video ${index + 1}/${total} (${id}) to WebM VP9 + Opus …\n`),
      onPosterRemade: (id) => process.stderr.write(`video ${id}: its poster is gone, embedding the clip again to make it\n`),
    };
    await initNodeTf('wasm');
    const encoders = new NodeEncoders();
    const batchSize = args.batch ?? DEFAULT_BATCH_SIZE;
    if (args.shard) {
      const slice = shardItems(items, args.shard, batchSize);
      const dir = shardDir(args.out, args.shard);
      progress = progressPrinter();
      process.stderr.write(`shard ${args.shard.index}/${args.shard.count}: embedding ${slice.length} of ${items.length} items into ${dir} …\n`);
      const summary = await buildCatalog(slice, { ...options, outDir: dir, encoders, onProgress: progress.update, embedOnly: true, sharedSpace: false });
      progress.end();
      console.log(
        `shard ${args.shard.index}/${args.shard.count}: ${summary.items} items (${summary.itemsEmbeddedThisRun} embedded this run) in ${summary.seconds.toFixed(1)} s`,
      );
      await encoders.dispose();
      return 0;
    }
    const workers = args.merge ? 1 : (args.workers ?? Math.min(availableParallelism(), Math.ceil(items.length / batchSize)));
    let shards = args.merge;
    const started = performance.now();
    if (workers > 1) {
      process.stderr.write(`building ${items.length} items into ${args.out} as ${workers} parallel shard processes …\n`);
      // Shards report on stderr (prefixed); the status file (if any) is this process's, written from the merge on.
      const own = ['--workers', '--progress-file'];
      await runShardProcesses(
        argv.slice(1).filter((arg, i, all) => !own.includes(arg) && !own.includes(all[i - 1]!) && !own.some((flag) => arg.startsWith(`${flag}=`))),
        workers,
      );
      shards = workers;
    }
    if (shards !== undefined) {
      collectShardPartials(args.out, shards);
      process.stderr.write(`merging ${shards} shards into ${args.out} …\n`);
    }
    progress = progressPrinter();
    if (shards === undefined) process.stderr.write(`building ${items.length} items into ${args.out} …\n`);
    const printer = progress;
    const onProgress = (p: BuildProgress) => {
      printer.update(p);
      status?.update(buildStatusOf(p));
    };
    const summary = await buildCatalog(items, {
      ...options,
      outDir: args.out,
      encoders,
      onProgress,
      ...(shards !== undefined ? { requireEmbedded: true } : {}),
    });
    progress.end();
    if (shards !== undefined) removeShards(args.out);
    status?.now({ phase: 'done', done: summary.items, total: summary.items });
    printSummary(summary);
    if (workers > 1) {
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `sharded build: ${items.length} items on ${workers} worker processes in ${seconds.toFixed(1)} s (${(items.length / seconds).toFixed(2)} items/s, merge included)`,
      );
    }
    await encoders.dispose();
    return 0;
  } catch (error) {
    progress?.end();
    const e = error as Error;
    status?.now({ phase: 'failed', done: 0, total: 0, message: e.message.split('\n')[0] });
    if (e.name === 'CatalogInputError' || e.name === 'InteractionLogError') {
      console.error(`catalog: ${e.message.split('\n')[0]}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
