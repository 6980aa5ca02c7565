// for-you on the learned d-dim int8 path vs today's engine path, side by side (issue 10 item 4).
// Runs in Node on tfjs-wasm and the WASM SIMD int8 kernel (the same engine code the worker
// runs; a browser run through the engine API is not wired yet). Sizes: the real default
// catalog (built first: npm run catalog:default) with its learned model built here (timed: the
// stage's added build time), then 10,000 and 100,000 SYNTHETIC items (seeded random unit
// vectors and a seeded untrained model: timings and bytes only, no quality).
//   npx tsx bench/learned-for-you-benchmark.ts [CATALOG_DIR]
// or as the `learned` section of npm run bench.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeLearnedItemVectors,
  decodeLearnedWeights,
  encodeLearnedWeights,
  shippedWeights,
  towerModalities,
  type CatalogLearnedModel,
} from '../src/engine/catalog/learned-model-format.ts';
import { encodeVectors } from '../src/engine/catalog/vector-codec.ts';
import { modelConfig } from '../src/engine/model/model-config.ts';
import { initialWeights } from '../src/engine/model/model-weights.ts';
import { CollaborativeSignals } from '../src/engine/recommend/collaborative-signals.ts';
import { PRIOR_FUSION_MODEL } from '../src/engine/recommend/fusion-model.ts';
import { historyTokens } from '../src/engine/recommend/history-tokens.ts';
import { catalogItemLookup, ItemSpace } from '../src/engine/recommend/item-space.ts';
import { LearnedRanker } from '../src/engine/recommend/learned-ranker.ts';
import { scoreItems } from '../src/engine/recommend/score-items.ts';
import { wasmInt8Ranker } from '../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { mulberry32 } from '../src/shared/seeded-random.ts';
import type { CatalogManifest } from '../src/engine/catalog/catalog-manifest.ts';
import { buildLearnedModel } from '../src/node/catalog/learned-model-stage.ts';
import { readCatalogFolder } from '../src/node/catalog/shared-space-files.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { formatTable } from './format-table.ts';

export interface LearnedForYouRow {
  items: number;
  synthetic: boolean;
  /** Median ms of one for-you ranking (k = 10, 10 viewed items). */
  learnedMs: number;
  /** Of which: the user model, and the int8 top-10 scan. */
  userModelMs: number;
  rankMs: number;
  learnedBytesPerItem: number;
  /** Today's engine path (scoreItems over the float32 modality vectors); NaN when not run. */
  engineMs: number;
  engineBytesPerItem: number;
  note?: string;
}

const HISTORY = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeRuns(runs: number, task: () => unknown): Promise<number> {
  await task();
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await task();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function learnedTimings(ranker: LearnedRanker, runs: number): Promise<{ total: number; user: number; rank: number }> {
  const history = Array.from({ length: HISTORY }, (_, i) => ({ item: (i * 7919) % ranker.itemCount, weight: 1 }));
  const user = await timeRuns(runs, () => ranker.userVector(history));
  const vector = ranker.userVector(history)!;
  const rank = await timeRuns(runs, () => ranker.topK(vector, 10, undefined, wasmInt8Ranker));
  const total = await timeRuns(runs, async () => ranker.topK(ranker.userVector(history)!, 10, undefined, wasmInt8Ranker));
  return { total, user, rank };
}

async function engineTiming(
  manifest: CatalogManifest,
  vectors: Partial<Record<'text' | 'image' | 'audio', Float32Array>>,
  runs: number,
): Promise<{ ms: number; bytesPerItem: number }> {
  const rows = Object.fromEntries(Object.entries(vectors).map(([m, data]) => [m, { data: data!, dims: manifest.vectorFiles[m as 'text']!.dims }]));
  const space = new ItemSpace(manifest, rows, undefined);
  const signals = new CollaborativeSignals(space.itemCount, (id) => space.indexOf(id), manifest.signals);
  const lookup = catalogItemLookup(space);
  const step = Math.max(1, Math.floor(manifest.items.length / HISTORY));
  const tokens = historyTokens(
    Array.from({ length: HISTORY }, (_, i) => ({ type: 'view', itemId: manifest.items[i * step]!.id, at: 1000 + i })),
    { catalogItem: lookup, adhocItem: () => undefined },
  );
  try {
    const ms = await timeRuns(runs, () => scoreItems(space, signals, tokens, PRIOR_FUSION_MODEL));
    const floats = Object.values(manifest.vectorFiles).reduce((s, f) => s + f.count * f.dims, 0);
    return { ms, bytesPerItem: (floats * 4) / manifest.items.length };
  } finally {
    space.release(true);
  }
}

/** A synthetic catalog of `n` items: text 512 + image 1280 float32 (engine path), d = 64 int8 tower vectors and a seeded sequence model (learned path). */
function syntheticRanker(n: number): LearnedRanker {
  const random = mulberry32(n);
  const d = 64;
  const entryBase = { dims: d, maxLength: 50, blocks: 1, idItems: 0, userModel: 'sequence' as const, modalities: ['text' as const, 'image' as const] };
  const encoderDims = { text: 512, image: 1280 };
  const config = modelConfig({ modalities: towerModalities(entryBase, encoderDims), dims: d });
  const weights = initialWeights(config, 1);
  const rows = Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: d }, () => random() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
  const itemVectors = encodeVectors(rows, 'int8');
  const layout = shippedWeights(entryBase, towerModalities(entryBase, encoderDims));
  const bytes = encodeLearnedWeights(weights, layout);
  const entry: CatalogLearnedModel = {
    ...entryBase,
    path: 'model/weights.bin',
    bytes: bytes.byteLength,
    sha256: '0'.repeat(64),
    itemVectors: { path: 'model/item-vectors.int8', format: 'int8', count: n, dims: d, bytes: itemVectors.byteLength, sha256: '0'.repeat(64) },
    blendWeight: 0,
    training: { source: 'synthetic' },
  };
  return new LearnedRanker({ entry, weights, itemVectors }, encoderDims);
}

