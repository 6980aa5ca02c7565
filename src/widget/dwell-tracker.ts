/** What the tracker saw the shopper do with a host element marked `data-rec-item-id`. */
export type ObservedInteraction = { type: 'view'; itemId: string; dwellMs: number } | { type: 'click'; itemId: string };

const ITEM_SELECTOR = '[data-rec-item-id]';
/**
 * Where marked elements count. A page that shows user-written HTML (reviews, comments, a
 * forum) marks its own product area with `data-rec-scope`; from then on a `data-rec-item-id`
 * outside every such container is ignored, so a shopper's HTML cannot feed the profile. A
 * page without any `data-rec-scope` keeps the whole document as its scope.
 */
const SCOPE_SELECTOR = '[data-rec-scope]';
/** Share of an element (or of the viewport, for elements taller than it) that counts as "seen". */
const VISIBLE_SHARE = 0.5;

/**
 * Watches the host page's elements marked `data-rec-item-id`: an element that stays at least
 * half visible (or fills half the viewport) for `dwellMs` while the tab is visible counts as
 * one view of its item, once per page load; a click on it (or inside it) counts as a click.
 * Elements added, removed or re-marked later are picked up through a MutationObserver.
 */
export class DwellTracker {
  private readonly timers = new Map<Element, ReturnType<typeof setTimeout>>();
  private readonly visibleSince = new Map<Element, number>();
  private readonly viewed = new Set<string>();
  private intersections: IntersectionObserver | undefined;
  private mutations: MutationObserver | undefined;

  constructor(
    private readonly doc: Document,
    private dwellMs: number,
    private readonly onInteraction: (interaction: ObservedInteraction) => void,
  ) {}

  start(): void {
    if (this.intersections) return;
    this.intersections = new IntersectionObserver((entries) => this.onIntersections(entries), { threshold: [0, VISIBLE_SHARE, 1] });
    for (const element of this.doc.querySelectorAll(ITEM_SELECTOR)) this.intersections.observe(element);
    this.mutations = new MutationObserver((records) => this.onMutations(records));
    this.mutations.observe(this.doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-rec-item-id'] });
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

  private arm(element: Element): void {
    const itemId = element.getAttribute('data-rec-item-id');
    if (!itemId || this.viewed.has(itemId) || this.timers.has(element) || this.doc.visibilityState !== 'visible') return;
    if (!this.inScope(element)) return;
    this.timers.set(
      element,
      setTimeout(() => {
        this.timers.delete(element);
        // The attribute may have changed while the element was on screen.
        const current = element.getAttribute('data-rec-item-id');
        if (!current || this.viewed.has(current) || !this.inScope(element)) return;
        this.viewed.add(current);
        this.onInteraction({ type: 'view', itemId: current, dwellMs: Math.round(performance.now() - (this.visibleSince.get(element) ?? performance.now())) });
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
        this.cancel(record.target as Element);
        observer.unobserve(record.target as Element);
        if ((record.target as Element).hasAttribute('data-rec-item-id')) observer.observe(record.target as Element);
        continue;
      }
      for (const node of record.addedNodes) for (const element of markedElements(node)) observer.observe(element);
      for (const node of record.removedNodes) {
        for (const element of markedElements(node)) {
          observer.unobserve(element);
          this.cancel(element);
          this.visibleSince.delete(element);
        }
      }
    }
  }

  private readonly onClick = (event: MouseEvent): void => {
    const target = event.target instanceof Element ? event.target.closest(ITEM_SELECTOR) : null;
    const itemId = target?.getAttribute('data-rec-item-id');
    if (itemId && this.inScope(target!)) this.onInteraction({ type: 'click', itemId });
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

function markedElements(node: Node): Element[] {
  if (!(node instanceof Element)) return [];
  const found = [...node.querySelectorAll(ITEM_SELECTOR)];
  if (node.matches(ITEM_SELECTOR)) found.unshift(node);
  return found;
}
