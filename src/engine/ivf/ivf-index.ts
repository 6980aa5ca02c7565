/**
 * Searching a catalog's IVF partitions in the browser (format: ivf-format.ts). Opening fetches the
 * index and the centroids; a query ranks the centroids, fetches only the `nprobe` partitions it needs
 * (Cache API first, each file checked against its SHA-256 like the catalog's vector files) and ranks
 * each with the engine's int8 kernel, then merges the partitions' best rows by their exact scores
 * (the reference's float64 arithmetic; equal scores by lower row), so probing every partition gives
 * exactly the brute-force ranking. A partition that fails its check is refused: the query answers
 * from the valid ones and says so in `notices`. Decoded partitions stay in memory up to a byte budget.
 */
import { catalogFileUrl } from '../catalog/catalog-manifest.ts';
import { CATALOG_CACHE_NAME, vectorCacheKey, type FetchFn } from '../catalog/fetch-catalog.ts';
import { CatalogFormatError, sha256Hex } from '../catalog/vector-codec.ts';
import { int8MatrixView, type Int8Matrix, type Int8Ranker } from '../ranking/int8-matrix.ts';
import { allocateInt8MatrixInWasm } from '../ranking/wasm/rank-int8-wasm.ts';
import { ivfPartitionByteLength, parseIvfIndex, partitionView, type IvfIndexFile } from './ivf-format.ts';

export interface IvfOpenOptions {
  fetch?: FetchFn;
  /** Default `globalThis.caches`; null: no Cache API. */
  caches?: CacheStorage | null;
  /** SHA-256 of index.json (from the manifest); checked when given. */
  sha256?: string;
  /** Decoded partitions kept in memory (default 256 MB). */
  memoryBudgetBytes?: number;
  /** Place partitions in WASM memory (zero-copy for the wasm-simd kernel). */
  wasmMatrices?: boolean;
}

export interface IvfSearchOptions {
  /** Partitions to probe (default 16); the whole index when ≥ its partitions. */
  nprobe?: number;
  /** Only rows whose index passes (e.g. a category filter on the catalog's items). */
  rowFilter?: (row: number) => boolean;
  /** Only partitions holding one of these category indices (the index's `categories`). */
  categories?: number[];
}

export interface IvfSearchResult {
  rows: Int32Array;
  scores: Float32Array;
  partitionsProbed: number;
  /** Bytes of partition files fetched over the network for this query (0 when all were cached). */
  bytesFetched: number;
  /** Partitions read from the Cache API or memory. */
  partitionsCached: number;
  notices: string[];
}

interface Partition {
  rows: Uint32Array;
  matrix: Int8Matrix;
  bytes: number;
}

export class IvfIndex {
  private readonly memory = new Map<number, Partition>();
  private memoryBytes = 0;
  /** Bytes fetched when opening (index + centroids). */
  readonly openBytesFetched: number;

  private constructor(
    readonly baseUrl: string,
    readonly index: IvfIndexFile,
    private readonly centroids: Int8Matrix,
    private readonly ranker: Int8Ranker,
    private readonly options: IvfOpenOptions,
    private readonly cache: Cache | undefined,
    openBytes: number,
  ) {
    this.openBytesFetched = openBytes;
  }

