/**
 * Fetches a catalog folder in the browser (worker or page): `manifest.json`, always
 * revalidated with the server, then each vector file through the Cache API, checked against
 * the manifest (length, SHA-256) and decoded to Float32Array; then, when the manifest has a
 * `sharedSpace`, its spec (hash in the manifest) and weights (hash in the spec) the same way.
 * No Node APIs, no tfjs.
 *
 * Cache keys are the vector file's URL with a `catalog-sha256=<hash>` query parameter, so a
 * new catalog version (new hash in its manifest) never reads the old bytes. A fragment
 * (`#sha256=…`) would not do: the Cache API ignores fragments when it matches requests.
 * Only bytes that passed the hash check are stored. A cached copy that fails the check is
 * deleted and fetched again once; the network's bytes failing it is a CatalogFormatError.
 * After a load, entries of the same catalog folder that the manifest no longer names are
 * deleted (older versions). Where the Cache API is missing or throws (private mode, quota,
 * an opaque origin), files are fetched without it and a notice says so; that never fails a load.
 *
 * Every download runs under a stall watch (download-stall-watch.ts): one that brings too few
 * bytes for too long (a server that stops, or trickles) is aborted, connection and all, with a
 * CatalogDownloadStalledError; the engine's previous catalog stays.
 *
 * Progress (`onProgress`): stage `catalog` for the manifest and each vector file, `shared-space`
 * for its spec and weights; bytes are counted as the body streams in, and a file read from the
 * Cache API reports once, done, with `fromCache: true`.
 */
import { decodeItemGraphFile } from '../graph/item-graph-format.ts';
import type { ItemGraphData } from '../graph/item-graph.ts';
import type { ProgressListener, ProgressStage } from '../../protocol/progress.ts';
import { BodyTooLongError, declaredLength, readBodyCounting } from '../assets/counting-fetch.ts';
import { CATALOG_STALL_MS, MAX_MANIFEST_BYTES } from '../../protocol/limits.ts';
import { DownloadStallWatch } from './download-stall-watch.ts';
import { ByteProgress } from '../progress/byte-progress.ts';
import { safeListener } from '../progress/safe-listener.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { catalogFileUrl, catalogModalities, type CatalogManifest } from './catalog-manifest.ts';
import { parseCatalogManifest } from './catalog-manifest-parser.ts';
import {
  decodeSharedSpaceSpecFile,
  decodeSharedSpaceWeights,
  sharedSpaceWeightsPath,
  type SharedSpaceSpec,
  type SharedSpaceWeights,
} from './shared-space-format.ts';
import { CatalogFormatError, decodeVectorFile } from './vector-codec.ts';
import { decodeLearnedItemVectors, decodeLearnedWeights, shippedWeights, towerModalities, type CatalogLearnedModel } from './learned-model-format.ts';

export const CATALOG_CACHE_NAME = 'ondevice-recs-catalog-v1';
/** Query parameter of cache keys that pins the exact file version. */
export const CACHE_KEY_PARAM = 'catalog-sha256';
/** Header stored on cached responses: the catalog folder they belong to (for pruning). */
const CATALOG_HEADER = 'x-ondevice-catalog';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface LoadCatalogOptions {
  /** Default: `globalThis.fetch`. */
  fetch?: FetchFn;
  /** Default: `globalThis.caches`; `null` turns the cache off. */
  caches?: CacheStorage | null;
  /** Default: CATALOG_CACHE_NAME. */
  cacheName?: string;
  /** Clock for `ms`; default `performance.now`. */
  now?: () => number;
  /** Told about each file as it loads (failures of the listener are ignored). */
  onProgress?: ProgressListener;
  /**
   * Aborts the load: every download in flight stops at once (its body too) and the load
   * rejects with the signal's reason (an `AbortError` by default). The engine aborts a load
   * that a newer `loadCatalog` or `close` made pointless.
   */
  signal?: AbortSignal;
  /**
   * The stall window of each download in ms (default CATALOG_STALL_MS): a download that brings
   * fewer than CATALOG_STALL_MIN_BYTES in one window is aborted with CatalogDownloadStalledError.
   */
  stallMs?: number;
}

export interface DecodedVectors {
  /** Row-major, `count × dims`. */
  data: Float32Array;
  dims: number;
  count: number;
}

export interface CatalogFileReport {
  modality: Modality;
  path: string;
  url: string;
  /** Size of the file (as in the manifest). */
  bytes: number;
  /** Served by the Cache API without touching the network. */
  fromCache: boolean;
}

export interface LoadedSharedSpaceFiles {
  spec: SharedSpaceSpec;
  weights: SharedSpaceWeights;
  /** Both files came from the Cache API. */
  fromCache: boolean;
  /** The spec, then the weights binary. */
  files: Array<Omit<CatalogFileReport, 'modality'>>;
}

