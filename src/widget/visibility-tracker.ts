/**
 * The widget's one visibility and dwell tracker, parameterised by what it reads of an element:
 * a catalog item id (`data-rec-item-id`, page-tracking.ts) or a product's content
 * (`data-rec-title` …, content-tracking.ts). For either, an element that stays at least half
 * visible (or fills half the viewport) for the dwell time while the tab is visible counts as one
 * view of its item, once per item and page load; a click on it (or inside it) counts as a click.
 * Elements added, removed or re-marked later are picked up through a MutationObserver.
 */

/**
 * Where marked elements count. A page that shows user-written HTML (reviews, comments, a
 * forum) marks its own product area with `data-rec-scope`; from then on a marked element outside
 * every such container is ignored, so a shopper's HTML cannot feed the profile. A page without
 * any `data-rec-scope` keeps the whole document as its scope.
 */
const SCOPE_SELECTOR = '[data-rec-scope]';
/** Share of an element (or of the viewport, for elements taller than it) that counts as "seen". */
const VISIBLE_SHARE = 0.5;

/** Which host elements a tracker watches, and what it reads of one. */
export interface TrackedElements<T> {
  /** The elements to watch. */
  selector: string;
  /** Attributes whose change makes an element be read (and timed) afresh. */
  attributes: readonly string[];
  /** The item an element stands for, keyed for "once per page load"; undefined when it stands for none. */
  read(element: Element): { key: string; item: T } | undefined;
}

/** What the tracker saw the shopper do with a watched element. */
export type SeenInteraction<T> = { type: 'view'; item: T; element: Element; dwellMs: number } | { type: 'click'; item: T; element: Element };

export class VisibilityTracker<T> {
  private readonly timers = new Map<Element, ReturnType<typeof setTimeout>>();
  private readonly visibleSince = new Map<Element, number>();
  private readonly viewed = new Set<string>();
  private intersections: IntersectionObserver | undefined;
  private mutations: MutationObserver | undefined;

  constructor(
    private readonly doc: Document,
    private dwellMs: number,
    private readonly elements: TrackedElements<T>,
    private readonly onInteraction: (interaction: SeenInteraction<T>) => void,
    /** Told about every element added to the page (content-tracking.ts watches for JSON-LD scripts). */
    private readonly onAdded?: (element: Element) => void,
  ) {}

  start(): void {
    if (this.intersections) return;
    this.intersections = new IntersectionObserver((entries) => this.onIntersections(entries), { threshold: [0, VISIBLE_SHARE, 1] });
    for (const element of this.doc.querySelectorAll(this.elements.selector)) this.intersections.observe(element);
    this.mutations = new MutationObserver((records) => this.onMutations(records));
    this.mutations.observe(this.doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: [...this.elements.attributes] });
    this.doc.addEventListener('click', this.onClick, true);
    this.doc.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  stop(): void {
    this.intersections?.disconnect();
    this.mutations?.disconnect();
    this.intersections = this.mutations = undefined;
    for (const element of [...this.timers.keys()]) this.cancel(element);
    this.visibleSince.clear();
    this.doc.removeEventListener('click', this.onClick, true);
    this.doc.removeEventListener('visibilitychange', this.onVisibilityChange);
  }

  /** A new dwell time applies to elements that become visible from now on. */
  setDwellMs(dwellMs: number): void {
    this.dwellMs = dwellMs;
  }

  /** Count `key` as viewed by other means (a JSON-LD product); false when it already was. */
  markViewed(key: string): boolean {
    if (this.viewed.has(key)) return false;
    this.viewed.add(key);
    return true;
  }

  private onIntersections(entries: IntersectionObserverEntry[]): void {
    for (const entry of entries) {
      const viewportHeight = entry.rootBounds?.height ?? innerHeight;
      const seen = entry.isIntersecting && (entry.intersectionRatio >= VISIBLE_SHARE || entry.intersectionRect.height >= VISIBLE_SHARE * viewportHeight);
      if (seen) {
        this.visibleSince.set(entry.target, performance.now());
        this.arm(entry.target);
      } else {
        this.visibleSince.delete(entry.target);
        this.cancel(entry.target);
      }
    }
  }

  /** Read when the element would count, so scopes added or removed later apply at once. */
  private inScope(element: Element): boolean {
    return element.closest(SCOPE_SELECTOR) !== null || this.doc.querySelector(SCOPE_SELECTOR) === null;
  }

  /** What `element` stands for now, if it is still watched and in scope. */
  private current(element: Element): { key: string; item: T } | undefined {
    if (!element.matches(this.elements.selector) || !this.inScope(element)) return undefined;
    return this.elements.read(element);
  }

  private arm(element: Element): void {
    if (this.timers.has(element) || this.doc.visibilityState !== 'visible') return;
    const read = this.current(element);
    if (!read || this.viewed.has(read.key)) return;
    this.timers.set(
      element,
      setTimeout(() => {
        this.timers.delete(element);
        // The element may have been re-marked, or left the scope, while it was on screen.
        const now = this.current(element);
        if (!now || !this.markViewed(now.key)) return;
        const dwellMs = Math.round(performance.now() - (this.visibleSince.get(element) ?? performance.now()));
        this.onInteraction({ type: 'view', item: now.item, element, dwellMs });
      }, this.dwellMs),
    );
  }

  private cancel(element: Element): void {
    clearTimeout(this.timers.get(element));
    this.timers.delete(element);
  }

  private onMutations(records: MutationRecord[]): void {
    const observer = this.intersections;
    if (!observer) return;
    for (const record of records) {
      if (record.type === 'attributes') {
        // Re-observing reports the element's visibility again, so a re-marked element is timed afresh.
        const element = record.target as Element;
        this.cancel(element);
        observer.unobserve(element);
        if (element.matches(this.elements.selector)) observer.observe(element);
        continue;
      }
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        for (const element of this.watchedIn(node)) observer.observe(element);
        this.onAdded?.(node);
      }
      for (const node of record.removedNodes) {
        if (!(node instanceof Element)) continue;
        for (const element of this.watchedIn(node)) {
          observer.unobserve(element);
          this.cancel(element);
          this.visibleSince.delete(element);
        }
      }
    }
  }

  private watchedIn(node: Element): Element[] {
    const found = [...node.querySelectorAll(this.elements.selector)];
    if (node.matches(this.elements.selector)) found.unshift(node);
    return found;
  }

  private readonly onClick = (event: MouseEvent): void => {
    const element = event.target instanceof Element ? event.target.closest(this.elements.selector) : null;
    const read = element && this.current(element);
    if (read) this.onInteraction({ type: 'click', item: read.item, element: element });
  };

  /** A hidden tab is not being looked at: pause the clocks, restart them when it comes back. */
  private readonly onVisibilityChange = (): void => {
    if (this.doc.visibilityState !== 'visible') {
      for (const element of [...this.timers.keys()]) this.cancel(element);
      return;
    }
    for (const element of this.visibleSince.keys()) {
      this.visibleSince.set(element, performance.now());
      this.arm(element);
    }
  };
}
