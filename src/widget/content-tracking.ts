import type { TrackedEventType } from '../protocol/recommend.ts';
import { CONTENT_ATTRIBUTES, contentOfAttributes, productsOfJsonLd, type ContentItem } from './read-content-item.ts';
import { allSessions } from './shared-engine-registry.ts';

/**
 * Views and clicks of host products the catalog does not have, sent with their content so the
 * engine embeds them on this device (`track(type, id, { content })`):
 * - an element with `data-rec-title`, `data-rec-image` or `data-rec-audio` (and no
 *   `data-rec-item-id`, which marks a catalog item) that stays at least half visible for the
 *   dwell time is a view, a click in it a click;
 * - a schema.org Product in the page's JSON-LD is viewed once the page was visible for the
 *   dwell time (unless an element marks the same id as a catalog item).
 * One view per item and page load. The engine's encoders load only when the first such item
 * is sent; a page without any costs nothing more than this observer. A refused item (no usable
 * content, a corrupt picture) fires `recs-content-refused` on its element (or the document for
 * JSON-LD) with `{ id, name, message }` and is stored nowhere.
 */
const SELECTOR = CONTENT_ATTRIBUTES.map((a) => `[${a}]:not([data-rec-item-id])`).join(', ');
const VISIBLE_SHARE = 0.5;
const DEFAULT_DWELL_MS = 1000;

export interface ContentRefusedDetail {
  id: string;
  /** The error's class: InvalidRequestError or EncoderInputError. */
  name: string;
  message: string;
}

const members = new Map<object, number>();
let tracker: ContentTracker | undefined;

export function joinContentTracking(member: object, dwellMs: number): void {
  members.set(member, Number.isFinite(dwellMs) && dwellMs >= 0 ? dwellMs : DEFAULT_DWELL_MS);
  const shortest = Math.min(...members.values());
  if (!tracker) {
    tracker = new ContentTracker(document, shortest);
    tracker.start();
  } else {
    tracker.dwellMs = shortest;
  }
}

export function leaveContentTracking(member: object): void {
  members.delete(member);
  if (members.size > 0) return;
  tracker?.stop();
  tracker = undefined;
}

class ContentTracker {
  private readonly timers = new Map<Element, ReturnType<typeof setTimeout>>();
  private readonly viewed = new Set<string>();
  private intersections: IntersectionObserver | undefined;
  private mutations: MutationObserver | undefined;
  private pageTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly doc: Document,
    public dwellMs: number,
  ) {}

  start(): void {
    this.intersections = new IntersectionObserver((entries) => this.onIntersections(entries), { threshold: [0, VISIBLE_SHARE, 1] });
    for (const element of this.doc.querySelectorAll(SELECTOR)) this.intersections.observe(element);
    this.mutations = new MutationObserver((records) => this.onMutations(records));
    this.mutations.observe(this.doc.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: [...CONTENT_ATTRIBUTES, 'data-rec-item-id'],
    });
    this.doc.addEventListener('click', this.onClick, true);
    this.doc.addEventListener('visibilitychange', this.armPage);
    this.armPage();
  }

  stop(): void {
    this.intersections?.disconnect();
    this.mutations?.disconnect();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.pageTimer);
    this.doc.removeEventListener('click', this.onClick, true);
    this.doc.removeEventListener('visibilitychange', this.armPage);
  }

  private onIntersections(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const viewportHeight = entry.rootBounds?.height ?? innerHeight;
      const seen = entry.isIntersecting && (entry.intersectionRatio >= VISIBLE_SHARE || entry.intersectionRect.height >= VISIBLE_SHARE * viewportHeight);
      if (!seen) {
        clearTimeout(this.timers.get(entry.target));
        this.timers.delete(entry.target);
        continue;
      }
      const element = entry.target;
      const start = performance.now();
      if (this.timers.has(element)) continue;
      this.timers.set(
        element,
        setTimeout(() => {
          this.timers.delete(element);
          if (this.doc.visibilityState !== 'visible' || !element.matches(SELECTOR)) return;
          const item = this.itemOf(element);
          if (!item || this.viewed.has(item.id)) return;
          this.viewed.add(item.id);
          send('view', item, element, Math.round(performance.now() - start));
        }, this.dwellMs),
      );
    }
  }

  private onMutations(records: MutationRecord[]): void {
    const observer = this.intersections;
    if (!observer) return;
    for (const record of records) {
      if (record.type === 'attributes') {
        const element = record.target as Element;
        observer.unobserve(element);
        if (element.matches(SELECTOR)) observer.observe(element);
        continue;
      }
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        for (const element of [node, ...node.querySelectorAll(SELECTOR)]) if (element.matches(SELECTOR)) observer.observe(element);
        if (node.matches('script[type="application/ld+json"]')) this.armPage();
      }
    }
  }

  private readonly onClick = (event: MouseEvent): void => {
    const element = event.target instanceof Element ? event.target.closest(SELECTOR) : null;
    const item = element && this.itemOf(element);
    if (item) send('click', item, element);
  };

  /** JSON-LD products: one view once the page has been visible for the dwell time. */
  private readonly armPage = (): void => {
    clearTimeout(this.pageTimer);
    if (this.doc.visibilityState !== 'visible') return;
    this.pageTimer = setTimeout(() => {
      for (const item of this.jsonLdProducts()) {
        if (this.viewed.has(item.id)) continue;
        this.viewed.add(item.id);
        send('view', item, this.doc, this.dwellMs);
      }
    }, this.dwellMs);
  };

  private itemOf(element: Element): ContentItem | undefined {
    return contentOfAttributes((name) => element.getAttribute(name), this.doc.baseURI);
  }

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
