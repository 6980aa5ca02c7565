// The peer comparison itself: our int8 kernels (brute force and IVF) next to hnswlib-wasm and
// voy-search on the same synthetic clustered vectors (test/clustered-vectors.ts; synthetic,
// labelled, for speed). Ground truth: exact float32 top-k. Runs in the bench's Chromium page
// (bench/peers/peers-page.ts) and, at a small size, in Node for the summary's unit test; each
// peer comes from a loader so a place where one cannot run (hnswlib-wasm is built for the web
// only) skips it with a note instead of a number.
import { clusteredVectors } from '../../test/clustered-vectors.ts';
import { quantizeInt8Rows } from '../../src/engine/ranking/int8-matrix.ts';
import { rankInt8Wasm, wasmInt8Ranker } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { IvfIndex } from '../../src/engine/ivf/ivf-index.ts';
import type { VoyClass } from './load-voy.ts';

export interface PeerOptions {
  items: number;
  dims: number;
  clusters: number;
  spread: number;
  seed: number;
  queries: number;
  k: number;
  /** Give up building a peer's index past this (checked between batches of items). */
  buildBudgetMs: number;
  /** Our IVF for these vectors, built by the bench in Node and served here. */
  ivfUrl?: string;
  nprobes: number[];
  efSearches: number[];
  /** hnswlib-wasm's graph degree M and efConstruction (build time grows with both). */
  hnswM: number;
  hnswEfConstruction: number;
  /** Items per addPoints / voy add() call. */
  batchSize: number;
  /** Skip a peer (e.g. known not to fit in memory at this size). */
  skip?: string[];
}

export interface PeerSetting {
  /** e.g. `efSearch 40`, `nprobe 16`, `exact`. */
  setting: string;
  recallAt10: number;
  p50Ms: number;
  p99Ms: number;
  /** Network bytes of the first query (IVF: index + centroids + probed partitions). */
  firstQueryBytes?: number;
}

export interface PeerRow {
  system: string;
  items: number;
  built: boolean;
  note?: string;
  buildMs: number;
  /** What a visitor downloads to query it (the vectors or the serialised index). */
  downloadBytes: number;
  /** How downloadBytes was found: `measured` (serialised here) or how it was derived. */
  downloadBytesSource?: string;
  /** Memory the index holds while serving (WASM memory or typed arrays), where it can be read. */
  memoryBytes?: number;
  settings: PeerSetting[];
}

/** The slice of hnswlib-wasm's API the comparison uses. */
export interface HnswlibModule {
  HierarchicalNSW: new (
    space: 'ip',
    dims: number,
    file: string,
  ) => {
    initIndex(maxElements: number, m: number, efConstruction: number, seed: number): void;
    addPoints(items: Float32Array[], labels: number[], replaceDeleted: boolean): void;
    setEfSearch(ef: number): void;
    searchKnn(query: Float32Array, k: number, filter: undefined): { neighbors: number[] };
  };
  HEAP8?: Int8Array;
}

export interface PeerLoaders {
  /** Absent where hnswlib-wasm cannot run (its build is for the web only). */
  hnswlib?: () => Promise<HnswlibModule>;
  voy?: () => Promise<{ Voy: VoyClass; memory: WebAssembly.Memory }>;
  /** Fetch for our IVF files (the page: no-store, so each first query really downloads). */
  fetch?: typeof fetch;
}

export const HNSWLIB_SYSTEM = 'hnswlib-wasm 0.8.2 (HNSW, float32)';
export const VOY_SYSTEM = 'voy-search 0.6.3 (k-d tree, float32)';

const percentile = (times: number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

function recall(got: ArrayLike<number>, truth: ArrayLike<number>): number {
  const set = new Set(Array.from(truth));
  let hit = 0;
  for (const x of Array.from(got)) if (set.has(x)) hit++;
  return hit / truth.length;
}

/** Exact float32 top-k by dot product (the vectors are unit length: dot = cosine, and the same order as Euclidean distance). */
function truthOf(vectors: Float32Array, dims: number, query: Float32Array, k: number): number[] {
  const n = vectors.length / dims;
  const best: Array<[number, number]> = [];
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < dims; j++) s += vectors[r * dims + j]! * query[j]!;
    if (best.length < k || s > best[best.length - 1]![0]) {
      best.push([s, r]);
      best.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      if (best.length > k) best.pop();
    }
  }
  return best.map(([, r]) => r);
}

async function timed<T>(task: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await task();
  return { value, ms: performance.now() - start };
}

