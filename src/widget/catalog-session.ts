import { recommenderFor, type Recommender, type RunningEngine } from '../client/create-recommender.ts';
import { startEngine } from '../client/start-engine.ts';
import { EngineClosedError } from '../protocol/engine-errors.ts';
import type { TrackExtra, TrackResult, TrackedEventType } from '../protocol/recommend.ts';
import { whenPageIsIdle } from './when-page-is-idle.ts';
import { WidgetStartError } from './widget-start-error.ts';

/** An event the session stored, announced to every widget on the same catalog. */
export interface StoredEvent {
  type: TrackedEventType;
  itemId: string;
}

/**
 * One engine (worker) with one catalog loaded, shared by every `<ondevice-recs>` on the page
 * that names this catalog. The engine starts on the first `recommender()` call, and only
 * once the host page has loaded and is idle; events tracked before that wait for it. After a
 * crash the recommender starts a new engine on its next call (the widget retries). Closed when
 * no widget uses it any more (the registry), which ends its worker.
 */
export class CatalogSession {
  private started: Promise<Recommender> | undefined;
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private closed = false;
  /** Ends every engine of this session, also one still starting. */
  private readonly ending = new AbortController();

  constructor(
    /** Absolute URL of the catalog folder. */
    readonly catalogUrl: string,
    /** Absolute URL of the folder holding models/, tfjs-wasm/, … */
    readonly assetsBaseUrl: string,
    private readonly onFailed: (session: CatalogSession) => void,
  ) {}

  /** The shared recommender; rejects with a WidgetStartError. */
  recommender(): Promise<Recommender> {
    this.started ??= this.start();
    return this.started;
  }

  /** Store an event and tell the widgets; rejects for an item this catalog does not have. */
  async track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<TrackResult> {
    const recs = await this.recommender();
    const result = await recs.track(type, itemId, extra);
    for (const listener of this.listeners) listener({ type, itemId });
    return result;
  }

  /** End the engine (now, or as soon as its start finishes); later calls reject with EngineClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ending.abort();
    this.started?.then(
      (recs) => recs.close(),
      () => undefined,
    );
  }

  /** Call `listener` after each stored event; returns the unsubscribe function. */
  onStored(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async start(): Promise<Recommender> {
    await whenPageIsIdle();
    try {
      const first = await this.startEngine();
      return recommenderFor(first.engine, first.catalog, () => this.startEngine());
    } catch (error) {
      // A later widget (or a corrected attribute) gets a fresh try instead of this failure.
      this.onFailed(this);
      throw error;
    }
  }

  /** A new engine with this catalog loaded; rejects with a WidgetStartError (EngineClosedError once closed). */
  private async startEngine(): Promise<RunningEngine> {
    if (this.closed) throw new EngineClosedError();
    // The engine remembers its measured backend per browser and adapter, and fetches the
    // catalog while it starts (preloadCatalog), so a returning shopper's first list comes quickly.
    const engine = await startEngine({ assetsBaseUrl: this.assetsBaseUrl, preloadCatalog: this.catalogUrl, signal: this.ending.signal }).catch(
      (error: unknown) => {
        if (this.closed) throw new EngineClosedError();
        throw WidgetStartError.engine(error);
      },
    );
    try {
      const catalog = await engine.api.loadCatalog(this.catalogUrl);
      if (this.closed) throw new EngineClosedError();
      return { engine, catalog };
    } catch (error) {
      engine.terminate();
      if (this.closed) throw new EngineClosedError();
      throw WidgetStartError.catalog(this.catalogUrl, error);
    }
  }
}
