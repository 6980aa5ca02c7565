import type {
  BackendReport,
  CatalogRankResult,
  CatalogSummary,
  EmbedBenchmarkOptions,
  EmbedBenchmarkRow,
  EngineApi,
  EngineConfig,
  Int8RankBenchmarkRow,
  IvfSearchRequest,
  IvfSearchSummary,
  ModelCheck,
  RankBenchmarkRow,
  RankResult,
  RecommendBenchmarkOptions,
  RecommendBenchmarkRow,
} from '../protocol/engine-api.ts';
import type { BackendName } from '../protocol/backend-name.ts';
import { fetchAssetManifest, type AssetManifest } from './assets/asset-manifest.ts';
import { checkModels } from './assets/check-models.ts';
import { useLocalWasm } from './backends/activate-backend.ts';
import { forgetRememberedChoices } from './backends/remembered-choice.ts';
import { BackendLifecycle, DEFAULT_PROBE_ITEMS } from './backend-lifecycle.ts';
import { benchmarkEmbedding, benchmarkRanking, benchmarkRecommend, loseWebGpuDevice, tensorCount, type DiagnosticsContext } from './engine-diagnostics.ts';
import { benchmarkInt8Rankers } from './ranking/benchmark-int8-rankers.ts';
import { IvfService } from './ivf/ivf-service.ts';
import type { Int8Ranker } from './ranking/int8-matrix.ts';
import { ItemMatrix } from './ranking/item-matrix.ts';
import { scoreTopK } from './ranking/score-top-k.ts';
import { SerialQueue } from './serial-queue.ts';
import { BrowserEncoders } from './encoders/browser-encoders.ts';
import { embedWith } from './encoders/embed-with.ts';
import { EncoderInputError } from '../shared/encoder-input-error.ts';
import type { Embedding, Modality } from '../protocol/embedding.ts';
import type { VideoEmbedding } from '../protocol/video-embedding.ts';
import { MAX_EXAMPLE_VIDEO_BYTES, MAX_EXAMPLE_VIDEO_SECONDS, MAX_REVIEW_CHARS } from '../protocol/limits.ts';
import { loadSentimentHead } from './sentiment/load-sentiment-head.ts';
import { headMatches, positiveProbability, SentimentHeadError, type SentimentHead } from './sentiment/sentiment-head.ts';
import { isModality } from './catalog/catalog-manifest.ts';
import { loadCatalogFiles } from './catalog/fetch-catalog.ts';
import { LoadedCatalog } from './catalog/loaded-catalog.ts';
import type { LoadedCatalogFiles } from './catalog/fetch-catalog.ts';
import { recommenderCatalog } from './recommend/recommender-catalog.ts';
import { InvalidRequestError, OnDeviceRecommender } from './recommend/on-device-recommender.ts';
import { embedOffCatalogContent } from './encoders/embed-off-catalog-content.ts';
import { DEFAULT_DB_NAME, openProfileStore, profileStoreErrorCode, type ProfileStore } from './store/profile-store.ts';
import { PROFILE_FORGET_CHANNEL, type ProfileForgottenMessage } from '../protocol/profile-forget-channel.ts';
import { MemoryProfileStore } from './store/memory-profile-store.ts';
import type { ProfileExport } from '../protocol/profile.ts';
import type { CatalogItemCard, CatalogMap } from '../protocol/catalog-view.ts';
import type { ProgressListener } from '../protocol/progress.ts';
import { catalogItemCard } from './catalog/item-card.ts';
import { buildCatalogMap } from './recommend/catalog-map.ts';
import { ByteProgress } from './progress/byte-progress.ts';
import { releaseListener, safeListener } from './progress/safe-listener.ts';
import { PreloadedCatalog } from './catalog/preloaded-catalog.ts';
import {
  FUSION_HEADS,
  MAX_EXAMPLE_AUDIO_SECONDS,
  type ExampleInput,
  type ProfileSummary,
  type RecommendRequest,
  type RecommendedItem,
  type TrackExtra,
  type TrackResult,
  type TrackedEventType,
} from '../protocol/recommend.ts';
import { MAX_K } from '../protocol/recommend.ts';
import { shopperPrivacy } from './catalog/signals-privacy.ts';