async function measure(
  queries: Float32Array[],
  truth: number[][],
  k: number,
  run: (q: Float32Array) => Promise<ArrayLike<number>> | ArrayLike<number>,
): Promise<Omit<PeerSetting, 'setting'>> {
  const times: number[] = [];
  let sum = 0;
  await run(queries[0]!); // warm-up
  for (let i = 0; i < queries.length; i++) {
    const { value, ms } = await timed(() => run(queries[i]!));
    times.push(ms);
    sum += recall(Array.from(value).slice(0, k), truth[i]!);
  }
  return { recallAt10: sum / queries.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

/** Above this many items voy's serialised index is sampled, not produced whole. */
const SERIALIZE_WHOLE_MAX = 20_000;

const skipped = (system: string, items: number, why: string): PeerRow => ({
  system,
  items,
  built: false,
  note: why,
  buildMs: NaN,
  downloadBytes: NaN,
  settings: [],
});

/** Every system of the comparison on the same vectors and queries. */
export async function runPeers(o: PeerOptions, loaders: PeerLoaders): Promise<PeerRow[]> {
  // Queries: further draws from the same mixture (same centres): the rows after the data's.
  const all = clusteredVectors(o.items + o.queries, o.dims, o.clusters, o.spread, o.seed);
  const vectors = all.subarray(0, o.items * o.dims);
  const queries = Array.from({ length: o.queries }, (_, i) => all.slice((o.items + i) * o.dims, (o.items + i + 1) * o.dims));
  const truth = queries.map((q) => truthOf(vectors, o.dims, q, o.k));
  const rows: PeerRow[] = [];

  // Ours, brute force: the int8 rows a catalog ships, ranked by the WASM SIMD kernel.
  {
    const { value: matrix, ms } = await timed(() => quantizeInt8Rows(vectors, o.dims));
    const exact = await measure(queries, truth, o.k, (q) => rankInt8Wasm(matrix, q, o.k).indices);
    const bytes = o.items * (o.dims + 4);
    rows.push({
      system: 'ours: int8 brute force (wasm-simd)',
      items: o.items,
      built: true,
      buildMs: ms,
      downloadBytes: bytes,
      downloadBytesSource: 'int8 codes + a float32 scale per row',
      memoryBytes: bytes,
      settings: [{ setting: 'exact over int8', ...exact }],
    });
  }
  // Ours, IVF: the partitions built by the bench, fetched from the server.
  if (o.ivfUrl) {
    const settings: PeerSetting[] = [];
    for (const nprobe of o.nprobes) {
      const index = await IvfIndex.open(new URL(o.ivfUrl, globalThis.location?.href).href, wasmInt8Ranker, {
        caches: null,
        ...(loaders.fetch ? { fetch: loaders.fetch } : {}),
      });
      const first = await index.search(queries[0]!, o.k, { nprobe });
      const firstQueryBytes = index.openBytesFetched + first.bytesFetched;
      // Every query's partitions fetched once, then timed from memory.
      for (const q of queries) await index.search(q, o.k, { nprobe });
      const m = await measure(queries, truth, o.k, async (q) => (await index.search(q, o.k, { nprobe })).rows);
      settings.push({ setting: `nprobe ${nprobe} of ${index.partitions}`, firstQueryBytes, ...m });
    }
    rows.push({
      system: 'ours: IVF int8 (wasm-simd)',
      items: o.items,
      built: true,
      buildMs: NaN,
      note: 'built in Node by the bench (k-means); build time in the IVF table',
      downloadBytes: o.items * (o.dims + 8),
      downloadBytesSource: 'all partitions (int8 codes, scale, row id); a query fetches only its nprobe',
      settings,
    });
  } else rows.push(skipped('ours: IVF int8 (wasm-simd)', o.items, 'not run: no IVF files for these vectors were given (ivfUrl)'));

  if (o.skip?.includes('hnswlib-wasm')) rows.push(skipped(HNSWLIB_SYSTEM, o.items, 'skipped by the bench options'));
  else if (!loaders.hnswlib)
    rows.push(skipped(HNSWLIB_SYSTEM, o.items, 'not run here: hnswlib-wasm 0.8.2 is built for the web only (runs in the bench page, not in Node)'));
  else rows.push(await runHnswlib(o, vectors, queries, truth, await loaders.hnswlib()));

  if (o.skip?.includes('voy-search')) rows.push(skipped(VOY_SYSTEM, o.items, 'skipped by the bench options'));
  else if (!loaders.voy) rows.push(skipped(VOY_SYSTEM, o.items, 'not run: no loader for voy-search was given'));
  else rows.push(await runVoy(o, vectors, queries, truth, await loaders.voy()));
  return rows;
}

/** hnswlib-wasm: HNSW over float32, inner product, points added in batches until the budget. */
async function runHnswlib(o: PeerOptions, vectors: Float32Array, queries: Float32Array[], truth: number[][], lib: HnswlibModule): Promise<PeerRow> {
  const index = new lib.HierarchicalNSW('ip', o.dims, '');
  index.initIndex(o.items, o.hnswM, o.hnswEfConstruction, 100);
  const system = `${HNSWLIB_SYSTEM.replace(')', `, M ${o.hnswM}, efConstruction ${o.hnswEfConstruction})`)}`;
  const start = performance.now();
  let added = 0;
  while (added < o.items && performance.now() - start < o.buildBudgetMs) {
    const n = Math.min(o.batchSize, o.items - added);
    index.addPoints(
      Array.from({ length: n }, (_, i) => vectors.subarray((added + i) * o.dims, (added + i + 1) * o.dims)),
      Array.from({ length: n }, (_, i) => added + i),
      false,
    );
    added += n;
  }
  const buildMs = performance.now() - start;
  // hnswlib's own layout (what its saveIndex writes): per element the float32 vector, the
  // level-0 links (2M links + a count, 4 B each) and an 8-byte label; upper levels add ~1/M more.
  const downloadBytes = o.items * (o.dims * 4 + (2 * o.hnswM + 1) * 4 + 8);
  const memoryBytes = lib.HEAP8?.byteLength;
  if (added < o.items) {
    return {
      system,
      items: o.items,
      built: false,
      note: `index not built within ${(o.buildBudgetMs / 1000).toFixed(0)} s: ${added.toLocaleString('en')} of ${o.items.toLocaleString('en')} items added`,
      buildMs,
      downloadBytes,
      downloadBytesSource: 'hnswlib layout: float32 vector + level-0 links + label per item',
      settings: [],
    };
  }
  const settings: PeerSetting[] = [];
  for (const ef of o.efSearches) {
    index.setEfSearch(ef);
    settings.push({ setting: `efSearch ${ef}`, ...(await measure(queries, truth, o.k, (q) => index.searchKnn(q, o.k, undefined).neighbors)) });
  }
  return {
    system,
    items: o.items,
    built: true,
    buildMs,
    downloadBytes,
    downloadBytesSource: 'hnswlib layout: float32 vector + level-0 links + label per item',
    ...(memoryBytes ? { memoryBytes } : {}),
    settings,
  };
}

/**
 * voy-search: a k-d tree (kiddo, every vector padded to 768 dims) fed through `add()` in batches.
 * Its constructor takes the whole resource as one object that the bindings turn into one JSON
 * string; at 100,000 × 256 that string passes V8's longest string (2^29 − 24 characters) and the
 * call fails with `unwrap_throw`. Batches keep each string small; the index is the same.
 */
async function runVoy(
  o: PeerOptions,
  vectors: Float32Array,
  queries: Float32Array[],
  truth: number[][],
  voyModule: { Voy: VoyClass; memory: WebAssembly.Memory },
): Promise<PeerRow> {
  const resource = (from: number, to: number) => ({
    embeddings: Array.from({ length: to - from }, (_, i) => ({
      id: String(from + i),
      title: '',
      url: '',
      embeddings: Array.from(vectors.subarray((from + i) * o.dims, (from + i + 1) * o.dims)),
    })),
  });
  const start = performance.now();
  const voy = new voyModule.Voy();
  let added = 0;
  let note: string | undefined;
  try {
    while (added < o.items && performance.now() - start < o.buildBudgetMs) {
      const n = Math.min(o.batchSize, o.items - added);
      voy.add(resource(added, added + n));
      added += n;
    }
  } catch (error) {
    note = `add() failed after ${added.toLocaleString('en')} items: ${(error as Error).message}`;
  }
  const buildMs = performance.now() - start;
  const memoryBytes = voyModule.memory.buffer.byteLength;
  if (added < o.items) {
    return {
      system: VOY_SYSTEM,
      items: o.items,
      built: false,
      note:
        note ?? `index not built within ${(o.buildBudgetMs / 1000).toFixed(0)} s: ${added.toLocaleString('en')} of ${o.items.toLocaleString('en')} items added`,
      buildMs,
      downloadBytes: NaN,
      memoryBytes,
      settings: [],
    };
  }
  const exact = await measure(queries, truth, o.k, (q) => voy.search(q, o.k).neighbors.map((n) => Number(n.id)));
  // What a visitor downloads: voy's serialize() (serde JSON of the tree, every vector padded to
  // 768 dims). Above SERIALIZE_WHOLE_MAX items that string would pass V8's longest string, so a
  // 1/20 sample index is serialised and scaled (stated in downloadBytesSource).
  let downloadBytes: number;
  let downloadBytesSource = 'measured: serialize() length';
  if (o.items <= SERIALIZE_WHOLE_MAX) downloadBytes = voy.serialize().length;
  else {
    const sample = new voyModule.Voy();
    const part = Math.floor(o.items / 20);
    for (let from = 0; from < part; from += o.batchSize) sample.add(resource(from, Math.min(part, from + o.batchSize)));
    downloadBytes = sample.serialize().length * (o.items / part);
    sample.free();
    downloadBytesSource = `serialize() of a ${part.toLocaleString('en')}-item index × ${o.items / part} (the whole one would pass V8's longest string)`;
  }
  voy.free();
  return {
    system: VOY_SYSTEM,
    items: o.items,
    built: true,
    buildMs,
    downloadBytes,
    downloadBytesSource,
    memoryBytes,
    settings: [{ setting: 'exact (k-d tree)', ...exact }],
  };
}