export interface LoadedCatalogFiles {
  /** The catalog folder's URL, ending in `/`. */
  baseUrl: string;
  manifest: CatalogManifest;
  vectors: Partial<Record<Modality, DecodedVectors>>;
  files: CatalogFileReport[];
  /** Per modality: whether its vector file came from the Cache API. */
  fromCache: Partial<Record<Modality, boolean>>;
  /** The shared space (learned cross-modal projections), when the manifest has one. */
  sharedSpace?: LoadedSharedSpaceFiles;
  /** The learned model (weights checked, item vectors as int8 bytes), when the manifest has one. */
  learnedModel?: LoadedLearnedModelFiles;
  /** The item graph (manifest.graph), checked and decoded. */
  graph?: ItemGraphData;
  /** Bytes of the responses fetched rather than read from the Cache API, manifest included (after a 304 the browser's HTTP cache supplied them). */
  bytesFetched: number;
  /** Things the page may want to show (cache unavailable, a damaged cached file replaced). */
  notices: string[];
  /** Wall time of the whole load. */
  ms: number;
}

export interface LoadedLearnedModelFiles {
  entry: CatalogLearnedModel;
  weights: Map<string, Float32Array>;
  /** The int8 item-vector file (vector-codec.ts layout), checked. */
  itemVectors: Uint8Array;
}

/** The catalog folder URL with a trailing `/`. */
export function catalogBaseUrl(catalogUrl: string): string {
  return catalogUrl.endsWith('/') ? catalogUrl : `${catalogUrl}/`;
}

/** The Cache API key of one vector file version. */
export function vectorCacheKey(fileUrl: string, sha256: string): string {
  const url = new URL(fileUrl);
  url.searchParams.set(CACHE_KEY_PARAM, sha256);
  url.hash = '';
  return url.href;
}

/**
 * Load a catalog: `catalogUrl` is the folder (absolute URL; a missing trailing `/` is added).
 * Rejects with a CatalogFormatError for a manifest or vector file that does not match the
 * format (the message names the file and the field), with a CatalogDownloadStalledError for a
 * download that stalls or trickles (see `stallMs`), and with an Error for HTTP failures.
 */
