import { itemAt } from '../shared/item-at.ts';
import * as tf from '@tensorflow/tfjs';
import type {
  EmbedBenchmarkOptions,
  EmbedBenchmarkRow,
  EngineConfig,
  RankBenchmarkRow,
  RecommendBenchmarkOptions,
  RecommendBenchmarkRow,
} from '../protocol/engine-api.ts';
import type { BackendName } from '../protocol/backend-name.ts';
import type { RecommendRequest } from '../protocol/recommend.ts';
import { activateBackend } from './backends/activate-backend.ts';
import { seededUnitVectors } from './backends/seeded-vectors.ts';
import { summarize, timeRuns, timeRunsWithin } from './backends/timing-stats.ts';
import { webGpuDevice, type BackendLifecycle } from './backend-lifecycle.ts';
import { BrowserEncoders } from './encoders/browser-encoders.ts';
import { embedWith } from './encoders/embed-with.ts';
import { ItemMatrix } from './ranking/item-matrix.ts';
import { scoreTopK } from './ranking/score-top-k.ts';
import type { OnDeviceRecommender } from './recommend/on-device-recommender.ts';

/**
 * The engine's diagnostics API: benchmarks that time each backend in turn on the same work,
 * and test hooks. Each runs on the engine's queue (the caller's job) and ends on the backend
 * the engine was on before it.
 */
export interface DiagnosticsContext {
  backends: BackendLifecycle;
  assetsBaseUrl: string;
  onnxText: EngineConfig['textEncoder'];
  /** The engine's own encoders (read when needed: off-catalog views load them during a benchmark); disposed so only the benchmark's models hold backend memory. */
  ownEncoders: () => BrowserEncoders | undefined;
}

/** Time the ranking operation on each backend in turn, on the same seeded data. */
export async function benchmarkRanking(
  context: DiagnosticsContext,
  options: { items: number; dims: number; k: number; runs: number; backends?: BackendName[] },
): Promise<RankBenchmarkRow[]> {
  const report = context.backends.requireReport();
  const names = options.backends ?? context.backends.usableBackends();
  const matrix = new ItemMatrix(seededUnitVectors(options.items, options.dims, 3), options.dims);
  const query = seededUnitVectors(1, options.dims, 5);
  const rows: RankBenchmarkRow[] = [];
  try {
    for (const name of names) {
      const problem = await activateBackend(name);
      if (problem) throw new Error(`benchmark: backend ${name}: ${problem}`);
      try {
        const stats = await timeRuns(() => scoreTopK(matrix.onBackend(), query, options.k), options.runs);
        rows.push({ backend: name, items: options.items, dims: options.dims, k: options.k, bytesRead: options.items * options.dims * 4, ...stats });
      } finally {
        matrix.release(true);
      }
    }
  } finally {
    await context.backends.switchTo(report.backend);
  }
  return rows;
}

/** Time embedding batches of each size on each backend; a batch extrapolated to exceed `maxBatchMs` is skipped and says so. */
export async function benchmarkEmbedding(context: DiagnosticsContext, options: EmbedBenchmarkOptions): Promise<EmbedBenchmarkRow[]> {
  const report = context.backends.requireReport();
  const names = options.backends ?? context.backends.usableBackends();
  const rows: EmbedBenchmarkRow[] = [];
  const inputs: ReadonlyArray<string | ArrayBuffer> = options.inputs;
  await context.ownEncoders()?.disposeAll();
  try {
    for (const name of names) {
      const problem = await activateBackend(name);
      if (problem) throw new Error(`benchmark: backend ${name}: ${problem}`);
      // A fresh encoder per backend: its weights must live on the backend being timed.
      const encoders = new BrowserEncoders(context.assetsBaseUrl, context.onnxText);
      try {
        await embedWith(encoders, options.modality, [fresh(itemAt(inputs, 0))]); // load + the encoder's own warm-up
        let msPerItem = 0;
        for (const batchSize of options.batchSizes) {
          const estimateMs = msPerItem * batchSize;
          if (options.maxBatchMs !== undefined && estimateMs > options.maxBatchMs) {
            const skipped = `not timed: about ${(estimateMs / 1000).toFixed(0)} s per batch, extrapolated from the smaller batch`;
            rows.push({
              backend: name,
              modality: options.modality,
              batchSize,
              itemsPerSecond: (batchSize * 1000) / estimateMs,
              skipped,
              ...summarize([estimateMs]),
            });
            continue;
          }
          const batch = Array.from({ length: batchSize }, (_, i) => itemAt(inputs, i % inputs.length));
          const stats = await timeRunsWithin(() => embedWith(encoders, options.modality, batch.map(fresh)), options.runs, options.maxRunMs);
          msPerItem = stats.medianMs / batchSize;
          rows.push({ backend: name, modality: options.modality, batchSize, itemsPerSecond: (batchSize * 1000) / stats.medianMs, ...stats });
        }
      } finally {
        await encoders.disposeAll();
      }
    }
  } finally {
    await context.backends.switchTo(report.backend);
  }
  return rows;
}

