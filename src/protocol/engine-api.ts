/**
 * The one typed boundary between the page and the engine worker.
 * The worker exposes an object implementing `EngineApi` through Comlink;
 * the page only ever sees this interface.
 */
import type { BackendName } from './backend-name.ts';
import type { Embedding, EncoderInfo, Modality } from './embedding.ts';
import type { VideoEmbedding } from './video-embedding.ts';
import type {
  ExampleInput,
  FusionHeadName,
  ProfileSummary,
  RecommendRequest,
  RecommendedItem,
  TrackExtra,
  TrackResult,
  TrackedEventType,
} from './recommend.ts';
import type { ProfileExport } from './profile.ts';
import type { ProgressListener } from './progress.ts';
import type { CatalogItemCard, CatalogMap } from './catalog-view.ts';

export interface EngineConfig {
  /** Force one backend instead of measuring. Unknown values fall back to measuring, with a notice. */
  backend?: string;
  /** Base URL of the served model/wasm assets (default: `<origin>/`). */
  assetsBaseUrl?: string;
  /** Items in the start-up micro-benchmark (default 10 000 × 256). */
  probeItems?: number;
  /** Replace the built-in text encoder with an ONNX model the site serves itself (see README "Your own ONNX model"). */
  textEncoder?: OnnxTextEncoderConfig;
  /** Which fusion head scores for-you (default `late`; see README "The recommender"). */
  fusionHead?: FusionHeadName;
  /** IndexedDB database of the user's profile (default `ondevice-recs-profile`). */
  profileName?: string;
  /**
   * Start from the backend measured on an earlier visit of this browser, adapter and engine version
   * (kept in IndexedDB), re-measuring in the background after the first recommendation when it is
   * older than a day. Default true; false measures every backend now and keeps nothing.
   */
  rememberBackend?: boolean;
  /** A catalog folder URL to start fetching while the backends are measured; `loadCatalog` of the same URL then uses it. */
  preloadCatalog?: string;
  /**
   * Stall window of each catalog download in ms (default 30 s, `CATALOG_STALL_MS`): a download
   * that brings fewer than 16 KiB in one window (a server that stops, or trickles) is aborted and
   * the load rejects with CatalogDownloadStalledError; the catalog in use stays.
   */
  catalogStallMs?: number;
}

/** A transformers.js feature-extraction model in `<assetsBaseUrl>models/<modelId>/`, run by onnxruntime-web from `<assetsBaseUrl>ort-wasm/`. */
export interface OnnxTextEncoderConfig {
  kind: 'onnx';
  modelId: string;
  /** The model's hidden size (checked at load). */
  dims: number;
  pooling?: 'mean' | 'cls';
  device?: 'wasm' | 'webgpu';
  /** Names the weights in the encoder's version (stored with catalog vectors). */
  version?: string;
}

export interface BackendCandidate {
  name: BackendName;
  /** Whether the backend initialised in this browser. */
  available: boolean;
  /** Why it is unavailable or disqualified, if it is. */
  problem?: string;
  /** Median time of the probe ranking operation in ms (only when measured). */
  medianMs?: number;
  /** Probe result matched the exact reference ranking. */
  correct?: boolean;
  /** WebGPU only: adapter description, and whether it is a software (CPU-emulated) adapter. */
  adapter?: { vendor: string; architecture: string; description: string; software: boolean };
  /** Not measured at start-up, and why (a software adapter: it is measured in the background after the first recommendation). */
  deferred?: string;
}

/** One int8 ranking kernel (plain JS reference, WASM SIMD, WebGPU) as the start-up probe found it. */
export interface Int8RankerCandidate {
  name: string;
  available: boolean;
  correct?: boolean;
  medianMs?: number;
  problem?: string;
  deferred?: string;
}

/** The int8 kernel the engine ranks int8 vectors with (IVF partitions, the learned model), and the others' probes. */
export interface Int8RankerReport {
  ranker: string;
  candidates: Int8RankerCandidate[];
}

export interface BackendReport {
  /** The backend the engine is running on now. */
  backend: BackendName;
  /** How it was chosen (`remembered`: measured on an earlier visit of this browser and adapter, checked now). */
  mode: 'measured' | 'forced' | 'fallback' | 'remembered';
  /** One human sentence saying why. */
  reason: string;
  candidates: BackendCandidate[];
  /** Problems with the configuration the page should show (e.g. an unknown `?backend=`). */
  notices: string[];
  /** The int8 ranking kernel chosen by the same probe. */
  int8?: Int8RankerReport;
}