/** The worker-side engine. Every public method runs through one queue, so backend switches never race a call. */
export class Engine implements EngineApi {
  private readonly queue = new SerialQueue();
  /** The one list of what lives on the tfjs backend: released on every switch and on a lost device. */
  private readonly backends = new BackendLifecycle(this.queue, {
    release: () => {
      this.items?.release(true);
      this.catalog?.release(true);
      this.recommender?.catalog.space.release(true);
    },
    disposeEncoders: async () => {
      await this.encoders?.disposeAll();
    },
  });
  private assetsBaseUrl = '';
  private manifest: AssetManifest | undefined;
  private items: ItemMatrix | undefined;
  private catalog: LoadedCatalog | undefined;
  private encoders: BrowserEncoders | undefined;
  private onnxText: EngineConfig['textEncoder'];
  private recommender: OnDeviceRecommender | undefined;
  /** The loaded catalog's map, made on first request. */
  private map: CatalogMap | undefined;
  private store: Promise<ProfileStore> | undefined;
  private config: EngineConfig = {};
  /** A catalog fetched while the backends were measured (`EngineConfig.preloadCatalog`). */
  private preloaded: PreloadedCatalog | undefined;
  /** The newest loadCatalog's downloads, aborted when a newer one is asked for. */
  private catalogLoad: (AbortController & { url: string }) | undefined;
  /** Where forgetting the profile is announced to the origin's other engines. */
  private forgetChannel: BroadcastChannel | undefined;
  private ivf: IvfService | undefined;
  /** The review sentiment head, fetched on the first review. */
  private sentimentHead: Promise<SentimentHead> | undefined;

  init(config: EngineConfig, onProgress?: ProgressListener): Promise<BackendReport> {
    const progress = safeListener(onProgress);
    return this.queue
      .run(async () => {
        if (this.backends.started) throw new Error('engine is already initialised');
        if (config.fusionHead !== undefined && !(FUSION_HEADS as readonly string[]).includes(config.fusionHead)) {
          throw new RangeError(`fusionHead must be one of ${FUSION_HEADS.join(', ')}, got ${JSON.stringify(config.fusionHead)}`);
        }
        const stallMs = config.catalogStallMs;
        if (stallMs !== undefined && !(typeof stallMs === 'number' && stallMs > 0 && Number.isFinite(stallMs)))
          throw new RangeError(`catalogStallMs must be a number of ms > 0, got ${String(stallMs)}`);
        this.config = config;
        this.listenForForget();
        this.assetsBaseUrl = config.assetsBaseUrl ?? new URL('/', self.location.href).href;
        useLocalWasm(this.assetsBaseUrl);
        if (config.preloadCatalog) {
          this.preloaded = new PreloadedCatalog(new URL(config.preloadCatalog, this.assetsBaseUrl).href, config.catalogStallMs);
        }
        this.manifest = await fetchAssetManifest(this.assetsBaseUrl, new ByteProgress(progress, 'assets', 'model asset manifest'));
        this.onnxText = config.textEncoder;
        this.encoders = new BrowserEncoders(this.assetsBaseUrl, this.onnxText);
        return this.backends.start(
          {
            override: config.backend,
            remember: config.rememberBackend !== false,
            probeItems: config.probeItems ?? DEFAULT_PROBE_ITEMS,
            assetsBaseUrl: this.assetsBaseUrl,
          },
          progress,
        );
      })
      .finally(() => releaseListener(onProgress));
  }

  backendReport(): Promise<BackendReport> {
    return this.queue.run(async () => this.backends.requireReport());
  }

