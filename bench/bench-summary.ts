import type { BackendReport, Int8RankBenchmarkRow } from '../src/protocol/engine-api.ts';
import type { CatalogLoadRow } from './catalog-load-benchmark.ts';
import type { WidgetBenchmark } from './widget-benchmark.ts';
import type { IvfBenchmark } from './ivf-benchmark.ts';
import type { PeerBenchmark } from './peer-benchmark.ts';
import type { BuildRow } from './build-benchmark.ts';
import type { SoakBenchmark } from './soak-benchmark.ts';
import type { LearnedBenchmark } from './learned-benchmark.ts';
import { HNSWLIB_SYSTEM, VOY_SYSTEM, type PeerRow, type PeerSetting } from './peers/peer-runs.ts';

/** The recall a setting must reach to count as "matched" in the peer comparison. */
export const MATCHED_RECALL = 0.95;

/** The keys summary.json always has (issue 13), each with the bench section that measures it. */
export const SUMMARY_KEYS = {
  readyColdMs: 'catalog',
  readyWarmMs: 'catalog',
  widgetFirstRecWarmMs: 'widget',
  rank100kMs: 'rank-int8',
  rank100kFloorRatio: 'rank-int8',
  rank1mMs: 'rank-int8',
  rank1mFloorRatio: 'rank-int8',
  ivf1mRecallAt10: 'ivf',
  ivf1mP50Ms: 'ivf',
  ivf1mP99Ms: 'ivf',
  ivf1mFirstQueryBytes: 'ivf',
  hnswlibWasm100kP50Ms: 'peers',
  hnswlibWasm100kRecallAt10: 'peers',
  voy100kP50Ms: 'peers',
  voy100kRecallAt10: 'peers',
  ours100kP50Ms: 'peers',
  buildItemsPerSecond1Worker: 'build',
  buildItemsPerSecond2Workers: 'build',
  soakFirst100P50Ms: 'soak',
  soakFirst100P99Ms: 'soak',
  soakLast100P50Ms: 'soak',
  soakLast100P99Ms: 'soak',
  learnedForYou100kWasmMs: 'learned',
  learnedAlone100kWasmMs: 'learned',
  todayForYou100kWasmMs: 'learned',
  learnedRankingBytesPerItem: 'learned',
  offCatalogImageToForYouMs: 'learned',
} as const;

export type SummaryKey = keyof typeof SUMMARY_KEYS;

/**
 * bench-results/summary.json. Every key of SUMMARY_KEYS is present: a number, or null with a
 * `notes` entry saying why. `backends` names what produced each number and `measuredAt` the run
 * that measured it: a section not run this time keeps the previous summary's value and date.
 */
export interface BenchSummary {
  date: string;
  [key: string]: unknown;
  backends: Record<string, string>;
  notes: Record<string, string>;
  measuredAt: Record<string, string>;
}

