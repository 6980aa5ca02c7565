import { existsSync, readFileSync } from 'node:fs';
import type { BackendReport, Int8RankBenchmarkRow } from '../src/protocol/engine-api.ts';
import type { CatalogLoadRow } from './catalog-load-benchmark.ts';
import type { WidgetBenchmark } from './widget-benchmark.ts';
import type { IvfBenchmark } from './ivf-benchmark.ts';
import type { PeerBenchmark } from './peer-benchmark.ts';
import type { BuildRow } from './build-benchmark.ts';

/** The recall a setting must reach to count as "matched" in the peer comparison. */
export const MATCHED_RECALL = 0.95;

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * bench-results/summary.json: the headline numbers of issue 13 (ms unless the key says otherwise)
 * and, in `backends`, what produced each timing. Sections not run this time keep their values from
 * the previous summary.json (its `date` per key is not tracked: run every section for one run's ratios).
 */
export function summarise(input: {
  catalogRows: CatalogLoadRow[];
  widget: WidgetBenchmark | undefined;
  int8Rows: Array<Int8RankBenchmarkRow & { floorMs: number; ratioToFloor: number }>;
  ivf: IvfBenchmark | undefined;
  peers: PeerBenchmark | undefined;
  buildRows: BuildRow[];
  report: BackendReport;
}): Record<string, unknown> {
  const previous = existsSync('bench-results/summary.json') ? (JSON.parse(readFileSync('bench-results/summary.json', 'utf8')) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...previous, date: new Date().toISOString() };
  const backends: Record<string, string> = { ...((previous.backends as Record<string, string>) ?? {}) };
  const { catalogRows, widget, int8Rows, ivf, peers, buildRows } = input;

  if (catalogRows.length > 0) {
    out.readyColdMs = catalogRows.find((r) => r.visit === 'cold')!.appReadyMs;
    out.readyWarmMs = median(catalogRows.filter((r) => r.visit === 'warm').map((r) => r.appReadyMs));
    backends.readyColdMs = `demo page, engine on ${input.report.backend} (${catalogRows.find((r) => r.visit === 'cold')!.mode})`;
    backends.readyWarmMs = `demo page, ${catalogRows.filter((r) => r.visit === 'warm').map((r) => r.mode).join('/')} choice, catalog from the Cache API`;
  }
  if (widget) {
    out.widgetFirstRecWarmMs = widget.visits.find((v) => v.visit === 'warm')!.firstRecommendationMs.medianMs;
    out.widgetFirstRecColdMs = widget.visits.find((v) => v.visit === 'cold')!.firstRecommendationMs.medianMs;
    backends.widgetFirstRecWarmMs = 'example shop with <ondevice-recs>, remembered choice';
  }
  for (const [items, key] of [[100_000, 'rank100k'], [1_000_000, 'rank1m']] as const) {
    const rows = int8Rows.filter((r) => r.items === items && r.dims === 256 && r.correct);
    if (rows.length === 0) continue;
    const best = rows.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
    out[`${key}Ms`] = best.medianMs;
    out[`${key}FloorRatio`] = best.ratioToFloor;
    backends[`${key}Ms`] = `int8 kernel ${best.ranker}, 256-d, top-10`;
    backends[`${key}FloorRatio`] = `${best.ranker}: ${(best.bytesRead / 1e6).toFixed(1)} MB read, floor ${best.floorMs.toFixed(2)} ms`;
  }
  if (ivf) {
    const headline = ivf.rows.find((r) => r.recallAt10 >= MATCHED_RECALL) ?? ivf.rows[ivf.rows.length - 1]!;
    out.ivf1mRecallAt10 = headline.recallAt10;
    out.ivf1mP50Ms = headline.p50Ms;
    out.ivf1mP99Ms = headline.p99Ms;
    out.ivf1mFirstQueryBytes = headline.firstQueryBytes;
    out.ivf1mNprobe = headline.nprobe;
    for (const key of ['ivf1mRecallAt10', 'ivf1mP50Ms', 'ivf1mP99Ms', 'ivf1mFirstQueryBytes']) {
      backends[key] = `IVF ${ivf.options.partitions} partitions, nprobe ${headline.nprobe}, ${ivf.options.items.toLocaleString('en')} synthetic clustered rows, engine worker, ${headline.ranker}`;
    }
  }
  if (peers) {
    const fastestAt = (system: string) => {
      const row = peers.rows.find((r) => r.system.startsWith(system));
      if (!row || !row.built) return undefined;
      const ok = row.settings.filter((s) => s.recallAt10 >= MATCHED_RECALL);
      return (ok.length > 0 ? ok : row.settings).reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
    };
    const ours = [fastestAt('ours: IVF'), fastestAt('ours: int8 brute')].filter((s) => s !== undefined).reduce((a, b) => (b!.p50Ms < a!.p50Ms ? b : a));
    const hnsw = fastestAt('hnswlib-wasm');
    const voy = fastestAt('voy-search');
    if (ours) {
      out.ours100kP50Ms = ours.p50Ms;
      out.ours100kRecallAt10 = ours.recallAt10;
      backends.ours100kP50Ms = `ours ${ours.setting}, Chromium page, wasm-simd`;
    }
    out.hnswlibWasm100kP50Ms = hnsw?.p50Ms ?? null;
    out.hnswlibWasm100kRecallAt10 = hnsw?.recallAt10 ?? null;
    backends.hnswlibWasm100kP50Ms = hnsw ? `hnswlib-wasm ${hnsw.setting}` : (peers.rows.find((r) => r.system.startsWith('hnswlib'))?.note ?? 'not run');
    out.voy100kP50Ms = voy?.p50Ms ?? null;
    out.voy100kRecallAt10 = voy?.recallAt10 ?? null;
    backends.voy100kP50Ms = voy ? `voy-search ${voy.setting}` : (peers.rows.find((r) => r.system.startsWith('voy'))?.note ?? 'not run');
  }
  for (const row of buildRows) {
    const key = row.workers === 1 ? 'buildItemsPerSecond1Worker' : `buildItemsPerSecond${row.workers}Workers`;
    out[key] = row.itemsPerSecond;
    backends[key] = `catalog CLI, ${row.items} Tux Paint stamps, ${row.workers} process${row.workers === 1 ? '' : 'es'}, Node tfjs wasm`;
  }
  out.backends = backends;
  return out;
}
