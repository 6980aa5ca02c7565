import type { BackendName } from '../protocol/backend-name.ts';
import type { RecommendedItem } from '../protocol/recommend.ts';

/**
 * The events an `<ondevice-recs>` element dispatches. All bubble and are composed, so a host
 * page can listen on the element, on a container, or on `document`.
 */
export interface RecsReadyDetail {
  /** The catalog's name and size, and the backend the shared engine runs on. */
  catalog: string;
  itemCount: number;
  backend: BackendName;
}

export interface RecsUpdateDetail {
  items: RecommendedItem[];
}

export interface RecsErrorDetail {
  /** What the widget shows, e.g. "Recommendations are unavailable: the catalog at … could not be loaded (404)." */
  message: string;
}

export interface RecsSelectDetail {
  item: RecommendedItem;
  /** The `item-href` template filled in (absent without one). */
  href?: string;
}

export function widgetEvent<T>(type: string, detail: T, cancelable = false): CustomEvent<T> {
  return new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
}

declare global {
  interface HTMLElementEventMap {
    'recs-ready': CustomEvent<RecsReadyDetail>;
    'recs-update': CustomEvent<RecsUpdateDetail>;
    'recs-error': CustomEvent<RecsErrorDetail>;
    'recs-select': CustomEvent<RecsSelectDetail>;
  }
}