  setItemVectors(vectors: Float32Array, dims: number): Promise<void> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      const next = new ItemMatrix(vectors, dims);
      this.items?.release(true);
      this.items = next;
      next.onBackend();
    });
  }

  rank(query: Float32Array, k: number): Promise<RankResult> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      const items = this.items;
      if (!items) throw new Error('no item vectors loaded: call setItemVectors first');
      checkQuery(query, items.dims, k, 'the items');
      return this.backends.servingThroughDeviceLoss(async () => ({
        ...(await scoreTopK(items.onBackend(), query, k)),
        backend: this.backends.requireReport().backend,
      }));
    });
  }

  checkModels(): Promise<ModelCheck[]> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      if (!this.manifest) throw new Error('engine: the asset manifest is missing after init');
      return checkModels(this.manifest, this.assetsBaseUrl);
    });
  }

  benchmarkRanking(options: { items: number; dims: number; k: number; runs: number; backends?: BackendName[] }): Promise<RankBenchmarkRow[]> {
    return this.queue.run(() => benchmarkRanking(this.diagnostics(), options));
  }

  benchmarkInt8Ranking(options: {
    items: number;
    dims: number;
    k: number;
    runs: number;
    rankers?: string[];
    maxRunMs?: number;
  }): Promise<Int8RankBenchmarkRow[]> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      return benchmarkInt8Rankers(options);
    });
  }

  ivfSearch(request: IvfSearchRequest): Promise<IvfSearchSummary> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      if (typeof request !== 'object' || request === null || typeof request.indexUrl !== 'string')
        throw new TypeError('ivfSearch: expected { indexUrl, query, k }');
      this.ivf ??= new IvfService(() => this.backends.int8Ranker());
      return this.ivf.search(request, this.assetsBaseUrl);
    });
  }

  embedText(texts: string[]): Promise<Embedding> {
    requireBatch(texts, 'texts');
    return this.queue.run(() => this.backends.servingThroughDeviceLoss(() => this.requireEncoders().embedText(texts)));
  }

  embedImages(files: ArrayBuffer[]): Promise<Embedding> {
    requireBatch(files, 'image files');
    return this.queue.run(() => this.backends.servingThroughDeviceLoss(() => this.requireEncoders().embedImages(files)));
  }

  embedAudio(files: ArrayBuffer[]): Promise<Embedding> {
    requireBatch(files, 'audio files');
    return this.queue.run(() => this.backends.servingThroughDeviceLoss(() => this.requireEncoders().embedAudio(files)));
  }
  embedVideo(file: ArrayBuffer): Promise<VideoEmbedding> {
    if (!(file instanceof ArrayBuffer)) throw new RangeError('embedVideo: expected an ArrayBuffer');
    // The same limits as a search example: they bound the work one call costs.
    return this.queue.run(() =>
      this.backends.servingThroughDeviceLoss(() =>
        this.requireEncoders().embedVideo(file, { maxBytes: MAX_EXAMPLE_VIDEO_BYTES, maxSeconds: MAX_EXAMPLE_VIDEO_SECONDS }),
      ),
    );
  }

  benchmarkEmbedding(options: EmbedBenchmarkOptions): Promise<EmbedBenchmarkRow[]> {
    return this.queue.run(() => benchmarkEmbedding(this.diagnostics(), options));
  }

  benchmarkRecommend(options: RecommendBenchmarkOptions): Promise<RecommendBenchmarkRow[]> {
    return this.queue.run(() => benchmarkRecommend(this.diagnostics(), this.requireRecommender(), options));
  }

  loadCatalog(url: string, onProgress?: ProgressListener): Promise<CatalogSummary> {
    // A newer load of another catalog makes an older one still downloading (or waiting) pointless: stop its downloads.
    if (this.catalogLoad && this.catalogLoad.url !== url)
      this.catalogLoad.abort(new DOMException(`loadCatalog(${JSON.stringify(url)}) replaced this load`, 'AbortError'));
    const load = Object.assign(new AbortController(), { url });
    this.catalogLoad = load;
    return this.queue
      .run(async () => {
        this.backends.requireReport();
        if (typeof url !== 'string' || url.trim() === '') throw new TypeError('loadCatalog: expected the catalog folder URL');
        const started = performance.now();
        const files = await this.catalogFiles(new URL(url, this.assetsBaseUrl).href, onProgress, load.signal);
        const next = new LoadedCatalog(files);
        let ranked: ReturnType<typeof recommenderCatalog>;
        try {
          // After a device loss the retry must not reuse a tensor of the lost backend: release first.
          await this.backends.servingThroughDeviceLoss(async () => {
            next.release(true);
            next.upload();
          });
          // Made before the swap: a learned model that does not fit its config fails here, and the catalog in use stays.
          ranked = recommenderCatalog(files, next.sharedSpace, this.config.fusionHead);
        } catch (error) {
          next.dispose();
          throw error;
        }
        this.catalog?.dispose();
        this.catalog = next;
        this.map = undefined;
        this.recommender?.catalog.space.release(true);
        // The catalog's SharedSpace: disposed with that catalog, which is replaced together with this recommender.
        this.recommender = new OnDeviceRecommender(
          ranked,
          () => this.profileStore(),
          (itemId, content, modalities) =>
            // Already on the queue (inside track); the encoders load only now, for the first off-catalog item.
            this.backends.servingThroughDeviceLoss(() => embedOffCatalogContent(itemId, content, modalities, this.requireEncoders(), self.location.origin)),
          () => this.backends.int8Ranker(),
        );
        const { manifest } = files;
        const modalities = next.modalities.map((modality) => {
          const file = manifest.vectorFiles[modality]!;
          return {
            modality,
            count: file.count,
            dims: file.dims,
            format: file.format,
            bytes: file.bytes,
            fromCache: files.fromCache[modality] ?? false,
            encoder: manifest.encoders[modality]!,
          };
        });
        return {
          name: manifest.name,
          url: files.baseUrl,
          itemCount: manifest.items.length,
          modalities,
          bytes: modalities.reduce((sum, m) => sum + m.bytes, 0),
          bytesFetched: files.bytesFetched,
          fromCache: modalities.length > 0 && modalities.every((m) => m.fromCache),
          loadMs: performance.now() - started,
          notices: files.notices,
          shopperEvents: manifest.signals?.events ?? 0,
          ...shopperPrivacy(manifest.signals?.privacy),
        };
      })
      .finally(() => {
        if (this.catalogLoad === load) this.catalogLoad = undefined;
        releaseListener(onProgress);
      });
  }

  catalogItems(): Promise<CatalogItemCard[]> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      const catalog = this.catalog;
      if (!catalog) throw new Error('catalogItems: no catalog loaded: call loadCatalog first');
      return catalog.manifest.items.map((item) => catalogItemCard(catalog.baseUrl, item));
    });
  }

  catalogMap(): Promise<CatalogMap> {
    return this.queue.run(async () => {
      this.backends.requireReport();
      if (!this.recommender) throw new Error('catalogMap: no catalog loaded: call loadCatalog first');
      this.map ??= buildCatalogMap(this.recommender.catalog.space);
      return this.map;
    });
  }

  warmUp(modalities: Modality[], onProgress?: ProgressListener): Promise<void> {
    return this.queue
      .run(async () => {
        const encoders = this.requireEncoders();
        if (!Array.isArray(modalities)) throw new TypeError('warmUp: expected an array of modalities (text, image, audio)');
        for (const modality of modalities) {
          if (!isModality(modality)) throw new RangeError(`warmUp: unknown modality ${JSON.stringify(modality)} (expected text, image or audio)`);
        }
        await this.backends.servingThroughDeviceLoss(() => encoders.warmUp(modalities, onProgress));
      })
      .finally(() => releaseListener(onProgress));
  }

  catalogVectors(ids: string[], modality: Modality): Promise<(Float32Array | null)[]> {
    return this.queue.run(async () => {
      const catalog = this.requireCatalog(modality);
      if (!Array.isArray(ids)) throw new TypeError('catalogVectors: expected an array of item ids');
      return ids.map((id) => catalog.vector(id, modality));
    });
  }

  rankCatalog(query: Float32Array, modality: Modality, k: number): Promise<CatalogRankResult> {
    return this.queue.run(async () => {
      const catalog = this.requireCatalog(modality);
      const { dims } = catalog.shape(modality);
      checkQuery(query, dims, k, `the catalog's ${modality} vectors`);
      return this.backends.servingThroughDeviceLoss(async () => {
        const backend = this.backends.requireReport().backend;
        const matrix = catalog.onBackend(modality);
        if (!matrix) return { ids: [], scores: [], backend };
        const top = await scoreTopK(matrix, query, k);
        return { ids: top.indices.map((row) => catalog.item(catalog.itemOfRow(modality, row))!.id), scores: top.scores, backend };
      });
    });
  }

  loseWebGpuDeviceForTesting(): Promise<boolean> {
    return this.queue.run(() => loseWebGpuDevice(this.backends));
  }

  configureDecodingForTesting(changes: { timeoutMs?: number; inWorker?: boolean }): Promise<{ timeoutMs: number; inWorker: boolean }> {
    return this.queue.run(async () => {
      const { timeoutMs, inWorker } = changes ?? {};
      if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0))
        throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
      if (inWorker !== undefined && typeof inWorker !== 'boolean') throw new RangeError('inWorker must be true or false');
      return this.requireEncoders().configureDecoding({ ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(inWorker !== undefined ? { inWorker } : {}) });
    });
  }

  track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<TrackResult> {
    return this.queue.run(async () => {
      const recommender = this.requireRecommender();
      if (type !== 'review') return recommender.track(type, itemId, extra);
      const text = checkReviewText(extra?.text);
      const sentiment = await this.backends.servingThroughDeviceLoss(() => this.reviewSentiment(text));
      return recommender.track(type, itemId, extra, sentiment);
    });
  }

  /** A review's P(positive): its text-encoder vector through the sentiment head (which must read that encoder's vectors). */
  private async reviewSentiment(text: string): Promise<number> {
    const embedding = await this.requireEncoders().embedText([text]);
    this.sentimentHead ??= loadSentimentHead(this.assetsBaseUrl);
    const head = await this.sentimentHead.catch((error: unknown) => {
      this.sentimentHead = undefined;
      throw error;
    });
    if (!headMatches(head, embedding.encoder)) {
      const e = embedding.encoder;
      throw new SentimentHeadError(
        `the sentiment head reads ${head.encoder.name}@${head.encoder.version} vectors (${head.encoder.dims} dims); this engine's text encoder is ${e.name}@${e.version} (${e.dims} dims)`,
      );
    }
    return positiveProbability(head, embedding.vectors[0]!);
  }

  recommend(request: RecommendRequest): Promise<RecommendedItem[]> {
    return this.queue
      .run(async () => {
        const recommender = this.requireRecommender();
        return this.backends.servingThroughDeviceLoss(() => recommender.recommend(request));
      })
      .finally(() => this.backends.startBackgroundRemeasure());
  }

  /** The int8 ranking kernel chosen at start-up (IVF partitions, int8 item vectors). */
  int8Ranker(): Int8Ranker {
    return this.backends.int8Ranker();
  }

  /** The catalog's files: the preloaded fetch when it is this URL and succeeded, else a fresh load. */
  private async catalogFiles(url: string, onProgress: ProgressListener | undefined, signal: AbortSignal): Promise<LoadedCatalogFiles> {
    const preloaded = this.preloaded;
    this.preloaded = undefined;
    if (preloaded && preloaded.url !== url) preloaded.abort();
    if (preloaded?.url === url) {
      preloaded.attach(safeListener(onProgress));
      try {
        return await preloaded.files;
      } catch {
        // fetched again below, so the error (if it persists) comes with this call's progress
      }
    }
    const stallMs = this.config.catalogStallMs;
    return loadCatalogFiles(url, { onProgress: safeListener(onProgress), signal, ...(stallMs ? { stallMs } : {}) });
  }

  searchByExample(input: ExampleInput, k: number): Promise<{ exampleId: string; items: RecommendedItem[] }> {
    return this.queue.run(async () => {
      const recommender = this.requireRecommender();
      if (typeof input !== 'object' || input === null)
        throw new InvalidRequestError('searchByExample: expected { text } or { image: Blob } or { audio: Blob } or { video: Blob }');
      const encoders = this.requireEncoders();
      if ('video' in input && input.video instanceof Blob) return this.searchByVideo(input.video, k, encoders, recommender);
      const example = exampleOf(input);
      return this.backends.servingThroughDeviceLoss(async () => {
        const input = example.input instanceof Blob ? await example.input.arrayBuffer() : example.input;
        // Only a sound the user gives is capped (the catalog's own sounds are not): the limit bounds the work one search costs.
        const embedding =
          example.modality === 'audio'
            ? await encoders.embedAudio([input as ArrayBuffer], { maxSeconds: MAX_EXAMPLE_AUDIO_SECONDS })
            : await embedWith(encoders, example.modality, [input]);
        return recommender.searchByExample({ modality: example.modality, vector: embedding.vectors[0]!, encoder: embedding.encoder, label: example.label }, k);
      });
    });
  }

  /**
   * A video example: its key frames pooled (an image vector) and its soundtrack (an audio
   * vector) rank the catalog together; both are stored only once the whole video was embedded,
   * so a refused video (EncoderInputError: too long, too large, damaged, undecodable) stores nothing.
   */
  private searchByVideo(
    blob: Blob,
    k: number,
    encoders: BrowserEncoders,
    recommender: OnDeviceRecommender,
  ): Promise<{ exampleId: string; items: RecommendedItem[] }> {
    const label = blob instanceof File ? blob.name : 'your video';
    if (blob.size > MAX_EXAMPLE_VIDEO_BYTES) {
      throw new EncoderInputError(
        'too-large',
        `${label}: the file is ${(blob.size / 1048576).toFixed(1)} MB; the limit is ${(MAX_EXAMPLE_VIDEO_BYTES / 1048576).toFixed(0)} MB`,
      );
    }
    return this.backends.servingThroughDeviceLoss(async () => {
      const video = await encoders.embedVideo(await blob.arrayBuffer(), { maxBytes: MAX_EXAMPLE_VIDEO_BYTES, maxSeconds: MAX_EXAMPLE_VIDEO_SECONDS }, label);
      const soundtrack = video.audio
        ? [{ modality: 'audio' as const, vector: video.audio.vectors[0]!, encoder: video.audio.encoder, label: `${label} (soundtrack)` }]
        : [];
      return recommender.searchByExample({ modality: 'image', vector: video.image.vectors[0]!, encoder: video.image.encoder, label }, k, soundtrack);
    });
  }

  exportProfile(): Promise<ProfileExport> {
    return this.queue.run(async () => (await this.profileStore()).exportData());
  }

  forgetProfile(): Promise<ProfileSummary> {
    return this.queue.run(async () => {
      const store = await this.profileStore();
      await store.forget();
      this.recommender?.resetPersonal();
      // The backend measured on this device goes too; every other engine of the origin drops what it holds in memory.
      await forgetRememberedChoices();
      this.forgetChannel?.postMessage({ dbName: store.dbName } satisfies ProfileForgottenMessage);
      return this.summaryOf(store);
    });
  }

  profileSummary(): Promise<ProfileSummary> {
    return this.queue.run(async () => {
      return this.summaryOf(await this.profileStore());
    });
  }

  tensorCount(): Promise<number> {
    return Promise.resolve(tensorCount());
  }

  private requireRecommender(): OnDeviceRecommender {
    this.backends.requireReport();
    if (!this.recommender) throw new Error('no catalog loaded: call loadCatalog first');
    return this.recommender;
  }

  /** The profile database, opened once per worker (a failure is retried on the next call). */
  private profileStore(): Promise<ProfileStore> {
    this.store ??= openProfileStore({ dbName: this.config.profileName }).catch((error: unknown) => {
      // IndexedDB unusable here (blocked, sandboxed, a newer database, no room): keep the profile in memory and say so.
      const code = profileStoreErrorCode(error);
      if (code === 'unavailable' || code === 'quota-exceeded') return new MemoryProfileStore({ dbName: this.config.profileName }, (error as Error).message);
      this.store = undefined; // another tab holds it: retried on the next call
      throw error;
    });
    return this.store;
  }

  /** Another tab or worker deleted this profile: drop the personal model, the last-shown list and the pending events held here. */
  private listenForForget(): void {
    if (typeof BroadcastChannel !== 'function') return;
    this.forgetChannel = new BroadcastChannel(PROFILE_FORGET_CHANNEL);
    this.forgetChannel.onmessage = (event: MessageEvent<ProfileForgottenMessage>) => {
      void this.queue.run(async () => {
        const store = await this.store?.catch(() => undefined);
        if (event.data?.dbName !== (store?.dbName ?? this.config.profileName ?? DEFAULT_DB_NAME)) return;
        this.recommender?.resetPersonal();
        if (store instanceof MemoryProfileStore) await store.forget();
        else store?.dropPending();
      });
    };
  }

  /** What is stored, and a notice when it is kept only in this worker's memory. */
  private async summaryOf(store: ProfileStore): Promise<ProfileSummary> {
    const summary: ProfileSummary = { ...(await store.counts()), pending: store.pendingCount() };
    if (store.skippedRecords > 0) summary.skippedRecords = store.skippedRecords;
    if (store instanceof MemoryProfileStore) {
      summary.notice = `This browser does not let the site keep a profile (${store.reason.replace(/^\[[a-z-]+\] /, '')}), so what you do here is remembered only until the page closes.`;
    }
    return summary;
  }

  private requireEncoders(): BrowserEncoders {
    this.backends.requireReport();
    if (!this.encoders) throw new Error('engine: the encoders are missing after init');
    return this.encoders;
  }

  private requireCatalog(modality: Modality): LoadedCatalog {
    this.backends.requireReport();
    if (!this.catalog) throw new Error('no catalog loaded: call loadCatalog first');
    if (!isModality(modality)) throw new RangeError(`unknown modality ${JSON.stringify(modality)} (expected text, image or audio)`);
    if (!this.catalog.hasModality(modality)) this.catalog.shape(modality); // throws, naming the modalities it has
    return this.catalog;
  }

  /** What the benchmarks and test hooks work with. */
  private diagnostics(): DiagnosticsContext {
    return { backends: this.backends, assetsBaseUrl: this.assetsBaseUrl, onnxText: this.onnxText, ownEncoders: () => this.encoders };
  }
}