export async function loadCatalogFiles(catalogUrl: string, options: LoadCatalogOptions = {}): Promise<LoadedCatalogFiles> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const baseFetch: FetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const signal = options.signal;
  const stallMs = options.stallMs ?? CATALOG_STALL_MS;
  const download: Download = (url, what, progress, maxBytes) => fetchBytes(baseFetch, signal, stallMs, url, what, progress, maxBytes);
  const baseUrl = catalogBaseUrl(catalogUrl);
  const notices: string[] = [];
  const listener = safeListener(options.onProgress);
  const progress = (stage: ProgressStage, label: string, totalBytes?: number) => new ByteProgress(listener, stage, label, totalBytes);
  let bytesFetched = 0;

  const manifestUrl = catalogFileUrl(baseUrl, 'manifest.json');
  const manifestBytes = await download(manifestUrl, 'catalog manifest', progress('catalog', 'catalog manifest'), MAX_MANIFEST_BYTES);
  bytesFetched += manifestBytes.byteLength;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (error) {
    throw new CatalogFormatError(`${manifestUrl}: not valid JSON (${(error as Error).message})`);
  }
  const manifest = parseCatalogManifest(json, manifestUrl);
  signal?.throwIfAborted();

  const cache = await openCache(options, notices);
  const vectors: Partial<Record<Modality, DecodedVectors>> = {};
  const files: CatalogFileReport[] = [];
  const fromCache: Partial<Record<Modality, boolean>> = {};
  const keep = new Set<string>();

  for (const modality of catalogModalities(manifest)) {
    const file = manifest.vectorFiles[modality]!;
    const url = catalogFileUrl(baseUrl, file.path);
    const key = vectorCacheKey(url, file.sha256);
    keep.add(key);
    const got = await loadVerifiedFile(
      download,
      cache,
      baseUrl,
      url,
      key,
      file.path,
      'catalog vector file',
      (bytes) => decodeVectorFile(bytes, file, url),
      notices,
      progress('catalog', `${modality} vectors`, file.bytes),
      file.bytes,
    );
    bytesFetched += got.bytesFetched;
    vectors[modality] = { data: got.value, dims: file.dims, count: file.count };
    fromCache[modality] = got.fromCache;
    files.push({ modality, path: file.path, url, bytes: file.bytes, fromCache: got.fromCache });
  }

  let sharedSpace: LoadedSharedSpaceFiles | undefined;
  const entry = manifest.sharedSpace;
  if (entry) {
    const specUrl = catalogFileUrl(baseUrl, entry.path);
    const specKey = vectorCacheKey(specUrl, entry.sha256);
    keep.add(specKey);
    const spec = await loadVerifiedFile(
      download,
      cache,
      baseUrl,
      specUrl,
      specKey,
      entry.path,
      'catalog shared-space spec',
      (bytes) => decodeSharedSpaceSpecFile(bytes, manifest, specUrl),
      notices,
      progress('shared-space', 'shared-space spec', entry.bytes),
      entry.bytes,
    );
    const weightsPath = sharedSpaceWeightsPath(entry, spec.value);
    const weightsUrl = catalogFileUrl(baseUrl, weightsPath);
    const weightsKey = vectorCacheKey(weightsUrl, spec.value.weightsSha256);
    keep.add(weightsKey);
    const weights = await loadVerifiedFile(
      download,
      cache,
      baseUrl,
      weightsUrl,
      weightsKey,
      weightsPath,
      'catalog shared-space weights',
      (bytes) => decodeSharedSpaceWeights(bytes, spec.value, weightsUrl),
      notices,
      progress('shared-space', 'shared-space weights', spec.value.weightsBytes),
      spec.value.weightsBytes,
    );
    bytesFetched += spec.bytesFetched + weights.bytesFetched;
    sharedSpace = {
      spec: spec.value,
      weights: weights.value,
      fromCache: spec.fromCache && weights.fromCache,
      files: [
        { path: entry.path, url: specUrl, bytes: entry.bytes, fromCache: spec.fromCache },
        { path: weightsPath, url: weightsUrl, bytes: spec.value.weightsBytes, fromCache: weights.fromCache },
      ],
    };
  }

  let learnedModel: LoadedLearnedModelFiles | undefined;
  const learned = manifest.learnedModel;
  if (learned) {
    const layout = shippedWeights(learned, towerModalities(learned, Object.fromEntries(Object.entries(manifest.encoders).map(([m, e]) => [m, e.dims]))));
    const load = async <T>(path: string, sha256: string, bytes: number, what: string, decode: (b: Uint8Array, url: string) => Promise<T>) => {
      const url = catalogFileUrl(baseUrl, path);
      const key = vectorCacheKey(url, sha256);
      keep.add(key);
      const got = await loadVerifiedFile(
        download,
        cache,
        baseUrl,
        url,
        key,
        path,
        what,
        (b) => decode(b, url),
        notices,
        progress('catalog', what, bytes),
        bytes,
      );
      bytesFetched += got.bytesFetched;
      return got.value;
    };
    const weights = await load(learned.path, learned.sha256, learned.bytes, 'learned model', (b, url) => decodeLearnedWeights(b, learned, layout, url));
    const itemVectors = await load(learned.itemVectors.path, learned.itemVectors.sha256, learned.itemVectors.bytes, 'learned item vectors', (b, url) =>
      decodeLearnedItemVectors(b, learned.itemVectors, url),
    );
    learnedModel = { entry: learned, weights, itemVectors };
  }

  let graph: ItemGraphData | undefined;
  const graphEntry = manifest.graph;
  if (graphEntry) {
    const url = catalogFileUrl(baseUrl, graphEntry.path);
    const key = vectorCacheKey(url, graphEntry.sha256);
    keep.add(key);
    const got = await loadVerifiedFile(
      download,
      cache,
      baseUrl,
      url,
      key,
      graphEntry.path,
      'catalog item graph',
      (bytes) => decodeItemGraphFile(bytes, graphEntry, manifest.items.length, url),
      notices,
      progress('catalog', 'item graph', graphEntry.bytes),
      graphEntry.bytes,
    );
    bytesFetched += got.bytesFetched;
    graph = got.value;
  }

  signal?.throwIfAborted();
  if (cache) await pruneOtherVersions(cache, baseUrl, keep, notices);
  return {
    baseUrl,
    manifest,
    vectors,
    files,
    fromCache,
    ...(sharedSpace ? { sharedSpace } : {}),
    ...(learnedModel ? { learnedModel } : {}),
    ...(graph ? { graph } : {}),
    bytesFetched,
    notices,
    ms: now() - started,
  };
}

/** Fetch one catalog file (bytes counted into `progress`, `maxBytes` a hard limit). */
type Download = (url: string, what: string, progress: ByteProgress, maxBytes: number) => Promise<Uint8Array<ArrayBuffer>>;

/**
 * Fetch a file, counting its bytes into `progress` as they arrive (`fromCache` stays unknown:
 * the HTTP cache does not say). `maxBytes` is a hard limit (the manifest cap, or a file's
 * declared size): a longer body, announced or not, stops there with a CatalogFormatError.
 * The request and its body run under `signal` and a stall watch of `stallMs`.
 */
