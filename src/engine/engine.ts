import * as tf from '@tensorflow/tfjs';
import type {
  BackendCandidate,
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
import { BACKEND_NAMES, type BackendName } from '../protocol/backend-name.ts';
import { fetchAssetManifest, type AssetManifest } from './assets/asset-manifest.ts';
import { checkModels } from './assets/check-models.ts';
import { activateBackend, useLocalWasm } from './backends/activate-backend.ts';
import { chooseBackend } from './backends/choose-backend.ts';
import { describeCandidate } from '../protocol/describe-backend-candidate.ts';
import { makeProbeData, probeBackend, type ProbeData } from './backends/probe-backend.ts';
import { chooseAtStartUp, mergeCandidates, rememberedRecord } from './backends/start-up-choice.ts';
import { chooseInt8Ranker } from './backends/probe-int8-rankers.ts';
import { forgetRememberedChoices, rememberChoice } from './backends/remembered-choice.ts';
import { measureInBackground } from './backends/measure-in-background.ts';
import { benchmarkInt8Rankers } from './ranking/benchmark-int8-rankers.ts';
import { IvfService } from './ivf/ivf-service.ts';
import { int8Ranker, isInt8RankerName, type Int8RankerName } from './ranking/int8-rankers.ts';
import type { Int8Ranker } from './ranking/int8-matrix.ts';
import { seededUnitVectors } from './backends/seeded-vectors.ts';
import { summarize, timeRuns, timeRunsWithin } from './backends/timing-stats.ts';
import { ItemMatrix } from './ranking/item-matrix.ts';
import { scoreTopK } from './ranking/score-top-k.ts';
import { SerialQueue } from './serial-queue.ts';
import { BrowserEncoders } from './encoders/browser-encoders.ts';
import { EncoderInputError } from '../shared/encoder-input-error.ts';
import type { Embedding, Modality } from '../protocol/embedding.ts';
import type { VideoEmbedding } from '../protocol/video-embedding.ts';
import { MAX_EXAMPLE_VIDEO_BYTES, MAX_EXAMPLE_VIDEO_SECONDS } from '../protocol/limits.ts';
import { isModality } from './catalog/catalog-manifest.ts';
import { loadCatalogFiles } from './catalog/fetch-catalog.ts';
import { LoadedCatalog } from './catalog/loaded-catalog.ts';
import type { LoadedCatalogFiles } from './catalog/fetch-catalog.ts';
import { recommenderCatalog } from './recommend/recommender-catalog.ts';
import { InvalidRequestError, OnDeviceRecommender } from './recommend/on-device-recommender.ts';
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
import { FUSION_HEADS, MAX_EXAMPLE_AUDIO_SECONDS, type ExampleInput, type ProfileSummary, type RecommendRequest, type RecommendedItem, type TrackExtra, type TrackedEventType } from '../protocol/recommend.ts';
import { MAX_K } from '../protocol/recommend.ts';
import { shopperPrivacy } from './catalog/signals-privacy.ts';

/** Rows of the start-up probe (× 256 dims): enough to tell backends apart, small enough not to delay start-up. */
const DEFAULT_PROBE_ITEMS = 10_000;

/** The worker-side engine. Every public method runs through one queue, so backend switches never race a call. */
export class Engine implements EngineApi {
  private readonly queue = new SerialQueue();
  private assetsBaseUrl = '';
  private manifest: AssetManifest | undefined;
  private report: BackendReport | undefined;
  private candidates: BackendCandidate[] = [];
  private items: ItemMatrix | undefined;
  private catalog: LoadedCatalog | undefined;
  private probeItems = DEFAULT_PROBE_ITEMS;
  private encoders: BrowserEncoders | undefined;
  private onnxText: EngineConfig['textEncoder'];
  private recommender: OnDeviceRecommender | undefined;
  /** The loaded catalog's map, made on first request. */
  private map: CatalogMap | undefined;
  private store: Promise<ProfileStore> | undefined;
  private config: EngineConfig = {};
  /** Set by the WebGPU device's `lost` promise, before the fallback runs. */
  private deviceLost: string | undefined;
  /** The int8 ranking kernel chosen by the start-up probe. */
  private int8: Int8Ranker | undefined;
  /** What to measure in the background after the first recommendation, and this browser's key for remembering. */
  private remeasure: { backends: BackendName[]; int8: Int8RankerName[]; key: string; remember: boolean } | undefined;
  /** A catalog fetched while the backends were measured (`EngineConfig.preloadCatalog`). */
  private preloaded: PreloadedCatalog | undefined;
  private readonly probeData = new Map<number, ProbeData>();
  /** Where forgetting the profile is announced to the origin's other engines. */
  private forgetChannel: BroadcastChannel | undefined;
  private ivf: IvfService | undefined;

  init(config: EngineConfig, onProgress?: ProgressListener): Promise<BackendReport> {
    const progress = safeListener(onProgress);
    return this.queue.run(async () => {
      if (this.report) throw new Error('engine is already initialised');
      if (config.fusionHead !== undefined && !(FUSION_HEADS as readonly string[]).includes(config.fusionHead)) {
        throw new RangeError(`fusionHead must be one of ${FUSION_HEADS.join(', ')}, got ${JSON.stringify(config.fusionHead)}`);
      }
      this.config = config;
      this.listenForForget();
      this.assetsBaseUrl = config.assetsBaseUrl ?? new URL('/', self.location.href).href;
      this.probeItems = config.probeItems ?? DEFAULT_PROBE_ITEMS;
      useLocalWasm(this.assetsBaseUrl);
      if (config.preloadCatalog) {
        this.preloaded = new PreloadedCatalog(new URL(config.preloadCatalog, this.assetsBaseUrl).href);
      }
      this.manifest = await fetchAssetManifest(this.assetsBaseUrl, new ByteProgress(progress, 'assets', 'model asset manifest'));

      const remember = config.rememberBackend !== false;
      const started = await chooseAtStartUp({
        override: config.backend,
        remember,
        probeItems: this.probeItems,
        now: Date.now(),
        probeBackend: async (name, items, runs) => {
          const candidate = await probeBackend(name, this.probeDataOf(items), runs);
          progress?.({ stage: 'backends', label: `${name} backend`, loadedBytes: 0, done: true });
          return candidate;
        },
      });
      this.candidates = started.candidates;
      const kernel = await int8Ranker(started.int8Ranker);
      this.int8 = 'problem' in kernel ? (await int8Ranker('js') as Int8Ranker) : kernel;
      if (started.remeasure.backends.length + started.remeasure.int8.length > 0) this.remeasure = { ...started.remeasure, key: started.key, remember };
      if (started.rememberNow) void rememberChoice(rememberedRecord(started.key, started.choice.backend, started.int8Ranker, started.candidates, started.int8Candidates, Date.now()));
      const choice = started.choice;
      await this.switchTo(choice.backend);
      this.onnxText = config.textEncoder;
      this.encoders = new BrowserEncoders(this.assetsBaseUrl, this.onnxText);
      this.report = { ...choice, candidates: this.candidates, int8: { ranker: this.int8.name, candidates: started.int8Candidates } };
      return this.report;
    }).finally(() => releaseListener(onProgress));
  }

  backendReport(): Promise<BackendReport> {
    return this.queue.run(async () => this.requireReport());
  }

  setItemVectors(vectors: Float32Array, dims: number): Promise<void> {
    return this.queue.run(async () => {
      this.requireReport();
      const next = new ItemMatrix(vectors, dims);
      this.items?.release(true);
      this.items = next;
      next.onBackend();
    });
  }

  rank(query: Float32Array, k: number): Promise<RankResult> {
    return this.queue.run(async () => {
      this.requireReport();
      const items = this.items;
      if (!items) throw new Error('no item vectors loaded: call setItemVectors first');
      checkQuery(query, items.dims, k, 'the items');
      return this.servingThroughDeviceLoss(async () => ({ ...(await scoreTopK(items.onBackend(), query, k)), backend: this.report!.backend }));
    });
  }

  checkModels(): Promise<ModelCheck[]> {
    return this.queue.run(async () => {
      this.requireReport();
      return checkModels(this.manifest!, this.assetsBaseUrl);
    });
  }

  benchmarkRanking(options: { items: number; dims: number; k: number; runs: number; backends?: BackendName[] }): Promise<RankBenchmarkRow[]> {
    return this.queue.run(async () => {
      const report = this.requireReport();
      const names = options.backends ?? this.candidates.filter((c) => c.available && c.correct !== false).map((c) => c.name);
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
        await this.switchTo(report.backend);
      }
      return rows;
    });
  }

  benchmarkInt8Ranking(options: { items: number; dims: number; k: number; runs: number; rankers?: string[]; maxRunMs?: number }): Promise<Int8RankBenchmarkRow[]> {
    return this.queue.run(async () => {
      this.requireReport();
      return benchmarkInt8Rankers(options);
    });
  }

  ivfSearch(request: IvfSearchRequest): Promise<IvfSearchSummary> {
    return this.queue.run(async () => {
      this.requireReport();
      if (typeof request !== 'object' || request === null || typeof request.indexUrl !== 'string') throw new TypeError('ivfSearch: expected { indexUrl, query, k }');
      this.ivf ??= new IvfService(() => this.int8!);
      return this.ivf.search(request, this.assetsBaseUrl);
    });
  }

  embedText(texts: string[]): Promise<Embedding> {
    requireBatch(texts, 'texts');
    return this.queue.run(() => this.servingThroughDeviceLoss(() => this.requireEncoders().embedText(texts)));
  }

  embedImages(files: ArrayBuffer[]): Promise<Embedding> {
    requireBatch(files, 'image files');
    return this.queue.run(() => this.servingThroughDeviceLoss(() => this.requireEncoders().embedImages(files)));
  }

  embedAudio(files: ArrayBuffer[]): Promise<Embedding> {
    requireBatch(files, 'audio files');
    return this.queue.run(() => this.servingThroughDeviceLoss(() => this.requireEncoders().embedAudio(files)));
  }
  embedVideo(file: ArrayBuffer): Promise<VideoEmbedding> {
    if (!(file instanceof ArrayBuffer)) throw new RangeError('embedVideo: expected an ArrayBuffer');
    // The same limits as a search example: they bound the work one call costs.
    return this.queue.run(() => this.servingThroughDeviceLoss(() => this.requireEncoders().embedVideo(file, { maxBytes: MAX_EXAMPLE_VIDEO_BYTES, maxSeconds: MAX_EXAMPLE_VIDEO_SECONDS })));
  }

  benchmarkEmbedding(options: EmbedBenchmarkOptions): Promise<EmbedBenchmarkRow[]> {
    return this.queue.run(async () => {
      const report = this.requireReport();
      const names = options.backends ?? this.candidates.filter((c) => c.available && c.correct !== false).map((c) => c.name);
      const rows: EmbedBenchmarkRow[] = [];
      await this.encoders?.disposeAll();
      try {
        for (const name of names) {
          const problem = await activateBackend(name);
          if (problem) throw new Error(`benchmark: backend ${name}: ${problem}`);
          // A fresh encoder per backend: its weights must live on the backend being timed.
          const encoders = new BrowserEncoders(this.assetsBaseUrl, this.onnxText);
          try {
            await embedWith(encoders, options.modality, [options.inputs[0]]); // load + the encoder's own warm-up
            let msPerItem = 0;
            for (const batchSize of options.batchSizes) {
              const estimateMs = msPerItem * batchSize;
              if (options.maxBatchMs !== undefined && estimateMs > options.maxBatchMs) {
                const skipped = `not timed: about ${(estimateMs / 1000).toFixed(0)} s per batch, extrapolated from the smaller batch`;
                rows.push({ backend: name, modality: options.modality, batchSize, itemsPerSecond: (batchSize * 1000) / estimateMs, skipped, ...summarize([estimateMs]) });
                continue;
              }
              const batch = Array.from({ length: batchSize }, (_, i) => options.inputs[i % options.inputs.length]);
              const stats = await timeRunsWithin(() => embedWith(encoders, options.modality, batch), options.runs, options.maxRunMs);
              msPerItem = stats.medianMs / batchSize;
              rows.push({ backend: name, modality: options.modality, batchSize, itemsPerSecond: (batchSize * 1000) / stats.medianMs, ...stats });
            }
          } finally {
            await encoders.disposeAll();
          }
        }
      } finally {
        await this.switchTo(report.backend);
      }
      return rows;
    });
  }

  benchmarkRecommend(options: RecommendBenchmarkOptions): Promise<RecommendBenchmarkRow[]> {
    return this.queue.run(async () => {
      const report = this.requireReport();
      const recommender = this.requireRecommender();
      const names = options.backends ?? this.candidates.filter((c) => c.available && c.correct !== false).map((c) => c.name);
      const rows: RecommendBenchmarkRow[] = [];
      const request: RecommendRequest = { mode: 'for-you', k: options.k };
      await this.encoders?.disposeAll();
      try {
        for (const name of names) {
          const problem = await activateBackend(name);
          if (problem) throw new Error(`benchmark: backend ${name}: ${problem}`);
          recommender.catalog.space.release(true);
          const encoders = new BrowserEncoders(this.assetsBaseUrl, this.onnxText);
          try {
            await recommender.recommend(request, { record: false }); // uploads the item matrices
            const forYou = await timeRuns(() => recommender.recommend(request, { record: false }), options.runs);
            const row: RecommendBenchmarkRow = { backend: name, catalog: recommender.catalog.name, items: recommender.catalog.space.itemCount, forYou };
            if (options.exampleImage) {
              const image = options.exampleImage;
              const once = async () => {
                const embedding = await encoders.embedImages([image]);
                await recommender.searchByExample({ modality: 'image', vector: embedding.vectors[0]!, encoder: embedding.encoder, label: 'benchmark image' }, options.k);
                return recommender.recommend(request, { record: false });
              };
              await once(); // loads the image encoder
              row.exampleToRecs = await timeRunsWithin(once, options.exampleRuns ?? options.runs, options.maxRunMs);
            }
            rows.push(row);
          } finally {
            await encoders.disposeAll();
            recommender.catalog.space.release(true);
          }
        }
      } finally {
        await this.switchTo(report.backend);
      }
      return rows;
    });
  }

  loadCatalog(url: string, onProgress?: ProgressListener): Promise<CatalogSummary> {
    return this.queue.run(async () => {
      this.requireReport();
      if (typeof url !== 'string' || url.trim() === '') throw new TypeError('loadCatalog: expected the catalog folder URL');
      const started = performance.now();
      const files = await this.catalogFiles(new URL(url, this.assetsBaseUrl).href, onProgress);
      const next = new LoadedCatalog(files);
      try {
        // After a device loss the retry must not reuse a tensor of the lost backend: release first.
        await this.servingThroughDeviceLoss(async () => {
          next.release(true);
          next.upload();
        });
      } catch (error) {
        next.dispose();
        throw error;
      }
      this.catalog?.dispose();
      this.catalog = next;
      this.map = undefined;
      this.recommender?.catalog.space.release(true);
      // The catalog's SharedSpace: disposed with that catalog, which is replaced together with this recommender.
      this.recommender = new OnDeviceRecommender(recommenderCatalog(files, next.sharedSpace, this.config.fusionHead), () => this.profileStore());
      const { manifest } = files;
      const modalities = next.modalities.map((modality) => {
        const file = manifest.vectorFiles[modality]!;
        return { modality, count: file.count, dims: file.dims, format: file.format, bytes: file.bytes, fromCache: files.fromCache[modality] ?? false, encoder: manifest.encoders[modality]! };
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
    }).finally(() => releaseListener(onProgress));
  }

  catalogItems(): Promise<CatalogItemCard[]> {
    return this.queue.run(async () => {
      this.requireReport();
      const catalog = this.catalog;
      if (!catalog) throw new Error('catalogItems: no catalog loaded: call loadCatalog first');
      return catalog.manifest.items.map((item) => catalogItemCard(catalog.baseUrl, item));
    });
  }

  catalogMap(): Promise<CatalogMap> {
    return this.queue.run(async () => {
      this.requireReport();
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
        await this.servingThroughDeviceLoss(() => encoders.warmUp(modalities, onProgress));
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
      return this.servingThroughDeviceLoss(async () => {
        const backend = this.report!.backend;
        const matrix = catalog.onBackend(modality);
        if (!matrix) return { ids: [], scores: [], backend };
        const top = await scoreTopK(matrix, query, k);
        return { ids: top.indices.map((row) => catalog.item(catalog.itemOfRow(modality, row))!.id), scores: top.scores, backend };
      });
    });
  }

  loseWebGpuDeviceForTesting(): Promise<boolean> {
    return this.queue.run(async () => {
      if (this.requireReport().backend !== 'webgpu') return false;
      const device = webGpuDevice();
      if (!device) return false;
      device.destroy();
      await device.lost; // the loss handler then runs on the queue, before the next call
      return true;
    });
  }

  track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<{ stored: boolean; pending: number; learned: boolean }> {
    return this.queue.run(async () => this.requireRecommender().track(type, itemId, extra));
  }

  recommend(request: RecommendRequest): Promise<RecommendedItem[]> {
    return this.queue
      .run(async () => {
        const recommender = this.requireRecommender();
        return this.servingThroughDeviceLoss(() => recommender.recommend(request));
      })
      .finally(() => this.startBackgroundRemeasure());
  }

  /** The int8 ranking kernel chosen at start-up (IVF partitions, int8 item vectors). */
  int8Ranker(): Int8Ranker {
    this.requireReport();
    return this.int8!;
  }

  /**
   * After the first recommendation: measure what start-up skipped (software adapters) or what was
   * remembered too long ago, in a worker of its own (probe-worker.ts) so no call waits for it;
   * switch if another backend won, and remember the result.
   */
  private startBackgroundRemeasure(): void {
    const plan = this.remeasure;
    if (!plan) return;
    this.remeasure = undefined;
    void (async () => {
      const { candidates: measured, int8Candidates: int8Measured } = await measureInBackground({
        assetsBaseUrl: this.assetsBaseUrl,
        backends: plan.backends,
        int8: plan.int8,
        probeItems: this.probeItems,
      });
      await this.queue.run(async () => {
        const report = this.requireReport();
        if (report.mode === 'forced' || report.mode === 'fallback') return;
        this.candidates = mergeCandidates(this.candidates, measured);
        const choice = chooseBackend(this.candidates, undefined);
        const int8Candidates = mergeCandidates(report.int8?.candidates ?? [], int8Measured);
        const int8Name = chooseInt8RankerName(int8Candidates);
        const kernel = await int8Ranker(int8Name);
        if (!('problem' in kernel)) this.int8 = kernel;
        if (choice.backend !== report.backend) await this.switchTo(choice.backend);
        this.report = { ...report, ...(choice.backend !== report.backend ? choice : {}), candidates: this.candidates, int8: { ranker: this.int8!.name, candidates: int8Candidates } };
        if (plan.remember) await rememberChoice(rememberedRecord(plan.key, this.report.backend, int8Name, this.candidates, int8Candidates, Date.now()));
      });
    })().catch(() => {
      // A failed background measurement leaves the working choice as it is.
    });
  }

  /** The catalog's files: the preloaded fetch when it is this URL and succeeded, else a fresh load. */
  private async catalogFiles(url: string, onProgress: ProgressListener | undefined): Promise<LoadedCatalogFiles> {
    const preloaded = this.preloaded;
    this.preloaded = undefined;
    if (preloaded?.url === url) {
      preloaded.attach(safeListener(onProgress));
      try {
        return await preloaded.files;
      } catch {
        // fetched again below, so the error (if it persists) comes with this call's progress
      }
    }
    return loadCatalogFiles(url, { onProgress: safeListener(onProgress) });
  }

  private probeDataOf(items: number): ProbeData {
    let data = this.probeData.get(items);
    if (!data) {
      data = makeProbeData(items);
      this.probeData.set(items, data);
    }
    return data;
  }

  searchByExample(input: ExampleInput, k: number): Promise<{ exampleId: string; items: RecommendedItem[] }> {
    return this.queue.run(async () => {
      const recommender = this.requireRecommender();
      if (typeof input !== 'object' || input === null) throw new InvalidRequestError('searchByExample: expected { text } or { image: Blob } or { audio: Blob } or { video: Blob }');
      const encoders = this.requireEncoders();
      if ('video' in input && input.video instanceof Blob) return this.searchByVideo(input.video, k, encoders, recommender);
      const example = exampleOf(input);
      return this.servingThroughDeviceLoss(async () => {
        const input = example.input instanceof Blob ? await example.input.arrayBuffer() : example.input;
        // Only a sound the user gives is capped (the catalog's own sounds are not): the limit bounds the work one search costs.
        const embedding =
          example.modality === 'audio' ? await encoders.embedAudio([input as ArrayBuffer], { maxSeconds: MAX_EXAMPLE_AUDIO_SECONDS }) : await embedWith(encoders, example.modality, [input]);
        return recommender.searchByExample({ modality: example.modality, vector: embedding.vectors[0]!, encoder: embedding.encoder, label: example.label }, k);
      });
    });
  }

  /**
   * A video example: its key frames pooled (an image vector) and its soundtrack (an audio
   * vector) rank the catalog together; both are stored only once the whole video was embedded,
   * so a refused video (EncoderInputError: too long, too large, damaged, undecodable) stores nothing.
   */
  private searchByVideo(blob: Blob, k: number, encoders: BrowserEncoders, recommender: OnDeviceRecommender): Promise<{ exampleId: string; items: RecommendedItem[] }> {
    const label = blob instanceof File ? blob.name : 'your video';
    if (blob.size > MAX_EXAMPLE_VIDEO_BYTES) {
      throw new EncoderInputError('too-large', `${label}: the file is ${(blob.size / 1048576).toFixed(1)} MB; the limit is ${(MAX_EXAMPLE_VIDEO_BYTES / 1048576).toFixed(0)} MB`);
    }
    return this.servingThroughDeviceLoss(async () => {
      const video = await encoders.embedVideo(await blob.arrayBuffer(), { maxBytes: MAX_EXAMPLE_VIDEO_BYTES, maxSeconds: MAX_EXAMPLE_VIDEO_SECONDS }, label);
      const soundtrack = video.audio ? [{ modality: 'audio' as const, vector: video.audio.vectors[0]!, encoder: video.audio.encoder, label: `${label} (soundtrack)` }] : [];
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
    return Promise.resolve(tf.memory().numTensors);
  }

  private requireRecommender(): OnDeviceRecommender {
    this.requireReport();
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
    this.requireReport();
    return this.encoders!;
  }

  private requireCatalog(modality: Modality): LoadedCatalog {
    this.requireReport();
    if (!this.catalog) throw new Error('no catalog loaded: call loadCatalog first');
    if (!isModality(modality)) throw new RangeError(`unknown modality ${JSON.stringify(modality)} (expected text, image or audio)`);
    if (!this.catalog.hasModality(modality)) this.catalog.shape(modality); // throws, naming the modalities it has
    return this.catalog;
  }

  private requireReport(): BackendReport {
    if (!this.report) throw new Error('engine is not initialised: call init() first');
    return this.report;
  }

  /** Probe each backend in turn; `progress` hears of each one once it is measured (stage `backends`). */
  private async probe(names: readonly BackendName[], progress?: ProgressListener): Promise<BackendCandidate[]> {
    const probeData = makeProbeData(this.probeItems);
    const out: BackendCandidate[] = [];
    for (const name of names) {
      out.push(await probeBackend(name, probeData));
      progress?.({ stage: 'backends', label: `${name} backend`, loadedBytes: 0, done: true });
    }
    return out;
  }

  private async switchTo(name: BackendName): Promise<void> {
    const problem = await activateBackend(name);
    if (problem) throw new Error(`could not switch to backend ${name}: ${problem}`);
    this.items?.release(true);
    this.catalog?.release(true);
    this.recommender?.catalog.space.release(true);
    if (name === 'webgpu') this.watchDeviceLoss();
  }

  private watchDeviceLoss(): void {
    const device = webGpuDevice();
    if (!device) return;
    void device.lost.then((info) => {
      this.deviceLost = `${info.reason}: ${info.message || 'no message'}`;
      void this.queue.run(() => this.fallBackFromLostDevice());
    });
  }

  /**
   * Run a call on the current backend; if it failed because the WebGPU device was lost under
   * it, fall back right away and run it once more, so the caller never sees the loss.
   */
  private async servingThroughDeviceLoss<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      if (this.report?.backend !== 'webgpu') throw error;
      // A GPU call fails first; the device's `lost` promise settles a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!this.deviceLost) throw error;
      await this.fallBackFromLostDevice();
      return task();
    }
  }

  /** The GPU went away (driver reset, tab backgrounded too long, destroy()): keep serving on the next best backend. */
  private async fallBackFromLostDevice(): Promise<void> {
    if (this.report?.backend !== 'webgpu') return;
    const why = this.deviceLost ?? 'unknown reason';
    this.items?.release(true);
    this.catalog?.release(true);
    this.recommender?.catalog.space.release(true);
    await this.encoders?.disposeAll();
    try {
      tf.removeBackend('webgpu');
    } catch {
      // The backend may already be half torn down with its device; it is unusable either way.
    }
    const lost: BackendCandidate = { ...this.candidates.find((c) => c.name === 'webgpu')!, available: false, problem: `device lost (${why})` };
    const others = this.candidates.filter((c) => c.name !== 'webgpu');
    const unprobed = BACKEND_NAMES.filter((b) => b !== 'webgpu' && !others.some((c) => c.name === b));
    this.candidates = [lost, ...others, ...(await this.probe(unprobed))];
    const choice = chooseBackend(this.candidates, undefined);
    await this.switchTo(choice.backend);
    this.report = {
      backend: choice.backend,
      mode: 'fallback',
      reason: `WebGPU device lost (${why}); now on ${describeCandidate(this.candidates.find((c) => c.name === choice.backend)!)}, the fastest remaining backend`,
      candidates: this.candidates,
      notices: [...(this.report?.notices ?? []), `The WebGPU device was lost (${why}); recommendations continue on ${choice.backend}.`],
    };
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

function embedWith(encoders: BrowserEncoders, modality: Modality, inputs: Array<string | ArrayBuffer>): Promise<Embedding> {
  switch (modality) {
    case 'text':
      return encoders.embedText(inputs as string[]);
    case 'image':
      return encoders.embedImages(inputs as ArrayBuffer[]);
    case 'audio':
      return encoders.embedAudio(inputs as ArrayBuffer[]);
  }
}

function webGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GPUDevice }).device;
}

function chooseInt8RankerName(candidates: Parameters<typeof chooseInt8Ranker>[0]): Int8RankerName {
  const name = chooseInt8Ranker(candidates);
  return isInt8RankerName(name) ? name : 'js';
}