/** A ranking query must match the vectors' dims and be finite; k must be sensible. */
function checkQuery(query: Float32Array, dims: number, k: number, what: string): void {
  if (!(query instanceof Float32Array) || query.length !== dims) {
    throw new RangeError(`query must be a Float32Array of ${dims} values (the dims of ${what}), got ${query?.length}`);
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new RangeError(`k must be an integer from 1 to ${MAX_K}, got ${k}`);
  if (!query.every(Number.isFinite)) throw new RangeError('query contains NaN or Infinity');
}

/** A review's words, or an EncoderInputError (`empty-text`, `text-too-long`) before anything is embedded or stored. */
function checkReviewText(text: unknown): string {
  if (typeof text !== 'string' || text.trim().length === 0) throw new EncoderInputError('empty-text', 'the review is empty: write a few words about the item');
  if (text.length > MAX_REVIEW_CHARS)
    throw new EncoderInputError('text-too-long', `the review is ${text.length} characters long; the limit is ${MAX_REVIEW_CHARS}`);
  return text;
}

function requireBatch<T>(inputs: T[], what: string): T[] {
  if (!Array.isArray(inputs) || inputs.length === 0) throw new RangeError(`${what}: expected a non-empty array`);
  return inputs;
}

/** The modality, the encoder input and a label to show back, of a `searchByExample` input. */
function exampleOf(input: ExampleInput): { modality: Modality; input: string | Blob; label: string } {
  if ('text' in input && typeof input.text === 'string') return { modality: 'text', input: input.text, label: input.text.slice(0, 200) };
  for (const modality of ['image', 'audio'] as const) {
    const blob = (input as Partial<Record<typeof modality, unknown>>)[modality];
    if (blob instanceof Blob) return { modality, input: blob, label: blob instanceof File ? blob.name : `your ${modality === 'image' ? 'image' : 'sound'}` };
  }
  throw new InvalidRequestError('searchByExample: expected { text: string } or { image: Blob } or { audio: Blob }');
}