/** Time for-you (and an ad-hoc image → updated for-you) on each backend, on the loaded catalog and the current profile. */
export async function benchmarkRecommend(
  context: DiagnosticsContext,
  recommender: OnDeviceRecommender,
  options: RecommendBenchmarkOptions,
): Promise<RecommendBenchmarkRow[]> {
  const report = context.backends.requireReport();
  const names = options.backends ?? context.backends.usableBackends();
  const rows: RecommendBenchmarkRow[] = [];
  const request: RecommendRequest = { mode: 'for-you', k: options.k };
  await context.ownEncoders()?.disposeAll();
  try {
    for (const name of names) {
      const problem = await activateBackend(name);
      if (problem) throw new Error(`benchmark: backend ${name}: ${problem}`);
      recommender.catalog.space.release(true);
      const encoders = new BrowserEncoders(context.assetsBaseUrl, context.onnxText);
      try {
        await recommender.recommend(request, { record: false }); // uploads the item matrices
        const forYou = await timeRunsWithin(() => recommender.recommend(request, { record: false }), options.runs, options.maxRunMs);
        const row: RecommendBenchmarkRow = { backend: name, catalog: recommender.catalog.name, items: recommender.catalog.space.itemCount, forYou };
        const learned = recommender.catalog.learned;
        if (learned) {
          await recommender.learnedTopK(options.k); // the kernel's first call (WebGPU: the upload)
          const parts = { user: [] as number[], rank: [] as number[] };
          const learnedTopK = await timeRuns(async () => {
            const result = await recommender.learnedTopK(options.k);
            parts.user.push(result?.userVectorMs ?? NaN);
            parts.rank.push(result?.rankMs ?? NaN);
          }, options.runs);
          row.learned = {
            blendWeight: learned.blendWeight,
            int8Ranker: context.backends.int8Ranker().name,
            learnedTopK,
            userVector: summarize(parts.user.slice(-options.runs)),
            rank: summarize(parts.rank.slice(-options.runs)),
            ...(learned.blendWeight > 0
              ? {
                  forYouWithoutLearned: await timeRunsWithin(
                    () => recommender.recommend(request, { record: false, learned: false }),
                    options.runs,
                    options.maxRunMs,
                  ),
                }
              : {}),
          };
        }
        if (options.exampleImage) {
          const image = options.exampleImage;
          const once = async () => {
            const embedding = await encoders.embedImages([image.slice(0)]);
            await recommender.searchByExample(
              { modality: 'image', vector: embedding.vectors[0]!, encoder: embedding.encoder, label: 'benchmark image' },
              options.k,
            );
            return recommender.recommend(request, { record: false });
          };
          if (!options.skipExample) {
            await once(); // loads the image encoder
            row.exampleToRecs = await timeRunsWithin(once, options.exampleRuns ?? options.runs, options.maxRunMs);
          }
          // Side by side: a viewed catalog item (no embedding) and a viewed off-catalog picture (embed, store) → updated for-you.
          const catalogIds = recommender.catalog.space.items.map((item) => item.id);
          let views = 0;
          const viewCatalog = async () => {
            await recommender.track('view', catalogIds[views++ % catalogIds.length]!);
            return recommender.recommend(request, { record: false });
          };
          const viewOffCatalog = async () => {
            await recommender.track('view', `benchmark-off-catalog-${name}-${views++}`, { content: { image: new Blob([image]) } });
            return recommender.recommend(request, { record: false });
          };
          row.catalogViewToRecs = await timeRunsWithin(viewCatalog, options.runs, options.maxRunMs);
          await viewOffCatalog(); // loads the engine's own image encoder on this backend
          row.offCatalogViewToRecs = await timeRunsWithin(viewOffCatalog, options.exampleRuns ?? options.runs, options.maxRunMs);
        }
        rows.push(row);
      } finally {
        await encoders.disposeAll();
        await context.ownEncoders()?.disposeAll(); // the off-catalog views loaded them on this backend
        recommender.catalog.space.release(true);
      }
    }
  } finally {
    await context.backends.switchTo(report.backend);
  }
  return rows;
}

/** A file's own copy for one embedding: the decode worker takes (detaches) the buffer it is given. */
function fresh(input: string | ArrayBuffer): string | ArrayBuffer {
  return typeof input === 'string' ? input : input.slice(0);
}

/** Test hook: destroy the WebGPU device as a driver reset would; false when the engine is not on WebGPU. */
export async function loseWebGpuDevice(backends: BackendLifecycle): Promise<boolean> {
  if (backends.requireReport().backend !== 'webgpu') return false;
  const device = webGpuDevice();
  if (!device) return false;
  device.destroy();
  await device.lost; // the loss handler then runs on the queue, before the next call
  return true;
}

/** Test hook: the live tensor count, for no-leak checks. */
export function tensorCount(): number {
  return tf.memory().numTensors;
}
