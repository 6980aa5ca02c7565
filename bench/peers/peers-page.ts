// The page `npm run bench` (section peers) drives: our int8 kernels (brute force and IVF) next to
// hnswlib-wasm and voy-search, in the same Chromium page, on the same synthetic clustered vectors
// (test/clustered-vectors.ts; synthetic, labelled, for speed). Ground truth: exact float32 top-k.
import { loadHnswlib } from 'hnswlib-wasm/dist/hnswlib.js';
import * as voyBindings from 'voy-search/voy_search_bg.js';
import voyWasmUrl from 'voy-search/voy_search_bg.wasm?url';
import { clusteredVectors } from '../../test/clustered-vectors.ts';
import { quantizeInt8Rows } from '../../src/engine/ranking/int8-matrix.ts';
import { rankInt8Wasm } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { IvfIndex } from '../../src/engine/ivf/ivf-index.ts';
import { wasmInt8Ranker } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';

export interface PeerOptions {
  items: number;
  dims: number;
  clusters: number;
  spread: number;
  seed: number;
  queries: number;
  k: number;
  /** Give up building a peer's index past this (checked between chunks of items). */
  buildBudgetMs: number;
  /** Our IVF for these vectors, built by the bench in Node and served here. */
  ivfUrl?: string;
  nprobes: number[];
  efSearches: number[];
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
  /** Memory the index holds while serving (WASM memory or typed arrays), where it can be read. */
  memoryBytes?: number;
  settings: PeerSetting[];
}

declare global {
  interface Window {
    peerBench(options: PeerOptions): Promise<PeerRow[]>;
  }
}

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

/** Exact float32 top-k by dot product (the vectors are unit length: dot = cosine). */
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

async function measure(queries: Float32Array[], truth: number[][], k: number, run: (q: Float32Array) => Promise<ArrayLike<number>> | ArrayLike<number>): Promise<Omit<PeerSetting, 'setting'>> {
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

window.peerBench = async (o) => {
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
    rows.push({ system: 'ours: int8 brute force (wasm-simd)', items: o.items, built: true, buildMs: ms, downloadBytes: o.items * (o.dims + 4), memoryBytes: o.items * (o.dims + 4), settings: [{ setting: 'exact over int8', ...exact }] });
  }
  // Ours, IVF: the partitions built by the bench, fetched from this server (HTTP cache off via no-store).
  if (o.ivfUrl) {
    const settings: PeerSetting[] = [];
    for (const nprobe of o.nprobes) {
      const index = await IvfIndex.open(new URL(o.ivfUrl, location.href).href, wasmInt8Ranker, { caches: null, fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }) });
      const first = await index.search(queries[0]!, o.k, { nprobe });
      const firstQueryBytes = index.openBytesFetched + first.bytesFetched;
      // Every query's partitions fetched once, then timed from memory.
      for (const q of queries) await index.search(q, o.k, { nprobe });
      const m = await measure(queries, truth, o.k, async (q) => (await index.search(q, o.k, { nprobe })).rows);
      settings.push({ setting: `nprobe ${nprobe} of ${index.partitions}`, firstQueryBytes, ...m });
    }
    rows.push({ system: 'ours: IVF int8 (wasm-simd)', items: o.items, built: true, buildMs: NaN, note: 'built in Node by the bench (k-means); build time in the IVF table', downloadBytes: o.items * (o.dims + 8), settings });
  }

  // hnswlib-wasm: HNSW (M 16, efConstruction 100) over float32, inner product.
  if (!o.skip?.includes('hnswlib-wasm')) {
    const lib = await loadHnswlib();
    const index = new lib.HierarchicalNSW('ip', o.dims, '');
    index.initIndex(o.items, 16, 100, 100);
    const start = performance.now();
    let added = 0;
    const chunk = 2000;
    while (added < o.items && performance.now() - start < o.buildBudgetMs) {
      const n = Math.min(chunk, o.items - added);
      index.addPoints(Array.from({ length: n }, (_, i) => vectors.subarray((added + i) * o.dims, (added + i + 1) * o.dims)), Array.from({ length: n }, (_, i) => added + i), false);
      added += n;
    }
    const buildMs = performance.now() - start;
    // hnswlib's own layout: per element the vector, level-0 links (2M + 1 ints) and a label.
    const downloadBytes = o.items * (o.dims * 4 + (2 * 16 + 1) * 4 + 8);
    const memoryBytes = (lib as unknown as { HEAP8?: Int8Array }).HEAP8?.byteLength;
    if (added < o.items) {
      rows.push({ system: 'hnswlib-wasm 0.8.2 (HNSW, float32)', items: o.items, built: false, note: `index not built within ${(o.buildBudgetMs / 1000).toFixed(0)} s: ${added} of ${o.items} items added`, buildMs, downloadBytes, settings: [] });
    } else {
      const settings: PeerSetting[] = [];
      for (const ef of o.efSearches) {
        index.setEfSearch(ef);
        settings.push({ setting: `efSearch ${ef}`, ...(await measure(queries, truth, o.k, (q) => index.searchKnn(q, o.k, undefined).neighbors)) });
      }
      rows.push({ system: 'hnswlib-wasm 0.8.2 (HNSW, float32)', items: o.items, built: true, buildMs, downloadBytes, ...(memoryBytes ? { memoryBytes } : {}), settings });
    }
  }

  // voy-search: a k-d tree (kiddo) built from a JSON resource; exact nearest neighbours.
  if (!o.skip?.includes('voy-search')) {
    const bg = voyBindings as unknown as { __wbg_set_wasm(exports: WebAssembly.Exports): void; Voy: new (resource: unknown) => { search(q: Float32Array, k: number): { neighbors: Array<{ id: string }> }; serialize(): string } };
    const { instance } = await WebAssembly.instantiate(await (await fetch(voyWasmUrl)).arrayBuffer(), { './voy_search_bg.js': voyBindings as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    const start = performance.now();
    let voy: InstanceType<typeof bg.Voy> | undefined;
    let note: string | undefined;
    try {
      const embeddings = Array.from({ length: o.items }, (_, i) => ({ id: String(i), title: '', url: '', embeddings: Array.from(vectors.subarray(i * o.dims, (i + 1) * o.dims)) }));
      voy = new bg.Voy({ embeddings });
    } catch (error) {
      note = `index not built: ${(error as Error).message}`;
    }
    const buildMs = performance.now() - start;
    if (!voy) rows.push({ system: 'voy-search 0.6.3 (k-d tree, float32)', items: o.items, built: false, note: note!, buildMs, downloadBytes: NaN, settings: [] });
    else {
      let downloadBytes = NaN;
      try {
        downloadBytes = voy.serialize().length;
      } catch (error) {
        note = `serialize() failed: ${(error as Error).message}`;
      }
      const memoryBytes = (instance.exports.memory as WebAssembly.Memory).buffer.byteLength;
      const exact = await measure(queries, truth, o.k, (q) => voy!.search(q, o.k).neighbors.map((n) => Number(n.id)));
      rows.push({ system: 'voy-search 0.6.3 (k-d tree, float32)', items: o.items, built: true, buildMs, downloadBytes, memoryBytes, ...(note ? { note } : {}), settings: [{ setting: 'exact (k-d tree)', ...exact }] });
    }
  }
  return rows;
};
