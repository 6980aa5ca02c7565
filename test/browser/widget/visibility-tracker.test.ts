// The widget's visibility tracker on real DOM, IntersectionObserver and MutationObserver in
// Chromium: what counts as a view (half visible for dwell-ms, once per item) and as a click,
// for catalog-id elements (page-tracking.ts) and content elements (content-tracking.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_ELEMENTS } from '../../../src/widget/content-tracking.ts';
import { CATALOG_ITEM_ELEMENTS } from '../../../src/widget/page-tracking.ts';
import type { ContentItem } from '../../../src/widget/read-content-item.ts';
import { VisibilityTracker, type TrackedElements } from '../../../src/widget/visibility-tracker.ts';

type Seen = { type: 'view'; itemId: string; dwellMs: number } | { type: 'click'; itemId: string };

const DWELL_MS = 150;
let tracker: VisibilityTracker<string> | VisibilityTracker<ContentItem> | undefined;
let seen: Seen[] = [];

/** Track catalog ids (default) or content; what is seen is recorded by item id. */
function start(dwellMs = DWELL_MS, elements: TrackedElements<string> | TrackedElements<ContentItem> = CATALOG_ITEM_ELEMENTS): void {
  seen = [];
  const idOf = (item: string | ContentItem) => (typeof item === 'string' ? item : item.id);
  tracker = new VisibilityTracker<string | ContentItem>(document, dwellMs, elements as TrackedElements<string | ContentItem>, (interaction) =>
    seen.push(
      interaction.type === 'view'
        ? { type: 'view', itemId: idOf(interaction.item), dwellMs: interaction.dwellMs }
        : { type: 'click', itemId: idOf(interaction.item) },
    ),
  );
  tracker.start();
}

/** A marked box at a fixed place in the viewport (top in px; may be below the fold). */
function box(itemId: string, top: number, height = 100): HTMLElement {
  const element = document.createElement('div');
  element.dataset.recItemId = itemId;
  element.textContent = itemId;
  Object.assign(element.style, { position: 'fixed', left: '0', top: `${top}px`, width: '200px', height: `${height}px` });
  document.body.append(element);
  return element;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  tracker?.stop();
  tracker = undefined;
  document.body.replaceChildren();
});