export interface RankResult {
  /** Row indices of the top items, best first. */
  indices: number[];
  scores: number[];
  backend: BackendName;
}

export interface TimingStats {
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface RankBenchmarkRow extends TimingStats {
  backend: BackendName;
  items: number;
  dims: number;
  k: number;
  /** Bytes of item vectors read by one ranking call. */
  bytesRead: number;
}

export interface Int8RankBenchmarkRow extends TimingStats {
  ranker: string;
  items: number;
  dims: number;
  k: number;
  /** Bytes of int8 rows (codes and scales) one ranking reads. */
  bytesRead: number;
  /** The kernel's top-k equalled the exact reference's. */
  correct: boolean;
  /** WebGPU only: a software adapter (SwiftShader), so not a GPU's speed. */
  software?: boolean;
}

export interface EmbedBenchmarkOptions {
  modality: Modality;
  /** Texts, or encoded files; batches cycle through them. */
  inputs: string[] | ArrayBuffer[];
  batchSizes: number[];
  runs: number;
  backends?: BackendName[];
  /** When one timed run takes longer than this, report that run alone (`runs: 1`) instead of repeating it. */
  maxRunMs?: number;
  /**
   * Skip a batch size whose time, extrapolated from the previous batch size, would exceed this
   * (a software GPU can need many minutes for one batch); the row then says so instead of timing.
   */
  maxBatchMs?: number;
}

export interface EmbedBenchmarkRow extends TimingStats {
  backend: BackendName;
  modality: Modality;
  batchSize: number;
  /** Inputs embedded per second at the median time (decoding included). */
  itemsPerSecond: number;
  /** Set when this batch size was not timed, with the extrapolated time that ruled it out. */
  skipped?: string;
}

export interface RecommendBenchmarkOptions {
  k: number;
  runs: number;
  backends?: BackendName[];
  /** Also time: embed this image (an encoded file) as a new ad-hoc example → updated for-you list. */
  exampleImage?: ArrayBuffer;
  exampleRuns?: number;
  /** A run slower than this is timed once (software GPUs). */
  maxRunMs?: number;
  /** Skip the ad-hoc example (searchByExample) timing and time only the views → for-you (large catalogs). */
  skipExample?: boolean;
}

/** The catalog's learned model in a for-you benchmark (catalogs that ship one). */
export interface LearnedForYouTimings {
  /** The catalog's blend weight w (for-you = z(fusion) + w · z(learned) when w > 0). */
  blendWeight: number;
  /** The int8 kernel the learned model ranks with (the engine's choice). */
  int8Ranker: string;
  /** for-you without the learned model (today's fusion path), side by side with `forYou`; only when w > 0. */
  forYouWithoutLearned?: TimingStats;
  /** The learned model alone: user vector + top-k over the int8 item vectors, no fusion. */
  learnedTopK: TimingStats;
  /** Of which: the user model (history → user vector) … */
  userVector: TimingStats;
  /** … and the rules' allowed mask + the int8 kernel's top-k. */
  rank: TimingStats;
}

export interface RecommendBenchmarkRow {
  backend: BackendName;
  catalog: string;
  items: number;
  /** A for-you list from the current profile: score every item, rules, MMR, explanations. */
  forYou: TimingStats;
  /** From a new ad-hoc image to the updated for-you list (embed, store, rank, rank again). */
  exampleToRecs?: TimingStats;
  /** A view of a catalog item (`track`, nothing embedded) → the updated for-you list. */
  catalogViewToRecs?: TimingStats;
  /** A view of an item the catalog lacks, with the example image as its content (`track`: embed, store) → the updated for-you list. */
  offCatalogViewToRecs?: TimingStats;
  learned?: LearnedForYouTimings;
}

export interface ModelCheck {
  name: string;
  format: 'graph' | 'layers';
  url: string;
  inputs: string[];
  outputs: string[];
  weightBytes: number;
}

/** One modality of a loaded catalog. */
export interface CatalogModalitySummary {
  modality: Modality;
  /** Rows (items with a vector in this modality). */
  count: number;
  dims: number;
  format: 'int8' | 'float16';
  /** Size of the vector file. */
  bytes: number;
  /** The vector file came from the browser's catalog cache (Cache API), not the network. */
  fromCache: boolean;
  /** The encoder the catalog's vectors were made with. */
  encoder: EncoderInfo;
}

export interface CatalogSummary {
  name: string;
  /** The catalog folder's absolute URL. */
  url: string;
  itemCount: number;
  modalities: CatalogModalitySummary[];
  /** Total size of the vector files. */
  bytes: number;
  /** Bytes fetched rather than read from the catalog cache (manifest included). */
  bytesFetched: number;
  /** Every vector file came from the catalog cache. */
  fromCache: boolean;
  /** Wall time of the load: fetch, hash check, decode and upload to the backend. */
  loadMs: number;
  /** E.g. the Cache API is unavailable, or a damaged cached file was fetched again. */
  notices: string[];
  /**
   * Events of the shop's interaction log the catalog was built with (its `signals`); 0 when it
   * has none, and then `popular` ranks items by how typical they are of their category, not by
   * what shoppers did.
   */
  shopperEvents: number;
  /** How the shop's aggregates were protected (absent: the catalog has no signals, or predates the record). */
  shopperPrivacy?: ShopperDataPrivacy;
}

/**
 * The catalog's `signals.privacy`: items and pairs seen in fewer than `minSessions` distinct
 * sessions were left out; with `epsilon`, every count carries calibrated noise ((ε, δ)-differential
 * privacy per session, docs/privacy.md). No `epsilon`: exact counts.
 */
export interface ShopperDataPrivacy {
  minSessions: number;
  epsilon?: number;
  delta?: number;
}

export interface CatalogRankResult {
  /** Item ids, best first. */
  ids: string[];
  scores: number[];
  backend: BackendName;
}

/** A search of a catalog's IVF partitions (src/engine/ivf/). */
export interface IvfSearchRequest {
  /** URL of the index.json (relative to the assets base URL). */
  indexUrl: string;
  /** SHA-256 of index.json, from the catalog manifest's `ivf` section; checked when given. */
  sha256?: string;
  query: Float32Array;
  k: number;
  /** Partitions to probe (default 16). */
  nprobe?: number;
  /** Only partitions holding items of these categories. */
  categories?: string[];
}

export interface IvfSearchSummary {
  /** Rows of the partitioned vector file, best first. */
  rows: number[];
  scores: number[];
  partitions: number;
  partitionsProbed: number;
  partitionsCached: number;
  /** Network bytes for this call: probed partitions not yet held, plus index and centroids on the first call. */
  bytesFetched: number;
  /** Time of the search itself in the worker (after the index was open). */
  searchMs: number;
  /** Time to open the index (index.json + centroids) when this call opened it, else 0. */
  openMs: number;
  /** The int8 kernel that ranked. */
  ranker: string;
  /** A refused partition (failed hash) and the like. */
  notices: string[];
}

export interface EngineApi {
  /** Probe backends, pick one, check assets are reachable. Rejects with a clear message on failure. */
  init(config: EngineConfig, onProgress?: ProgressListener): Promise<BackendReport>;
  /** The current backend report (changes after a fallback). */
  backendReport(): Promise<BackendReport>;
  /** Upload an item matrix (row-major, `count × dims`) to the current backend, replacing any previous one. */
  setItemVectors(vectors: Float32Array, dims: number): Promise<void>;
  /** Score `query` against every item (dot product) and return the top `k`. */
  rank(query: Float32Array, k: number): Promise<RankResult>;
  /** Load every served model with tfjs to prove the assets are usable. */
  checkModels(): Promise<ModelCheck[]>;
  /** Time the ranking operation on each named backend in turn, on the same seeded data. */
  benchmarkRanking(options: { items: number; dims: number; k: number; runs: number; backends?: BackendName[] }): Promise<RankBenchmarkRow[]>;
  /**
   * Time the int8 kernels (js, wasm-simd, webgpu) ranking `items` × `dims` seeded int8 rows (synthetic,
   * for speed only) side by side; each result is checked against the exact reference first. A kernel
   * whose first run takes longer than `maxRunMs` is timed once.
   */
  benchmarkInt8Ranking(options: {
    items: number;
    dims: number;
    k: number;
    runs: number;
    rankers?: string[];
    maxRunMs?: number;
  }): Promise<Int8RankBenchmarkRow[]>;
  /** Search a catalog's IVF partitions with the engine's int8 kernel. */
  ivfSearch(request: IvfSearchRequest): Promise<IvfSearchSummary>;
  /** Embed texts with the text encoder (loaded on first use). Bad input rejects with an EncoderInputError. */
  embedText(texts: string[]): Promise<Embedding>;
  /** Embed encoded image files (PNG, JPEG, WebP, GIF, SVG). */
  embedImages(files: ArrayBuffer[]): Promise<Embedding>;
  /** Embed encoded audio files (Ogg Vorbis/Opus, FLAC, WAV, MP3). */
  embedAudio(files: ArrayBuffer[]): Promise<Embedding>;
  /** Embed a video file (MP4, WebM, …; at most 60 s and 200 MB, limits.ts): key frames pooled (image) and its soundtrack (audio). Bad input rejects with an EncoderInputError. */
  embedVideo(file: ArrayBuffer): Promise<VideoEmbedding>;
  /** Time embedding batches of each size on each backend, loading a fresh encoder per backend. */
  benchmarkEmbedding(options: EmbedBenchmarkOptions): Promise<EmbedBenchmarkRow[]>;
  /** Time for-you (and an ad-hoc image, a catalog item view and an off-catalog image view → updated for-you) on each backend, on the loaded catalog and the current profile. */
  benchmarkRecommend(options: RecommendBenchmarkOptions): Promise<RecommendBenchmarkRow[]>;
  /** Test hook: destroy the WebGPU device as a driver reset would, to exercise the fallback. */
  loseWebGpuDeviceForTesting(): Promise<boolean>;
  /**
   * Test hook: how later calls decode a user's picture or sound. `timeoutMs` replaces the decode
   * time limit (DECODE_TIMEOUT_MS, limits.ts); `inWorker: false` decodes in the engine's own thread,
   * as in Node, to compare with the decode worker. Answers the settings now in force.
   */
  configureDecodingForTesting(changes: { timeoutMs?: number; inWorker?: boolean }): Promise<{ timeoutMs: number; inWorker: boolean }>;
  /**
   * Load a catalog folder (`manifest.json` + vector files; relative URLs resolve against the
   * assets base URL, i.e. the app's base) and upload its vectors, replacing any catalog loaded
   * before. Rejects with a CatalogFormatError naming the file and the problem for a bad
   * catalog, or a CatalogDownloadStalledError for a download that stalls or trickles
   * (`EngineConfig.catalogStallMs`); the previous catalog then stays loaded.
   */
  loadCatalog(url: string, onProgress?: ProgressListener): Promise<CatalogSummary>;
  /** Every item of the loaded catalog as a card (title, category, absolute media URLs), in catalog order. */
  catalogItems(): Promise<CatalogItemCard[]>;
  /** A 2-D projection of the loaded catalog (computed once per catalog, then cached). */
  catalogMap(): Promise<CatalogMap>;
  /** Load the encoders of these modalities now (e.g. when a search box opens), reporting their bytes. */
  warmUp(modalities: Modality[], onProgress?: ProgressListener): Promise<void>;
  /** Decoded vectors of catalog items in one modality, in `ids` order; null for an unknown id or an item without that vector. */
  catalogVectors(ids: string[], modality: Modality): Promise<(Float32Array | null)[]>;
  /** Score `query` against the loaded catalog's vectors of `modality` (dot product) and return the top `k` item ids. */
  rankCatalog(query: Float32Array, modality: Modality, k: number): Promise<CatalogRankResult>;
  /**
   * Record what the user did with an item (stored only in this browser's IndexedDB). An item the
   * catalog lacks needs `extra.content`: it is embedded here once (OffCatalogContent); without
   * content, or with content the encoders refuse, it rejects (InvalidRequestError,
   * EncoderInputError) and nothing is stored. A `review` (`extra.text`) is embedded with the
   * text encoder and read by the sentiment head: the answer says its polarity; a blank or too
   * long text rejects with an EncoderInputError (`empty-text`, `text-too-long`), a missing head
   * with `[sentiment-unavailable]`, and nothing is stored.
   */
  track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<TrackResult>;
  /** Top-k items with an explanation each. Rejects with an InvalidRequestError naming the bad field. */
  recommend(request: RecommendRequest): Promise<RecommendedItem[]>;
  /** Embed a text, image or sound the user gives, keep it in the profile, and rank the catalog by it. */
  searchByExample(input: ExampleInput, k: number): Promise<{ exampleId: string; items: RecommendedItem[] }>;
  /** Everything stored about the user, as JSON. */
  exportProfile(): Promise<ProfileExport>;
  /** Delete the whole profile database (events, examples, personal model). */
  forgetProfile(): Promise<ProfileSummary>;
  profileSummary(): Promise<ProfileSummary>;
  /** Live tensor count, for leak tests. */
  tensorCount(): Promise<number>;
}
