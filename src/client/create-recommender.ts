/**
 * The page-side API of the recommender (what the widget and the demo use):
 *
 *   const recs = await createRecommender({ catalog: 'catalogs/tuxpaint/' });
 *   await recs.track('view', 'animals/mammals/badger', { dwellMs: 12000 });
 *   const items = await recs.recommend({ mode: 'for-you', k: 8 });
 *
 * Everything runs in the engine worker; the user's events and vectors stay in its IndexedDB.
 */
import type { CatalogItemCard, CatalogMap } from '../protocol/catalog-view.ts';
import type { Modality } from '../protocol/embedding.ts';
import type { BackendReport, CatalogSummary } from '../protocol/engine-api.ts';
import type { ProfileExport } from '../protocol/profile.ts';
import type { ProgressListener } from '../protocol/progress.ts';
import type { ExampleInput, ProfileSummary, RecommendRequest, RecommendedItem, TrackExtra, TrackResult, TrackedEventType } from '../protocol/recommend.ts';
import { EngineClosedError, engineErrorKind } from '../protocol/engine-errors.ts';
import { progressProxy, startEngine, type EngineHandle, type StartEngineOptions } from './start-engine.ts';

export interface CreateRecommenderOptions extends StartEngineOptions {
  /** URL of the catalog folder (its manifest.json is inside), relative to the page. */
  catalog: string;
  /**
   * Told about the whole start as it happens, for a loading view with real numbers: the engine's
   * start (stages `assets`, `backends`), then the catalog (`catalog`: the manifest and each
   * vector file with its bytes as they arrive, `fromCache: true` for a file read from the
   * browser's catalog cache; `shared-space`: the cross-modal projection files).
   */
  onProgress?: ProgressListener;
}

export interface Recommender {
  /** Record what the user did with an item: view (with dwellMs), click, add-to-cart, remove-from-cart, purchase, dismiss, review (with text; answers its polarity). */
  track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<TrackResult>;
  recommend(request: RecommendRequest): Promise<RecommendedItem[]>;
  /** Rank the catalog by a text, an image or a sound the user gives (kept only in this browser). */
  searchByExample(input: ExampleInput, k: number): Promise<RecommendedItem[]>;
  /** Everything stored about the user, as JSON. */
  exportData(): Promise<ProfileExport>;
  /** Delete everything stored about the user. */
  forget(): Promise<ProfileSummary>;
  /** What is stored (counts). */
  profile(): Promise<ProfileSummary>;
  /** The backend the engine runs on now, and why. */
  backend(): Promise<BackendReport>;
  /** Every catalog item as a card (title, category, description, price, stock, absolute `imageUrl` / `audioUrl`), in catalog order. */
  items(): Promise<CatalogItemCard[]>;
  /**
   * The catalog as a 2-D map (PCA of its shared-space vectors, or of one modality's), one point
   * per item with x, y in [0, 1]; made once per catalog, then the same map every call.
   */
  map(): Promise<CatalogMap>;
  /**
   * Load the encoders of these modalities now (say, when a search box opens) so the first search
   * does not wait for them; `onProgress` hears their weight bytes (stage `model`). A later
   * search reuses what was loaded.
   */
  warmUp(modalities: Modality[], onProgress?: ProgressListener): Promise<void>;
  /** The loaded catalog. */
  readonly catalog: CatalogSummary;
  /** The underlying engine (benchmarks, tests); a new one after a restart. */
  readonly engine: EngineHandle;
  /** Stop the worker; later calls reject with EngineClosedError. */
  close(): void;
}

export async function createRecommender(options: CreateRecommenderOptions): Promise<Recommender> {
  const { catalog: catalogUrl, ...engineOptions } = options;
  if (typeof catalogUrl !== 'string' || catalogUrl.trim() === '')
    throw new TypeError('createRecommender: the "catalog" option (the catalog folder URL) is required');
  const url = new URL(catalogUrl, location.href).href;
  const start = async (onProgress: ProgressListener | undefined): Promise<RunningEngine> => {
    const engine = await startEngine({ ...engineOptions, onProgress });
    try {
      return { engine, catalog: await engine.api.loadCatalog(url, progressProxy(onProgress)) };
    } catch (error) {
      engine.terminate();
      throw error;
    }
  };
  const first = await start(options.onProgress);
  // A restart after a crash is quiet: the page's progress listener heard the first start.
  return recommenderFor(first.engine, first.catalog, () => start(undefined));
}

/** An engine with its catalog loaded. */
export interface RunningEngine {
  engine: EngineHandle;
  catalog: CatalogSummary;
}

/**
 * The Recommender API over an engine that already has a catalog loaded. With `restart`, a call
 * after the engine crashed or wedged (EngineCrashedError, EngineTimeoutError) first starts a new
 * one through it (the profile is in IndexedDB, so nothing learned is lost); without, such calls
 * reject with the error that ended the engine.
 */
export function recommenderFor(engine: EngineHandle, catalog: CatalogSummary, restart?: () => Promise<RunningEngine>): Recommender {
  let current: RunningEngine = { engine, catalog };
  let restarting: Promise<RunningEngine> | undefined;
  let closed = false;
  const live = async (): Promise<EngineHandle> => {
    if (closed) throw new EngineClosedError();
    const ended = current.engine.ended;
    if (!ended) return current.engine;
    if (!restart || engineErrorKind(ended) === 'engine-closed') throw ended;
    restarting ??= restart().then(
      (next) => {
        restarting = undefined;
        if (closed) next.engine.terminate();
        else current = next;
        return next;
      },
      (error: unknown) => {
        restarting = undefined; // the next call tries again
        throw error;
      },
    );
    await restarting;
    return live();
  };
  const call = async <T>(run: (api: EngineHandle['api']) => Promise<T>): Promise<T> => run((await live()).api);
  return {
    get catalog() {
      return current.catalog;
    },
    get engine() {
      return current.engine;
    },
    track: (type, itemId, extra) => call((api) => api.track(type, itemId, extra)),
    recommend: (request) => call((api) => api.recommend(request)),
    searchByExample: (input, k) => call(async (api) => (await api.searchByExample(input, k)).items),
    exportData: () => call((api) => api.exportProfile()),
    forget: () => call((api) => api.forgetProfile()),
    profile: () => call((api) => api.profileSummary()),
    backend: () => call((api) => api.backendReport()),
    items: () => call((api) => api.catalogItems()),
    map: () => call((api) => api.catalogMap()),
    warmUp: (modalities, onProgress) => call((api) => api.warmUp(modalities, progressProxy(onProgress))),
    close: () => {
      closed = true;
      current.engine.terminate();
    },
  };
}