  /** `indexUrl`: absolute URL of index.json. Rejects with a CatalogFormatError for a file that fails its check. */
  static async open(indexUrl: string, ranker: Int8Ranker, options: IvfOpenOptions = {}): Promise<IvfIndex> {
    const doFetch: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const cache = await openCache(options.caches);
    const baseUrl = new URL('.', indexUrl).href;
    const indexBytes = await fetchBytes(doFetch, indexUrl);
    if (options.sha256 && (await sha256Hex(indexBytes)) !== options.sha256) throw new CatalogFormatError(`${indexUrl}: sha256 mismatch with the manifest`);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(indexBytes));
    } catch (error) {
      throw new CatalogFormatError(`${indexUrl}: not valid JSON (${(error as Error).message})`);
    }
    const index = parseIvfIndex(json, indexUrl);
    const url = catalogFileUrl(baseUrl, index.centroids.path);
    const got = await verifiedFile(doFetch, cache, url, index.centroids.sha256, index.centroids.bytes);
    const centroids = int8MatrixView(got.bytes, index.centroids.count, index.dims);
    return new IvfIndex(baseUrl, index, centroids, ranker, options, cache, indexBytes.byteLength + got.fetched);
  }

  get partitions(): number {
    return this.index.partitions.length;
  }

  async search(query: Float32Array, k: number, options: IvfSearchOptions = {}): Promise<IvfSearchResult> {
    const { dims } = this.index;
    if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, the index has ${dims}`);
    const nprobe = Math.max(1, Math.min(options.nprobe ?? 16, this.partitions));
    let partitionMask: Uint8Array | undefined;
    if (options.categories) {
      const wanted = new Set(options.categories);
      partitionMask = Uint8Array.from(this.index.partitions, (p) => (p.categories === undefined || p.categories.some((c) => wanted.has(c)) ? 1 : 0));
    }
    const chosen = await this.ranker.rank(this.centroids, query, nprobe, partitionMask);
    const notices: string[] = [];
    let bytesFetched = 0;
    let partitionsCached = 0;
    const loaded = await Promise.all(
      Array.from(chosen.indices, async (p) => {
        try {
          const got = await this.partition(p);
          bytesFetched += got.fetched;
          if (got.fetched === 0) partitionsCached++;
          return got.partition;
        } catch (error) {
          if (!(error instanceof CatalogFormatError)) throw error;
          notices.push(`IVF partition ${p} was refused (${error.message}); results come from the other ${chosen.indices.length - 1} partitions probed.`);
          return undefined;
        }
      }),
    );
    // Each partition's best k (exact within it), re-scored in float64 and merged like the reference.
    const candidates: Array<{ row: number; score: number }> = [];
    for (const part of loaded) {
      if (!part) continue;
      let mask: Uint8Array | undefined;
      if (options.rowFilter) {
        mask = Uint8Array.from(part.rows, (row) => (options.rowFilter!(row) ? 1 : 0));
        if (!mask.includes(1)) continue;
      }
      const top = await this.ranker.rank(part.matrix, query, k, mask);
      for (const local of top.indices) candidates.push({ row: part.rows[local]!, score: exactScore(part.matrix, local, query) });
    }
    candidates.sort((a, b) => b.score - a.score || a.row - b.row);
    const best = candidates.slice(0, k);
    return {
      rows: Int32Array.from(best, (c) => c.row),
      scores: Float32Array.from(best, (c) => c.score),
      partitionsProbed: chosen.indices.length,
      bytesFetched,
      partitionsCached,
      notices,
    };
  }

  /** Drop the in-memory partitions (the Cache API keeps its copies). */
  clearMemory(): void {
    this.memory.clear();
    this.memoryBytes = 0;
  }

  private async partition(p: number): Promise<{ partition: Partition; fetched: number }> {
    const known = this.memory.get(p);
    if (known) {
      // Most recently used last.
      this.memory.delete(p);
      this.memory.set(p, known);
      return { partition: known, fetched: 0 };
    }
    const entry = this.index.partitions[p]!;
    const url = catalogFileUrl(this.baseUrl, entry.path);
    const got = await verifiedFile(
      this.options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      this.cache,
      url,
      entry.sha256,
      ivfPartitionByteLength(entry.count, this.index.dims),
    );
    const { rows, body } = partitionView(got.bytes, entry.count);
    let matrix: Int8Matrix;
    if (this.options.wasmMatrices && entry.count > 0) {
      const inWasm = allocateInt8MatrixInWasm(entry.count, this.index.dims);
      inWasm.body.set(body);
      matrix = inWasm;
    } else matrix = int8MatrixView(body, entry.count, this.index.dims);
    const partition = { rows: rows.slice(), matrix, bytes: got.bytes.byteLength };
    this.memory.set(p, partition);
    this.memoryBytes += partition.bytes;
    const budget = this.options.memoryBudgetBytes ?? 256 * 2 ** 20;
    for (const [key, value] of this.memory) {
      if (this.memoryBytes <= budget || key === p) break;
      this.memory.delete(key);
      this.memoryBytes -= value.bytes;
    }
    return { partition, fetched: got.fetched };
  }
}

/** The reference's score of one row (float64, same summation order). */
function exactScore(matrix: Int8Matrix, row: number, query: Float32Array): number {
  const { dims, codes, scales } = matrix;
  let sum = 0;
  const base = row * dims;
  for (let j = 0; j < dims; j++) sum += codes[base + j]! * query[j]!;
  return sum * scales[row]!;
}

async function openCache(caches: CacheStorage | null | undefined): Promise<Cache | undefined> {
  const storage = caches === undefined ? (globalThis as { caches?: CacheStorage }).caches : caches;
  if (!storage) return undefined;
  try {
    return await storage.open(CATALOG_CACHE_NAME);
  } catch {
    return undefined;
  }
}

async function fetchBytes(doFetch: FetchFn, url: string): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await doFetch(url);
  } catch (error) {
    throw new Error(`${url} could not be fetched: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A file pinned by its hash: from the Cache API when a copy passes, else fetched, checked and cached. */
async function verifiedFile(
  doFetch: FetchFn,
  cache: Cache | undefined,
  url: string,
  sha256: string,
  bytes: number,
): Promise<{ bytes: Uint8Array; fetched: number }> {
  const key = vectorCacheKey(url, sha256);
  const check = async (data: Uint8Array) => {
    if (data.byteLength !== bytes) throw new CatalogFormatError(`${url}: expected ${bytes} bytes, got ${data.byteLength}`);
    const digest = await sha256Hex(data);
    if (digest !== sha256) throw new CatalogFormatError(`${url}: sha256 mismatch: the index has ${sha256}, the file has ${digest}`);
  };
  if (cache) {
    const cached = await cache.match(key).catch(() => undefined);
    if (cached) {
      const data = new Uint8Array(await cached.arrayBuffer());
      try {
        await check(data);
        return { bytes: data, fetched: 0 };
      } catch {
        await cache.delete(key).catch(() => false);
      }
    }
  }
  const data = await fetchBytes(doFetch, url);
  await check(data);
  if (cache) await cache.put(key, new Response(data, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
  return { bytes: data, fetched: data.byteLength };
}