describe('VisibilityTracker', () => {
  it('counts an element seen for dwell-ms as one view, with the time it was visible', async () => {
    box('animals/badger', 10);
    start();
    await expect.poll(() => seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ type: 'view', itemId: 'animals/badger' });
    expect((seen[0] as { dwellMs: number }).dwellMs).toBeGreaterThanOrEqual(DWELL_MS - 20);
  });

  it('counts an item once per page load, however many elements show it or for how long', async () => {
    box('food/bread', 10);
    box('food/bread', 200);
    start();
    await expect.poll(() => seen).toHaveLength(1);
    await wait(DWELL_MS * 3);
    expect(seen).toHaveLength(1);
  });

  it('does not count an element that leaves before dwell-ms, nor one never on screen', async () => {
    const glimpse = box('vehicles/auto/truck', 10);
    box('vehicles/auto/sedan', innerHeight + 500);
    start();
    await wait(DWELL_MS / 3);
    glimpse.style.top = `${innerHeight + 800}px`;
    await wait(DWELL_MS * 3);
    expect(seen).toEqual([]);
  });

  it('needs half of the element in view (or half the viewport filled by it)', async () => {
    // 80 px of 400 visible: a fifth of the element, a small part of the viewport.
    box('plants/tree', innerHeight - 80, 400);
    // Taller than the viewport and covering all of it: counts although most of it is out of view.
    box('town/house', 0, innerHeight * 3);
    start();
    await expect.poll(() => seen.map((s) => s.itemId)).toEqual(['town/house']);
    await wait(DWELL_MS * 3);
    expect(seen.map((s) => s.itemId)).toEqual(['town/house']);
  });

  it('picks up elements added later and elements marked again with another item', async () => {
    start();
    await wait(DWELL_MS);
    const later = box('animals/birds/crow', 10);
    await expect.poll(() => seen.map((s) => s.itemId)).toEqual(['animals/birds/crow']);
    later.dataset.recItemId = 'animals/birds/owl';
    await expect.poll(() => seen.map((s) => s.itemId)).toEqual(['animals/birds/crow', 'animals/birds/owl']);
  });

  it('counts a click on a marked element or inside it', async () => {
    const card = box('food/fruit/banana', innerHeight + 500);
    const inner = document.createElement('button');
    card.append(inner);
    start(60_000);
    inner.click();
    card.click();
    document.body.click();
    expect(seen).toEqual([
      { type: 'click', itemId: 'food/fruit/banana' },
      { type: 'click', itemId: 'food/fruit/banana' },
    ]);
  });

  it('once the page marks a data-rec-scope, ignores marked elements outside it (user-written HTML cannot feed the profile)', async () => {
    const shop = document.createElement('main');
    shop.dataset.recScope = '';
    document.body.append(shop);
    const product = box('food/bread', 10);
    shop.append(product);
    // A review a shopper wrote, elsewhere on the page, carrying its own marks.
    const review = document.createElement('section');
    review.innerHTML = '<div data-rec-item-id="food/pizza" style="position:fixed;top:200px;height:100px;width:200px">buy <b>pizza</b></div>';
    document.body.append(review);
    start();
    await expect.poll(() => seen).toEqual([{ type: 'view', itemId: 'food/bread', dwellMs: expect.any(Number) as number }]);
    review.querySelector('b')!.click();
    product.click();
    await wait(DWELL_MS * 3);
    expect(seen.map((e) => `${e.type} ${e.itemId}`)).toEqual(['view food/bread', 'click food/bread']);
    // Without any scope on the page, the whole document is the scope again.
    shop.removeAttribute('data-rec-scope');
    review.querySelector('b')!.click();
    expect(seen.at(-1)).toEqual({ type: 'click', itemId: 'food/pizza' });
  });

  it('pauses the clock while the tab is hidden and starts it afresh when it is back', async () => {
    box('animals/mammals/fox', 10);
    // Headless Chromium cannot hide its tab, so the page's visibility is overridden here (the one fake in this file).
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    try {
      start(DWELL_MS * 2);
      await wait(DWELL_MS);
      visibility = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      await wait(DWELL_MS * 3);
      expect(seen).toEqual([]);
      visibility = 'visible';
      const back = performance.now();
      document.dispatchEvent(new Event('visibilitychange'));
      await expect.poll(() => seen).toHaveLength(1);
      expect(performance.now() - back).toBeGreaterThanOrEqual(DWELL_MS * 2 - 20);
      expect((seen[0] as { dwellMs: number }).dwellMs).toBeLessThan(DWELL_MS * 3);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });

  it('stops listening when stopped', async () => {
    const card = box('food/bread', 10);
    start(DWELL_MS * 2);
    tracker!.stop();
    card.click();
    await wait(DWELL_MS * 4);
    expect(seen).toEqual([]);
  });

  it('tracks content elements the same way: a view once, a click, late-added ones, and the scope; a catalog-marked element is not content', async () => {
    const shop = document.createElement('main');
    shop.dataset.recScope = '';
    document.body.append(shop);
    const card = box('unused', 10);
    card.removeAttribute('data-rec-item-id');
    card.dataset.recTitle = 'Old car';
    shop.append(card);
    const pasted = box('unused', 200);
    pasted.removeAttribute('data-rec-item-id');
    pasted.dataset.recTitle = 'Pasted by a shopper';
    document.body.append(pasted);
    start(DWELL_MS, CONTENT_ELEMENTS);
    await expect.poll(() => seen.map((s) => s.type)).toEqual(['view']);
    const carId = seen[0]!.itemId;
    expect(carId).toMatch(/^content:/);
    card.click();
    pasted.click();
    const later = box('unused', 400);
    later.removeAttribute('data-rec-item-id');
    later.dataset.recTitle = 'Later car';
    shop.append(later);
    await expect.poll(() => seen.length).toBe(3);
    const catalogItem = box('food/bread', 600);
    catalogItem.dataset.recTitle = 'Bread';
    shop.append(catalogItem);
    await wait(DWELL_MS * 3);
    expect(seen.map((s) => s.type)).toEqual(['view', 'click', 'view']);
    expect(seen[1]!.itemId).toBe(carId);
    expect(seen[2]!.itemId).toMatch(/^content:/);
    expect(seen[2]!.itemId).not.toBe(carId);
  });
});