function syntheticEngineCatalog(n: number): { manifest: CatalogManifest; vectors: { text: Float32Array; image: Float32Array } } {
  const random = mulberry32(n + 1);
  const fill = (dims: number) => Float32Array.from({ length: n * dims }, () => random() - 0.5);
  const manifest: CatalogManifest = {
    schemaVersion: 1,
    name: `synthetic-${n}`,
    createdAt: '2026-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 's', version: '1', dims: 512 }, image: { modality: 'image', name: 's', version: '1', dims: 1280 } },
    vectorFiles: {
      text: { path: 't', format: 'int8', count: n, dims: 512, bytes: 0, sha256: '' },
      image: { path: 'i', format: 'int8', count: n, dims: 1280, bytes: 0, sha256: '' },
    },
    items: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, title: `s${i}`, category: `c/${i % 50}`, vectorRows: { text: i, image: i } })),
  };
  return { manifest, vectors: { text: fill(512), image: fill(1280) } };
}

export async function benchmarkLearnedForYou(
  catalogDir: string,
  runs: number,
  sizes: number[] = [10_000, 100_000],
  engineMaxItems = 10_000,
): Promise<{ rows: LearnedForYouRow[]; buildSeconds?: number }> {
  await initNodeTf('wasm');
  const rows: LearnedForYouRow[] = [];
  let buildSeconds: number | undefined;
  try {
    const { manifest, vectors } = await readCatalogFolder(catalogDir);
    const out = mkdtempSync(join(tmpdir(), 'learned-bench-'));
    try {
      const started = performance.now();
      const built = await buildLearnedModel({ outDir: out, manifest, stored: vectors });
      buildSeconds = (performance.now() - started) / 1000;
      const encoderDims = Object.fromEntries(Object.entries(manifest.encoders).map(([m, e]) => [m, e.dims]));
      const layout = shippedWeights(built.entry, towerModalities(built.entry, encoderDims));
      const ranker = new LearnedRanker(
        {
          entry: built.entry,
          weights: await decodeLearnedWeights(new Uint8Array(readFileSync(join(out, built.entry.path))), built.entry, layout, built.entry.path),
          itemVectors: await decodeLearnedItemVectors(
            new Uint8Array(readFileSync(join(out, built.entry.itemVectors.path))),
            built.entry.itemVectors,
            built.entry.itemVectors.path,
          ),
        },
        encoderDims,
      );
      const learned = await learnedTimings(ranker, runs);
      const engine = await engineTiming(manifest, vectors, runs);
      rows.push({
        items: manifest.items.length,
        synthetic: false,
        learnedMs: learned.total,
        userModelMs: learned.user,
        rankMs: learned.rank,
        learnedBytesPerItem: built.entry.itemVectors.bytes / manifest.items.length,
        engineMs: engine.ms,
        engineBytesPerItem: engine.bytesPerItem,
        note: `user model: ${built.entry.userModel} (no log)`,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  } catch (error) {
    console.log(`Learned for-you on ${catalogDir}: not run (${(error as Error).message}); build it with npm run catalog:default\n`);
  }
  for (const n of sizes) {
    const ranker = syntheticRanker(n);
    const learned = await learnedTimings(ranker, runs);
    let engine = { ms: Number.NaN, bytesPerItem: (512 + 1280) * 4 };
    let note = 'synthetic vectors, seeded untrained sequence model';
    if (n <= engineMaxItems) {
      const synthetic = syntheticEngineCatalog(n);
      engine = await engineTiming(synthetic.manifest, synthetic.vectors, runs);
    } else note += `; engine path not run: ${(((512 + 1280) * 4 * n) / 2 ** 30).toFixed(2)} GiB of float32 vectors`;
    rows.push({
      items: n,
      synthetic: true,
      learnedMs: learned.total,
      userModelMs: learned.user,
      rankMs: learned.rank,
      learnedBytesPerItem: 64 + 4,
      engineMs: engine.ms,
      engineBytesPerItem: engine.bytesPerItem,
      note,
    });
  }
  console.log(
    "for-you, k = 10, 10 viewed items: learned d = 64 int8 path (user model on tfjs-wasm + WASM SIMD int8 kernel) vs today's engine path (scoreItems), Node, median of " +
      runs +
      ' runs',
  );
  console.log(
    formatTable(
      ['items', 'synthetic', 'learned ms', 'user model ms', 'int8 top-10 ms', 'learned B/item', 'engine ms', 'engine B/item', '× engine'],
      rows.map((r) => [
        r.items,
        r.synthetic ? 'yes' : 'no',
        r.learnedMs,
        r.userModelMs,
        r.rankMs,
        r.learnedBytesPerItem,
        r.engineMs,
        r.engineBytesPerItem,
        r.engineMs / r.learnedMs,
      ]),
    ),
  );
  for (const r of rows) if (r.note) console.log(`  ${r.items}: ${r.note}`);
  if (buildSeconds !== undefined) console.log(`  learned-model build stage on ${catalogDir}: ${buildSeconds.toFixed(1)} s`);
  console.log('');
  return { rows, ...(buildSeconds !== undefined ? { buildSeconds } : {}) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchmarkLearnedForYou(process.argv[2] ?? 'public/catalogs/tuxpaint', Number(process.env.BENCH_RUNS ?? 9));
}
