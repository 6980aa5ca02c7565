import type { TrackedEventType } from '../protocol/recommend.ts';
import { CONTENT_ATTRIBUTES, contentOfAttributes, productsOfJsonLd, type ContentItem } from './read-content-item.ts';
import { allSessions } from './shared-engine-registry.ts';
import { validDwell } from './page-tracking.ts';
import { VisibilityTracker, type TrackedElements } from './visibility-tracker.ts';

/**
 * Views and clicks of host products the catalog does not have, sent with their content so the
 * engine embeds them on this device (`track(type, id, { content })`):
 * - an element with `data-rec-title`, `data-rec-image` or `data-rec-audio` (and no
 *   `data-rec-item-id`, which marks a catalog item) is tracked by the widget's one
 *   visibility tracker (visibility-tracker.ts): half visible for the dwell time is a view, a
 *   click in it a click, and outside the page's `data-rec-scope` (if it has one) it is ignored;
 * - a schema.org Product in the page's JSON-LD is viewed once the page was visible for the
 *   dwell time (unless an element marks the same id as a catalog item).
 * One view per item and page load. The engine's encoders load only when the first such item
 * is sent; a page without any costs nothing more than this observer. A refused item (no usable
 * content, a corrupt picture) fires `recs-content-refused` on its element (or the document for
 * JSON-LD) with `{ id, name, message }` and is stored nowhere.
 */
const SELECTOR = CONTENT_ATTRIBUTES.map((a) => `[${a}]:not([data-rec-item-id])`).join(', ');

export interface ContentRefusedDetail {
  id: string;
  /** The error's class: InvalidRequestError or EncoderInputError. */
  name: string;
  message: string;
}

/** Host elements that carry a product's content (and no catalog id): the content is the item, keyed by its id. */
export const CONTENT_ELEMENTS: TrackedElements<ContentItem> = {
  selector: SELECTOR,
  attributes: [...CONTENT_ATTRIBUTES, 'data-rec-item-id'],
  read(element) {
    const item = contentOfAttributes((name) => element.getAttribute(name), element.ownerDocument.baseURI);
    return item ? { key: item.id, item } : undefined;
  },
};

const members = new Map<object, number>();
let tracker: ContentTracker | undefined;

export function joinContentTracking(member: object, dwellMs: number): void {
  members.set(member, validDwell(dwellMs));
  const shortest = Math.min(...members.values());
  if (!tracker) {
    tracker = new ContentTracker(document, shortest);
    tracker.start();
  } else {
    tracker.setDwellMs(shortest);
  }
}

export function leaveContentTracking(member: object): void {
  members.delete(member);
  if (members.size > 0) {
    tracker?.setDwellMs(Math.min(...members.values()));
    return;
  }
  tracker?.stop();
  tracker = undefined;
}

/** The element tracker for content-carrying elements, plus the page-level timer of JSON-LD products. */
class ContentTracker {
  private readonly elements: VisibilityTracker<ContentItem>;
  private pageTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly doc: Document,
    private dwellMs: number,
  ) {
    this.elements = new VisibilityTracker(
      doc,
      dwellMs,
      CONTENT_ELEMENTS,
      (seen) => (seen.type === 'view' ? send('view', seen.item, seen.element, seen.dwellMs) : send('click', seen.item, seen.element)),
      (added) => {
        if (added.matches('script[type="application/ld+json"]')) this.armPage();
      },
    );
  }

  start(): void {
    this.elements.start();
    this.doc.addEventListener('visibilitychange', this.armPage);
    this.armPage();
  }

  stop(): void {
    this.elements.stop();
    clearTimeout(this.pageTimer);
    this.doc.removeEventListener('visibilitychange', this.armPage);
  }

  setDwellMs(dwellMs: number): void {
    this.dwellMs = dwellMs;
    this.elements.setDwellMs(dwellMs);
  }

  /** JSON-LD products: one view once the page has been visible for the dwell time (an id already viewed as an element is not viewed again). */
  private readonly armPage = (): void => {
    clearTimeout(this.pageTimer);
    if (this.doc.visibilityState !== 'visible') return;
    this.pageTimer = setTimeout(() => {
      for (const item of this.jsonLdProducts()) if (this.elements.markViewed(item.id)) send('view', item, this.doc, this.dwellMs);
    }, this.dwellMs);
  };

  private jsonLdProducts(): ContentItem[] {
    const items: ContentItem[] = [];
    for (const script of this.doc.querySelectorAll('script[type="application/ld+json"]')) {
      try {
        items.push(...productsOfJsonLd(JSON.parse(script.textContent ?? ''), this.doc.baseURI));
      } catch {
        // A page's broken JSON-LD is not the shopper's problem.
      }
    }
    // An id a host element marks as a catalog item is tracked as that (page-tracking.ts).
    return items.filter((item) => !this.doc.querySelector(`[data-rec-item-id="${CSS.escape(item.id)}"]`));
  }
}

/** To every catalog session on the page; a refusal is announced on `target`, never thrown into the page. */
function send(type: TrackedEventType, item: ContentItem, target: EventTarget, dwellMs?: number): void {
  for (const session of allSessions()) {
    session.track(type, item.id, { ...(dwellMs !== undefined ? { dwellMs } : {}), content: item.content }).catch((error: unknown) => {
      const detail: ContentRefusedDetail = {
        id: item.id,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      };
      target.dispatchEvent(new CustomEvent('recs-content-refused', { detail, bubbles: true, composed: true }));
    });
  }
}
