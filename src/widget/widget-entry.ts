/**
 * `ondevice-recs.js`, the one file a shop adds:
 *
 *   <script type="module" src="/ondevice-recs.js"></script>
 *   <ondevice-recs catalog="catalogs/tuxpaint/" mode="for-you" k="8" item-href="/product.html?id={id}"></ondevice-recs>
 *
 * Importing it defines `<ondevice-recs>`. It holds only lit, the element and the client; the
 * engine (tfjs) loads in its worker once the page has loaded and is idle.
 */
import type { TrackExtra, TrackedEventType } from '../protocol/recommend.ts';
import { allSessions } from './shared-engine-registry.ts';

export { OnDeviceRecsElement } from './ondevice-recs-element.ts';
export type { RecsErrorDetail, RecsReadyDetail, RecsSelectDetail, RecsUpdateDetail } from './widget-events.ts';
export type { Recommender } from '../client/create-recommender.ts';
export type { RecommendedItem, TrackExtra, TrackedEventType } from '../protocol/recommend.ts';

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
