// `npm run bench`: drives the built app in Chromium and times each benchmark in the engine
// worker on every available backend, side by side in one run. Prints tables and writes
// bench-results/<name>.json. Timings from a GPU-less machine describe SwiftShader, not a GPU.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { findOrFetchTuxPaintStamps } from '../scripts/fetch-tuxpaint-stamps.mjs';
import type { Modality } from '../src/protocol/embedding.ts';
import { listTuxPaintStamps } from '../src/node/tuxpaint-stamps.ts';
import { openBenchBrowser } from './bench-browser.ts';
import { benchmarkCatalogLoad, type CatalogLoadRow } from './catalog-load-benchmark.ts';
import { benchmarkEmbeddingInBrowser, benchmarkEmbeddingInNode, embedInputs, type EmbedRow } from './embed-benchmark.ts';
import { formatTable } from './format-table.ts';
import { benchmarkRecommend } from './recommend-benchmark.ts';
import { measureReadBandwidth } from './measure-read-bandwidth.ts';
import { benchmarkWidget } from './widget-benchmark.ts';
import { benchmarkIvf, type IvfBenchmark } from './ivf-benchmark.ts';
import { benchmarkPeers, type PeerBenchmark } from './peer-benchmark.ts';
import { benchmarkBuild, type BuildRow } from './build-benchmark.ts';
import { summarise, type BenchSummary, type SummaryInput } from './bench-summary.ts';
import { benchmarkSoak, type SoakBenchmark } from './soak-benchmark.ts';
import { benchmarkLearned, type LearnedBenchmark } from './learned-benchmark.ts';
import { isBackendName, type BackendName } from '../src/protocol/backend-name.ts';
import type { Int8RankBenchmarkRow } from '../src/protocol/engine-api.ts';
import { itemAt } from '../src/shared/item-at.ts';

const RANK_SIZES = [10_000, 100_000];
const DIMS = 256;
const K = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const EMBED_RUNS = Number(process.env.BENCH_EMBED_RUNS ?? 3);
/** A batch slower than this on some backend is timed once, not EMBED_RUNS times (software GPUs). */
const EMBED_MAX_RUN_MS = Number(process.env.BENCH_EMBED_MAX_RUN_MS ?? 20_000);
/** A batch extrapolated to take longer than this is reported as not timed. */
const EMBED_MAX_BATCH_MS = Number(process.env.BENCH_EMBED_MAX_BATCH_MS ?? 120_000);
const WIDGET_RUNS = Number(process.env.BENCH_WIDGET_RUNS ?? 3);
/** BENCH_SECTIONS=rank,rank-int8,catalog,widget,ivf,peers,build,soak,recommend,learned,text,image,audio (default all) runs a subset. */
const ALL_SECTIONS = 'catalog,widget,rank,rank-int8,ivf,peers,build,soak,recommend,learned,text,image,audio';
/** Rows of the int8 ranking benchmark (× 256 dims; 64 dims for the learned model's vectors at 100k). */
const INT8_SIZES: Array<[number, number]> = [
  [100_000, 256],
  [1_000_000, 256],
  [100_000, 64],
  [1_000_000, 64],
];
const IVF_ITEMS = Number(process.env.BENCH_IVF_ITEMS ?? 1_000_000);
const PEER_ITEMS = Number(process.env.BENCH_PEER_ITEMS ?? 100_000);
const PEER_BUILD_BUDGET_MS = Number(process.env.BENCH_PEER_BUILD_BUDGET_MS ?? 300_000);
/** hnswlib-wasm's M and efConstruction: lower than its defaults (16 / 200) so 100,000 items build within the budget here. */
const PEER_HNSW_M = Number(process.env.BENCH_PEER_HNSW_M ?? 8);
const PEER_HNSW_EF_CONSTRUCTION = Number(process.env.BENCH_PEER_HNSW_EF_CONSTRUCTION ?? 48);
const SOAK_EVENTS = Number(process.env.BENCH_SOAK_EVENTS ?? 10_000);
const SOAK_CALLS = Number(process.env.BENCH_SOAK_CALLS ?? 1_000);
const BUILD_ITEMS = Number(process.env.BENCH_BUILD_ITEMS ?? 64);
/** The learned section's synthetic sizes (the real default catalog comes first), backends, and runs at 100,000 items. */
const LEARNED_SIZES = [10_000, 100_000];
const LEARNED_BACKENDS = (process.env.BENCH_LEARNED_BACKENDS ?? 'wasm,webgpu').split(',').filter(isBackendName) as BackendName[];
const LEARNED_LARGE_RUNS = Number(process.env.BENCH_LEARNED_LARGE_RUNS ?? 3);
const LEARNED_WEBGPU_MAX_ITEMS = Number(process.env.BENCH_LEARNED_WEBGPU_MAX_ITEMS ?? 10_000);
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? ALL_SECTIONS).split(','));
const MODALITIES = (['text', 'image', 'audio'] as Modality[]).filter((m) => SECTIONS.has(m));