export interface SummaryInput {
  /** The sections this run ran (BENCH_SECTIONS). */
  sections: ReadonlySet<string>;
  catalogRows?: CatalogLoadRow[];
  widget?: WidgetBenchmark;
  int8Rows?: Array<Int8RankBenchmarkRow & { floorMs: number; ratioToFloor: number }>;
  ivf?: IvfBenchmark;
  peers?: PeerBenchmark;
  buildRows?: BuildRow[];
  soak?: SoakBenchmark;
  learned?: LearnedBenchmark;
  report?: BackendReport;
  /** The previous summary.json, if any. */
  previous?: Partial<BenchSummary>;
  date?: string;
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The fastest setting reaching MATCHED_RECALL, else the most accurate one; undefined if the system did not build. */
export function matchedSetting(row: PeerRow | undefined): PeerSetting | undefined {
  if (!row || !row.built || row.settings.length === 0) return undefined;
  const ok = row.settings.filter((s) => s.recallAt10 >= MATCHED_RECALL);
  if (ok.length > 0) return ok.reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
  return row.settings.reduce((a, b) => (b.recallAt10 > a.recallAt10 || (b.recallAt10 === a.recallAt10 && b.p50Ms < a.p50Ms) ? b : a));
}

/** Builds the summary of one bench run (pure: the caller reads and writes the file). */
export function summarise(input: SummaryInput): BenchSummary {
  const date = input.date ?? new Date().toISOString();
  const values: Partial<Record<string, number | null>> = {};
  const backends: Record<string, string> = {};
  const notes: Record<string, string> = {};
  const set = (key: string, value: number | null | undefined, backend: string | undefined, whyNull: string) => {
    if (value === undefined || value === null || !Number.isFinite(value)) {
      values[key] = null;
      notes[key] = whyNull;
    } else {
      values[key] = value;
      if (backend) backends[key] = backend;
    }
  };
  const { sections } = input;

  if (sections.has('catalog')) {
    const rows = input.catalogRows ?? [];
    const cold = rows.find((r) => r.visit === 'cold');
    const warm = rows.filter((r) => r.visit === 'warm');
    set(
      'readyColdMs',
      cold?.appReadyMs,
      cold && `demo page, engine on ${input.report?.backend ?? '?'} (${cold.mode})`,
      'the catalog section produced no cold visit',
    );
    set(
      'readyWarmMs',
      warm.length ? median(warm.map((r) => r.appReadyMs)) : undefined,
      `demo page, ${warm.map((r) => r.mode).join('/')} choice, catalog from the Cache API`,
      'the catalog section produced no warm visit',
    );
  }
  if (sections.has('widget')) {
    const warm = input.widget?.visits.find((v) => v.visit === 'warm');
    set(
      'widgetFirstRecWarmMs',
      warm?.firstRecommendationMs.medianMs,
      'example shop with <ondevice-recs>, remembered choice',
      input.widget ? 'the widget section produced no warm visit' : 'the widget section did not run: dist/ondevice-recs.js is not built (npm run build)',
    );
    const cold = input.widget?.visits.find((v) => v.visit === 'cold');
    if (cold) set('widgetFirstRecColdMs', cold.firstRecommendationMs.medianMs, 'example shop with <ondevice-recs>, fresh context', '');
  }
  if (sections.has('rank-int8')) {
    for (const [items, key] of [
      [100_000, 'rank100k'],
      [1_000_000, 'rank1m'],
    ] as const) {
      const rows = (input.int8Rows ?? []).filter((r) => r.items === items && r.dims === 256 && r.correct);
      const best = rows.length ? rows.reduce((a, b) => (b.medianMs < a.medianMs ? b : a)) : undefined;
      const why = `no int8 kernel gave the exact top-10 at ${items.toLocaleString('en')} × 256 in this run`;
      set(`${key}Ms`, best?.medianMs, best && `int8 kernel ${best.ranker}${best.software ? ' (software adapter)' : ''}, 256-d, top-10`, why);
      set(
        `${key}FloorRatio`,
        best?.ratioToFloor,
        best && `${best.ranker}: ${(best.bytesRead / 1e6).toFixed(1)} MB read, floor ${best.floorMs.toFixed(2)} ms`,
        why,
      );
    }
  }
  if (sections.has('ivf')) {
    const ivf = input.ivf;
    const headline = ivf ? (ivf.rows.find((r) => r.recallAt10 >= MATCHED_RECALL) ?? ivf.rows[ivf.rows.length - 1]) : undefined;
    const backend =
      ivf &&
      headline &&
      `IVF ${ivf.options.partitions} partitions, nprobe ${headline.nprobe}, ${ivf.options.items.toLocaleString('en')} synthetic clustered rows, engine worker, ${headline.ranker}`;
    const why = 'the IVF section produced no rows';
    set('ivf1mRecallAt10', headline?.recallAt10, backend, why);
    set('ivf1mP50Ms', headline?.p50Ms, backend, why);
    set('ivf1mP99Ms', headline?.p99Ms, backend, why);
    set('ivf1mFirstQueryBytes', headline?.firstQueryBytes, backend, why);
    if (headline) set('ivf1mNprobe', headline.nprobe, backend, '');
  }
  if (sections.has('peers')) summarisePeers(input.peers, set);
  if (sections.has('build')) {
    for (const workers of [1, 2]) {
      const row = (input.buildRows ?? []).find((r) => r.workers === workers);
      const key = workers === 1 ? 'buildItemsPerSecond1Worker' : `buildItemsPerSecond${workers}Workers`;
      set(
        key,
        row?.itemsPerSecond,
        row && `catalog CLI, ${row.items} Tux Paint stamps, ${workers} process${workers === 1 ? '' : 'es'}, Node tfjs wasm`,
        `the build section did not run ${workers} worker${workers === 1 ? '' : 's'}`,
      );
    }
  }
  if (sections.has('soak')) {
    const soak = input.soak;
    const backend =
      soak &&
      `demo page, public API (recs.track / recs.recommend), ${soak.events.toLocaleString('en')} events, ${soak.calls.toLocaleString('en')} calls, engine on ${soak.backend}`;
    const why = 'the soak section produced no result';
    set('soakFirst100P50Ms', soak?.first.p50Ms, backend, why);
    set('soakFirst100P99Ms', soak?.first.p99Ms, backend, why);
    set('soakLast100P50Ms', soak?.last.p50Ms, backend, why);
    set('soakLast100P99Ms', soak?.last.p99Ms, backend, why);
  }

  if (sections.has('learned')) summariseLearned(input.learned, set);

  // Keys this run did not measure: the previous run's value, or null saying why.
  const previous = input.previous ?? {};
  const measuredAt: Record<string, string> = {};
  const out: BenchSummary = { date, backends, notes, measuredAt };
  for (const key of new Set([...Object.keys(SUMMARY_KEYS), ...Object.keys(values)])) {
    if (key in values) {
      out[key] = values[key];
      if (values[key] !== null) measuredAt[key] = date;
      continue;
    }
    const old = previous[key];
    if (typeof old === 'number') {
      out[key] = old;
      measuredAt[key] = previous.measuredAt?.[key] ?? previous.date ?? 'unknown';
      if (previous.backends?.[key]) backends[key] = previous.backends[key];
      if (previous.notes?.[key]) notes[key] = previous.notes[key];
    } else {
      out[key] = null;
      const section = SUMMARY_KEYS[key as SummaryKey];
      const kept = previous.notes?.[key];
      notes[key] =
        old === null && kept && !kept.startsWith('not measured yet')
          ? kept
          : `not measured yet: section "${section}" was not in this run (BENCH_SECTIONS=${[...input.sections].join(',')})`;
    }
  }
  return out;
}

function summarisePeers(
  peers: PeerBenchmark | undefined,
  set: (key: string, value: number | null | undefined, backend: string | undefined, whyNull: string) => void,
): void {
  const rowOf = (prefix: string) => peers?.rows.find((r) => r.system.startsWith(prefix));
  const why = (row: PeerRow | undefined, name: string) => (row?.note ? `${name}: ${row.note}` : `${name} did not run in the peers section`);
  const items = peers?.options.items ?? 0;
  const size = items === 100_000 ? '' : ` (run at ${items.toLocaleString('en')} items, not 100,000)`;
  const oursRows = [rowOf('ours: IVF'), rowOf('ours: int8 brute')];
  const ours = oursRows
    .map((row) => ({ row, s: matchedSetting(row) }))
    .filter((x) => x.s && x.s.recallAt10 >= MATCHED_RECALL)
    .sort((a, b) => a.s!.p50Ms - b.s!.p50Ms)[0];
  set(
    'ours100kP50Ms',
    ours?.s?.p50Ms,
    ours && `${ours.row!.system}, ${ours.s!.setting}, recall@10 ${ours.s!.recallAt10.toFixed(3)}${size}`,
    'none of our systems reached the matched recall in the peers section',
  );
  if (ours) set('ours100kRecallAt10', ours.s!.recallAt10, `${ours.row!.system}, ${ours.s!.setting}${size}`, '');
  const hnswRow = rowOf(HNSWLIB_SYSTEM.split(' (')[0]!);
  const hnsw = matchedSetting(hnswRow);
  set('hnswlibWasm100kP50Ms', hnsw?.p50Ms, hnsw && `${hnswRow!.system}, ${hnsw.setting}${size}`, why(hnswRow, 'hnswlib-wasm'));
  set('hnswlibWasm100kRecallAt10', hnsw?.recallAt10, hnsw && `${hnswRow!.system}, ${hnsw.setting}${size}`, why(hnswRow, 'hnswlib-wasm'));
  const voyRow = rowOf(VOY_SYSTEM.split(' (')[0]!);
  const voy = matchedSetting(voyRow);
  set('voy100kP50Ms', voy?.p50Ms, voy && `${voyRow!.system}, ${voy.setting}${size}`, why(voyRow, 'voy-search'));
  set('voy100kRecallAt10', voy?.recallAt10, voy && `${voyRow!.system}, ${voy.setting}${size}`, why(voyRow, 'voy-search'));
}

function summariseLearned(
  learned: LearnedBenchmark | undefined,
  set: (key: string, value: number | null | undefined, backend: string | undefined, whyNull: string) => void,
): void {
  const at100k = learned?.rows.find((r) => r.items === 100_000 && r.backend === 'wasm');
  const why100k = learned?.notRun.find((n) => n.items === 100_000 && n.backend === 'wasm')?.reason ?? 'the learned section produced no 100,000-item wasm row';
  const where = at100k && `engine worker, tfjs wasm, int8 kernel ${at100k.learned?.int8Ranker ?? '?'}, 100,000 synthetic items, k = 10, w = 1`;
  set('learnedForYou100kWasmMs', at100k?.forYou.medianMs, where && `for-you with the learned blend: ${where}`, why100k);
  set('learnedAlone100kWasmMs', at100k?.learned?.learnedTopK.medianMs, where && `learned model alone (user vector + int8 top-10): ${where}`, why100k);
  set(
    'todayForYou100kWasmMs',
    at100k?.learned?.forYouWithoutLearned?.medianMs,
    where && `for-you without the learned model (today's fusion path): ${where}`,
    why100k,
  );
  const catalog = learned?.catalogs.find((c) => c.items === 100_000) ?? learned?.catalogs[0];
  set(
    'learnedRankingBytesPerItem',
    catalog?.learnedBytesPerItem,
    catalog &&
      `learned int8 rows: d = ${catalog.dims} codes + a float32 scale + the kernel's mask byte (today's path: ${catalog.engineBytesPerItem} B/item of float32)`,
    'the learned section ran no catalog',
  );
  const off = learned?.rows.find((r) => !r.synthetic && r.backend === 'wasm');
  set(
    'offCatalogImageToForYouMs',
    off?.offCatalogViewToRecs?.medianMs,
    off && `default catalog (${off.items} items, w = 1), tfjs wasm: track('view', id, { content: { image } }) (embed, store) → for-you`,
    'the learned section produced no wasm row on the default catalog',
  );
}
