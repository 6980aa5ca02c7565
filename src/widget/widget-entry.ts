/**
 * `ondevice-recs.js`, the one file a shop adds (and the package's main export):
 *
 *   <script type="module" src="/ondevice-recs.js"></script>
 *   <ondevice-recs catalog="catalogs/tuxpaint/" mode="for-you" k="8" item-href="/product.html?id={id}"></ondevice-recs>
 *
 * Importing it defines `<ondevice-recs>`. It holds only lit, the element and the client; the
 * engine (tfjs) loads in its worker once the page has loaded and is idle. The client API
 * (`createRecommender`, `startEngine`) comes from the same module, so a page that uses both
 * loads one file and one worker.
 */
import { createRecommender as createRecommenderAt, type CreateRecommenderOptions, type Recommender } from '../client/create-recommender.ts';
import { startEngine as startEngineAt, type EngineHandle, type StartEngineOptions } from '../client/start-engine.ts';
import type { TrackExtra, TrackedEventType } from '../protocol/recommend.ts';
import { SCRIPT_FOLDER } from './script-folder.ts';
import { allSessions } from './shared-engine-registry.ts';

export { OnDeviceRecsElement } from './ondevice-recs-element.ts';
export type { RecsErrorDetail, RecsReadyDetail, RecsSelectDetail, RecsUpdateDetail } from './widget-events.ts';
export type { CreateRecommenderOptions, Recommender } from '../client/create-recommender.ts';
export type { EngineHandle, StartEngineOptions } from '../client/start-engine.ts';
export type { BackendReport, CatalogSummary } from '../protocol/engine-api.ts';
export type { ProgressUpdate } from '../protocol/progress.ts';
export type { RecommendRequest, RecommendedItem, TrackExtra, TrackedEventType } from '../protocol/recommend.ts';

/**
 * The page-side API (docs/api.md): starts an engine worker and loads a catalog (a relative URL
 * resolves against the page). `assetsBaseUrl` defaults to the folder of this script, where
 * models/ and tfjs-wasm/ are deployed next to it. This build leaves out the optional ONNX text
 * encoder (`textEncoder`); use the app build for it.
 */
export function createRecommender(options: CreateRecommenderOptions): Promise<Recommender> {
  return createRecommenderAt({ assetsBaseUrl: SCRIPT_FOLDER, ...options });
}

/** The lower-level engine handle (docs/api.md), with the same default `assetsBaseUrl` as `createRecommender`. */
export function startEngine(options: StartEngineOptions = {}): Promise<EngineHandle> {
  return startEngineAt({ assetsBaseUrl: SCRIPT_FOLDER, ...options });
}

/**
 * Record an event (e.g. `track('add-to-cart', id)` from the shop's own cart code) in every
 * catalog the page's widgets use that has the item; their lists refresh. Resolves with how
 * many catalogs stored it, and rejects when none has the item.
 */
export async function track(type: TrackedEventType, itemId: string, extra?: TrackExtra): Promise<number> {
  const sessions = allSessions();
  if (sessions.length === 0) throw new Error('ondevice-recs: no <ondevice-recs> element with a catalog is on this page');
  const results = await Promise.allSettled(sessions.map((session) => session.track(type, itemId, extra)));
  const stored = results.filter((r) => r.status === 'fulfilled').length;
  if (stored === 0) throw (results[0] as PromiseRejectedResult).reason;
  return stored;
}