async function runBuildSection(): Promise<BuildRow[]> {
  const buildRows = await benchmarkBuild(BUILD_ITEMS, [1, 2]);
  console.log(`Catalog build, first ${BUILD_ITEMS} Tux Paint stamps (text, image, audio; whole CLI: model loading, shared space and merge included)`);
  console.log(
    formatTable(
      ['workers', 'items', 'seconds', 'items/s', '× 1 worker'],
      buildRows.map((r) => [r.workers, r.items, r.seconds, r.itemsPerSecond, r.itemsPerSecond / buildRows[0]!.itemsPerSecond]),
    ),
  );
  console.log('');
  return buildRows;
}

/** Merges this run into bench-results/summary.json and prints it. */
function writeSummary(input: Omit<SummaryInput, 'previous'>): void {
  const previous = existsSync('bench-results/summary.json')
    ? (JSON.parse(readFileSync('bench-results/summary.json', 'utf8')) as Partial<BenchSummary>)
    : undefined;
  const summary = summarise({ ...input, ...(previous ? { previous } : {}) });
  printSummary(summary);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/summary.json', JSON.stringify(summary, null, 2) + '\n');
}

async function main(): Promise<void> {
  // The build section alone needs no browser (it runs the catalog CLI), so it takes no browser lock.
  if (SECTIONS.size === 1 && SECTIONS.has('build')) {
    const buildRows = await runBuildSection();
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      'bench-results/engine-build.json',
      JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model }, build: buildRows }, null, 2) + '\n',
    );
    writeSummary({ sections: SECTIONS, buildRows });
    return;
  }
  const bandwidth = measureReadBandwidth();
  const browser = await openBenchBrowser();
  try {
    const { page, report } = browser;
    console.log(`Engine chose ${report.backend}: ${report.reason}\n`);
    console.log(`Memory read bandwidth (Node, memchr over ${bandwidth.bytes / 2 ** 20} MiB): ${(bandwidth.bytesPerSecond / 1e9).toFixed(1)} GB/s\n`);
    const rankRows = [];
    for (const items of SECTIONS.has('rank') ? RANK_SIZES : []) {
      const rows = await page.evaluate((options) => window.engine!.api.benchmarkRanking(options), { items, dims: DIMS, k: K, runs: RUNS });
      const best = Math.min(...rows.map((r) => r.medianMs));
      const floorMs = (itemAt(rows, 0).bytesRead / bandwidth.bytesPerSecond) * 1000;
      console.log(
        `Rank ${items.toLocaleString('en')} × ${DIMS} fp32 + top-${K} (${RUNS} runs after a warm-up; bandwidth floor ${floorMs.toFixed(2)} ms for ${(itemAt(rows, 0).bytesRead / 1e6).toFixed(1)} MB)`,
      );
      console.log(
        formatTable(
          ['backend', 'median ms', 'min ms', 'max ms', '× best', '× floor'],
          rows.map((r) => [r.backend, r.medianMs, r.minMs, r.maxMs, r.medianMs / best, r.medianMs / floorMs]),
        ),
      );
      console.log('');
      rankRows.push(...rows.map((r) => ({ ...r, ratioToBest: r.medianMs / best, floorMs, ratioToFloor: r.medianMs / floorMs })));
    }
    const int8Rows: Array<Int8RankBenchmarkRow & { floorMs: number; ratioToFloor: number }> = [];
    for (const [items, dims] of SECTIONS.has('rank-int8') ? INT8_SIZES : []) {
      const rows = await page.evaluate((options) => window.engine!.api.benchmarkInt8Ranking(options), {
        items,
        dims,
        k: K,
        runs: RUNS,
        maxRunMs: EMBED_MAX_RUN_MS,
      });
      const floorMs = ((items * (dims + 4)) / bandwidth.bytesPerSecond) * 1000;
      console.log(
        `Rank ${items.toLocaleString('en')} × ${dims} int8 + top-${K}, int8 kernels (synthetic rows; ${RUNS} runs after a warm-up; floor ${floorMs.toFixed(2)} ms = ${((items * (dims + 4)) / 1e6).toFixed(1)} MB ÷ read bandwidth)`,
      );
      console.log(
        formatTable(
          ['kernel', 'median ms', 'min ms', 'max ms', '× floor', 'exact top-10', 'GB/s'],
          rows.map((r) => [
            r.software ? `${r.ranker} (software adapter)` : r.ranker,
            r.medianMs,
            r.minMs,
            r.maxMs,
            r.medianMs / floorMs,
            String(r.correct),
            r.bytesRead / r.medianMs / 1e6,
          ]),
        ),
      );
      console.log('');
      int8Rows.push(...rows.map((r) => ({ ...r, floorMs, ratioToFloor: r.medianMs / floorMs })));
    }
    const catalogRows: CatalogLoadRow[] = SECTIONS.has('catalog') ? await benchmarkCatalogLoad(browser.browser, browser.url) : [];
    if (catalogRows.length > 0) {
      console.log(
        `Default catalog: page load to a ready engine with the catalog (fresh browser context, then reloads after the engine has remembered its measurement)`,
      );
      console.log(
        formatTable(
          ['visit', 'app ready ms', 'catalog load ms', 'bytes fetched', 'from cache', 'backend choice'],
          catalogRows.map((r) => [r.visit, r.appReadyMs, r.catalogLoadMs, r.bytesFetched, String(r.fromCache), r.mode]),
        ),
      );
      console.log('');
    }
    const widget = SECTIONS.has('widget') ? await benchmarkWidget(browser.browser, browser.url, WIDGET_RUNS) : undefined;
    const ivf: IvfBenchmark | undefined = SECTIONS.has('ivf')
      ? await benchmarkIvf(
          browser.browser,
          browser.url,
          'dist',
          {
            items: IVF_ITEMS,
            dims: DIMS,
            clusters: 2000,
            spread: 1.0,
            seed: 7,
            partitions: 1024,
            sampleSize: 16_384,
            iterations: 6,
            queries: 100,
            k: K,
            nprobes: [8, 16, 32, 64],
          },
          ['tuxpaint', 'openclipart-text'],
        )
      : undefined;
    const peers: PeerBenchmark | undefined = SECTIONS.has('peers')
      ? await benchmarkPeers(browser.browser, {
          items: PEER_ITEMS,
          dims: DIMS,
          clusters: 2000,
          spread: 1.0,
          seed: 9,
          queries: 50,
          k: K,
          buildBudgetMs: PEER_BUILD_BUDGET_MS,
          nprobes: [8, 16, 32, 64, 128],
          efSearches: [20, 40, 80, 160, 320, 640],
          hnswM: PEER_HNSW_M,
          hnswEfConstruction: PEER_HNSW_EF_CONSTRUCTION,
          batchSize: 5000,
        })
      : undefined;
    const buildRows: BuildRow[] = SECTIONS.has('build') ? await runBuildSection() : [];
    const soak: SoakBenchmark | undefined = SECTIONS.has('soak') ? await benchmarkSoak(browser.browser, browser.url, SOAK_EVENTS, SOAK_CALLS) : undefined;
    const stamps = listTuxPaintStamps(findOrFetchTuxPaintStamps());
    const stampImage = readFileSync(stamps.find((s) => s.imagePath?.endsWith('.png'))!.imagePath!);
    const recommendRows = SECTIONS.has('recommend')
      ? await benchmarkRecommend(
          page,
          [
            { folder: 'tuxpaint', history: 5 },
            { folder: 'openclipart', history: 5 },
          ],
          stampImage,
          RUNS,
          EMBED_MAX_RUN_MS,
        )
      : [];
    const learned: LearnedBenchmark | undefined = SECTIONS.has('learned')
      ? await benchmarkLearned(page, 'dist', {
          sizes: LEARNED_SIZES,
          runs: RUNS,
          largeRuns: LEARNED_LARGE_RUNS,
          maxRunMs: EMBED_MAX_RUN_MS,
          exampleImage: stampImage,
          backends: LEARNED_BACKENDS,
          webgpuMaxItems: LEARNED_WEBGPU_MAX_ITEMS,
        })
      : undefined;
    const inputs = await embedInputs(stamps);
    const embedRows: EmbedRow[] = [];
    for (const modality of MODALITIES) {
      const rows = [
        ...(await benchmarkEmbeddingInBrowser(page, modality, inputs[modality], EMBED_RUNS, EMBED_MAX_RUN_MS, EMBED_MAX_BATCH_MS)),
        ...(await benchmarkEmbeddingInNode(modality, inputs[modality], EMBED_RUNS)),
      ];
      console.log(`Embed ${modality} (real Tux Paint stamps; items/s at the median of ${EMBED_RUNS} runs; decoding included)`);
      const backends = [...new Set(rows.map((r) => r.backend))];
      const cell = (backend: string, batchSize: number) => {
        const row = rows.find((r) => r.backend === backend && r.batchSize === batchSize)!;
        const rate = row.itemsPerSecond.toFixed(row.itemsPerSecond < 10 ? 2 : 1);
        return row.skipped ? `~${rate} (not timed)` : `${rate}${row.runs === 1 ? ' (1 run)' : ''}`;
      };
      const bestAt16 = Math.max(...rows.filter((r) => r.batchSize === 16).map((r) => r.itemsPerSecond));
      console.log(
        formatTable(
          ['backend', 'batch 1 items/s', 'batch 16 items/s', '× best (16)'],
          backends.map((b) => [b, cell(b, 1), cell(b, 16), rows.find((r) => r.backend === b && r.batchSize === 16)!.itemsPerSecond / bestAt16]),
        ),
      );
      console.log('');
      embedRows.push(...rows);
    }
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, userAgent: browser.userAgent },
      readBandwidthBytesPerSecond: bandwidth.bytesPerSecond,
      engineChoice: report,
      rank: rankRows,
      catalogLoad: catalogRows,
      recommend: recommendRows,
      learned,
      embed: embedRows,
      widget,
      int8: int8Rows,
      ivf,
      peers,
      build: buildRows,
      soak,
    };
    mkdirSync('bench-results', { recursive: true });
    const outName = SECTIONS.size === ALL_SECTIONS.split(',').length ? 'engine' : `engine-${[...SECTIONS].join('-')}`;
    writeFileSync(`bench-results/${outName}.json`, JSON.stringify(result, null, 2) + '\n');
    console.log(`Wrote bench-results/${outName}.json`);
    writeSummary({ sections: SECTIONS, catalogRows, widget, int8Rows, ivf, peers, buildRows, soak, learned, report });
  } finally {
    await browser.close();
  }
}

/** The summary as one table: value, what produced it, and when; a null says why. */
function printSummary(summary: BenchSummary): void {
  const { date, backends, notes, measuredAt, ...values } = summary;
  console.log(`Summary (bench-results/summary.json, ${date}; rows measured in an earlier run keep their date)`);
  console.log(
    formatTable(
      ['key', 'value', 'backend / kernel, or why null', 'measured'],
      Object.entries(values).map(([key, value]) => [
        key,
        typeof value === 'number' ? value : String(value),
        value === null ? `null: ${notes[key] ?? ''}` : (backends[key] ?? ''),
        measuredAt[key] === date ? 'this run' : (measuredAt[key] ?? ''),
      ]),
    ),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