async function fetchBytes(
  baseFetch: FetchFn,
  signal: AbortSignal | undefined,
  stallMs: number,
  url: string,
  what: string,
  progress: ByteProgress,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  signal?.throwIfAborted();
  progress.start();
  const watch = new DownloadStallWatch(`${what} ${url}`, signal, stallMs);
  try {
    let response: Response;
    try {
      // `no-cache`: the HTTP cache may keep a copy but must check it with the server first.
      response = await baseFetch(url, { cache: 'no-cache', signal: watch.signal });
    } catch (error) {
      if (watch.stallError) throw watch.stallError;
      if (isAbort(error)) throw error;
      throw new Error(`${what} ${url} could not be fetched: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`${what} ${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    if (progress.totalBytes === undefined) progress.setTotal(declaredLength(response));
    const announced = declaredLength(response);
    if (announced !== undefined && announced > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new CatalogFormatError(`${what} ${url}: the server announces ${announced} bytes, more than the ${maxBytes} expected`);
    }
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = await readBodyCounting(
        response,
        (n) => {
          watch.add(n);
          progress.add(n);
        },
        maxBytes,
      );
    } catch (error) {
      if (error instanceof BodyTooLongError)
        throw new CatalogFormatError(`${what} ${url}: too long: more than the ${maxBytes} bytes expected (download stopped there)`);
      if (watch.stallError) throw watch.stallError;
      if (isAbort(error)) throw error;
      throw new Error(`${what} ${url}: the download broke off: ${(error as Error).message}`, { cause: error });
    }
    progress.finish();
    return bytes;
  } finally {
    watch.stop();
  }
}

/** An aborted download: passed on as it is, not reworded as a network failure. */
function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

async function openCache(options: LoadCatalogOptions, notices: string[]): Promise<Cache | undefined> {
  const storage = options.caches === undefined ? (globalThis as { caches?: CacheStorage }).caches : options.caches;
  if (storage === null) return undefined;
  if (!storage) {
    notices.push('The Cache API is not available here; catalog vectors are downloaded again on every load.');
    return undefined;
  }
  try {
    return await storage.open(options.cacheName ?? CATALOG_CACHE_NAME);
  } catch (error) {
    notices.push(`The catalog cache could not be opened (${describeError(error)}); catalog vectors are downloaded again on every load.`);
    return undefined;
  }
}

interface VerifiedFileLoad<T> {
  value: T;
  fromCache: boolean;
  bytesFetched: number;
}

/**
 * One catalog file whose hash the manifest (or the shared-space spec) pins: from the cache
 * when a copy passes `decode` (which checks length and SHA-256), else from the network.
 */
async function loadVerifiedFile<T>(
  download: Download,
  cache: Cache | undefined,
  catalogBase: string,
  url: string,
  key: string,
  path: string,
  what: string,
  decode: (bytes: Uint8Array) => Promise<T>,
  notices: string[],
  progress: ByteProgress,
  maxBytes: number,
): Promise<VerifiedFileLoad<T>> {
  if (cache) {
    const cached = await cachedBytes(cache, key, url, notices);
    if (cached) {
      try {
        const value = await decode(cached);
        progress.finishAll(cached.byteLength, true);
        return { value, fromCache: true, bytesFetched: 0 };
      } catch (error) {
        if (!(error instanceof CatalogFormatError)) throw error;
        notices.push(`The cached copy of ${path} was damaged (${error.message}); it was fetched again.`);
        await cache.delete(key).catch(() => false);
      }
    }
  }
  const bytes = await download(url, what, progress, maxBytes);
  const value = await decode(bytes); // a mismatch from the network is the catalog's fault
  if (cache) {
    try {
      await cache.put(key, new Response(bytes, { headers: { 'content-type': 'application/octet-stream', [CATALOG_HEADER]: catalogBase } }));
    } catch (error) {
      notices.push(`${path} could not be stored in the catalog cache (${describeError(error)}); it will be downloaded again next time.`);
    }
  }
  return { value, fromCache: false, bytesFetched: bytes.byteLength };
}

async function cachedBytes(cache: Cache, key: string, url: string, notices: string[]): Promise<Uint8Array | undefined> {
  try {
    const response = await cache.match(key);
    if (!response) return undefined;
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    notices.push(`The catalog cache could not be read for ${url} (${describeError(error)}); fetched from the network.`);
    return undefined;
  }
}

/** Delete cache entries stored for this catalog folder that the current manifest does not name (older versions). */
async function pruneOtherVersions(cache: Cache, baseUrl: string, keep: Set<string>, notices: string[]): Promise<void> {
  try {
    for (const request of await cache.keys()) {
      if (keep.has(request.url) || !new URL(request.url).searchParams.has(CACHE_KEY_PARAM)) continue;
      const response = await cache.match(request);
      if (response?.headers.get(CATALOG_HEADER) === baseUrl) await cache.delete(request);
    }
  } catch (error) {
    notices.push(`Old catalog versions could not be removed from the cache (${describeError(error)}).`);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
