import { recommenderFor, type Recommender } from '../client/create-recommender.ts';
import { startEngine } from '../client/start-engine.ts';
import type { TrackExtra, TrackedEventType } from '../protocol/recommend.ts';
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
 * once the host page has loaded and is idle; events tracked before that wait for it.
 */
export class CatalogSession {
  private started: Promise<Recommender> | undefined;
  private readonly listeners = new Set<(event: StoredEvent) => void>();

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
  async track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<void> {
    const recs = await this.recommender();
    await recs.track(type, itemId, extra);
    for (const listener of this.listeners) listener({ type, itemId });
  }

  /** Call `listener` after each stored event; returns the unsubscribe function. */
  onStored(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async start(): Promise<Recommender> {
    await whenPageIsIdle();
    try {
      // The engine remembers its measured backend per browser and adapter, and fetches the
      // catalog while it starts (preloadCatalog), so a returning shopper's first list comes quickly.
      const engine = await startEngine({ assetsBaseUrl: this.assetsBaseUrl, preloadCatalog: this.catalogUrl }).catch((error: unknown) => {
        throw WidgetStartError.engine(error);
      });
      try {
        return recommenderFor(engine, await engine.api.loadCatalog(this.catalogUrl));
      } catch (error) {
        engine.terminate();
        throw WidgetStartError.catalog(this.catalogUrl, error);
      }
    } catch (error) {
      // A later widget (or a corrected attribute) gets a fresh try instead of this failure.
      this.onFailed(this);
      throw error;
    }
  }
}
