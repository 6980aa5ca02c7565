import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import type { OnDeviceRecsElement } from '../src/widget/ondevice-recs-element.ts';
import { WIDGET_CSP } from '../src/widget/widget-csp.ts';
import { OWN_ORIGIN, SCREENSHOTS, expect, test } from './test.ts';
import { PRODUCT, SHOP, recordCspHeaders, serveShopVariant, shownItems, storedEvents, topCategory, watchShopPage, withoutWidget } from './shop-page.ts';
import { itemAt } from '../src/shared/item-at.ts';

/**
 * The shop widget on the example shop (public/example-shop/), a plain HTML page whose only
 * recommender code is the snippet, served with the widget's strict CSP (vite.config.ts) and
 * the real default catalog, in a real Chromium. The engine measures its backends as it would
 * for a shopper.
 */
const SHOP_VEHICLES = ['vehicles/auto/sedan', 'vehicles/cycle/motorbike', 'vehicles/emergency/firetruck', 'vehicles/farming/cartoon/tractor'];
/** Added to the grid by the shop's "Show more stamps" button, after the widget started watching. */
const LATER_VEHICLE = 'vehicles/construction/cartoon/bulldozer';

// At this size no product card is half visible before the shopper scrolls.
test.use({ viewport: { width: 1280, height: 720 } });

const widgetOf = (page: Page) => page.locator('ondevice-recs');
const cards = (widget: Locator) => widget.locator('li[data-item-id]');

/** Host elements whose computed style the widget must not change. */
const HOST_STYLE_PROBES = [
  'body',
  'h1',
  '.hero p',
  '.site-header',
  '.logo',
  '.cart',
  '.cart-count',
  '.product',
  '.product h3',
  '.price',
  '.add-to-cart',
  '.site-footer',
];
const HOST_STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'padding',
  'margin',
  'border',
  'border-radius',
  'width',
];

function hostStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(
    ({ selectors, properties }) =>
      Object.fromEntries(
        selectors.map((selector) => {
          const style = getComputedStyle(document.querySelector(selector)!);
          return [selector, Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]))];
        }),
      ),
    { selectors: HOST_STYLE_PROBES, properties: HOST_STYLE_PROPERTIES },
  );
}

async function addBreadToCart(page: Page): Promise<void> {
  const before = Number(await page.locator('#cart-count').textContent());
  await page.getByRole('button', { name: 'Add Bread to cart' }).click();
  await expect(page.locator('#cart-count')).toHaveText(String(before + 1));
}

test('with only the snippet, the widget recommends, learns from what the shopper views, and leaves the shop alone', async ({ page, context, requests }) => {
  const watch = await watchShopPage(page);
  const csp = recordCspHeaders(context);
  await page.goto(SHOP);
  const widget = widgetOf(page);

  // Cold start: no history yet, so typical items of the catalog, each with a picture, a title and a why.
  await expect(cards(widget)).toHaveCount(8);
  const before = await shownItems(widget);
  expect(
    (await storedEvents(widget)).filter((e) => e.type !== 'shown'),
    'nothing was half visible long enough to count as a view',
  ).toEqual([]);
  for (const item of before) {
    expect(item.imageUrl?.startsWith(`${OWN_ORIGIN}catalogs/tuxpaint/media/image/`)).toBe(true);
    expect(item.summary.length).toBeGreaterThan(10);
  }
  const first = cards(widget).first();
  await expect(first.locator('[part="image"]')).toHaveAttribute('src', itemAt(before, 0).imageUrl!);
  await expect(first.locator('[part="title"]')).toHaveText(itemAt(before, 0).title);
  await expect(first.locator('[part="why"]')).toHaveText(itemAt(before, 0).summary);
  await expect(first.locator('a[part="item"]')).toHaveAttribute('href', `product.html?id=${encodeURIComponent(itemAt(before, 0).id)}`);

  // The shopper looks at the shop's four vehicles (a short window shows one row of the grid at a time).
  await page.setViewportSize({ width: 1280, height: 400 });
  await page.locator(`[data-rec-item-id="${SHOP_VEHICLES[0]}"]`).evaluate((card) => card.scrollIntoView({ block: 'center' }));
  await expect
    .poll(async () =>
      (await storedEvents(widget))
        .filter((e) => e.type === 'view')
        .map((e) => e.itemId)
        .sort(),
    )
    .toEqual([...SHOP_VEHICLES].sort());
  const views = (await storedEvents(widget)).filter((e) => e.type === 'view');
  for (const view of views) expect(view.dwellMs).toBeGreaterThanOrEqual(1000);

  // … and the list follows: more vehicles than before, explained by the vehicles viewed.
  const vehicleCount = (items: Array<{ category: string }>) => items.filter((i) => topCategory(i.category) === 'vehicles').length;
  await expect.poll(async () => vehicleCount(await shownItems(widget))).toBeGreaterThanOrEqual(6);
  const after = await shownItems(widget);
  expect(vehicleCount(after)).toBeGreaterThan(vehicleCount(before));
  expect(after.filter((i) => i.because.some((id) => SHOP_VEHICLES.includes(id))).length).toBeGreaterThanOrEqual(6);
  expect(
    after.map((i) => i.id).filter((id) => SHOP_VEHICLES.includes(id)),
    'items already seen are not recommended',
  ).toEqual([]);

  // Products the shop adds later are watched too.
  await page.getByRole('button', { name: 'Show more stamps' }).click();
  await page.locator(`[data-rec-item-id="${LATER_VEHICLE}"]`).evaluate((card) => card.scrollIntoView({ block: 'center' }));
  await expect.poll(async () => (await storedEvents(widget)).some((e) => e.type === 'view' && e.itemId === LATER_VEHICLE)).toBe(true);

  // The shop's own script still works, and a click inside a marked product is tracked as a click.
  await addBreadToCart(page);
  await expect.poll(async () => (await storedEvents(widget)).some((e) => e.type === 'click' && e.itemId === 'food/bread')).toBe(true);

  await page.setViewportSize({ width: 1280, height: 720 });
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/widget-shop.png` });

  // Lazy: the engine worker was requested only after the shop page had loaded; no encoder model was fetched.
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const worker = performance.getEntriesByType('resource').find((entry) => /\/ondevice-recs\/engine-worker-[^/]+\.js$/.test(entry.name));
    return { loadEnd: navigation.loadEventEnd, workerStart: worker?.startTime };
  });
  expect(timing.workerStart).toBeGreaterThanOrEqual(timing.loadEnd);
  expect(requests.filter((url) => url.includes('/models/') && !url.endsWith('/models/assets.json'))).toEqual([]);

  // The strict CSP was really in force, on the page and on the worker, and nothing broke it.
  const workerUrl = [...csp.keys()].find((url) => /\/ondevice-recs\/engine-worker-[^/]+\.js$/.test(url));
  expect(workerUrl).toBeDefined();
  expect(csp.get(new URL(SHOP, OWN_ORIGIN).href)).toBe(WIDGET_CSP);
  expect(csp.get(workerUrl!)).toBe(WIDGET_CSP);
  const backend = await widget.evaluate(async (element) => (await (element as OnDeviceRecsElement).recommender()).backend());
  expect(backend.candidates.find((c) => c.name === 'wasm')?.available, 'WebAssembly compiles in the worker under the CSP').toBe(true);
  expect(await watch.violations()).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
  const events = await watch.events();
  expect(events.filter((e) => e.type === 'recs-ready')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'recs-error')).toEqual([]);

  // The shop looks exactly as it does without the widget.
  const withWidget = await hostStyles(page);
  expect(withWidget.h1?.color).toBe('rgb(154, 52, 18)'); // shop.css
  const plain = await context.newPage();
  await serveShopVariant(plain, SHOP, withoutWidget);
  await plain.goto(SHOP);
  await expect(plain.locator('.product')).toHaveCount(12);
  expect(await plain.locator('ondevice-recs').count()).toBe(0);
  expect(withWidget).toEqual(await hostStyles(plain));
});

test('mode="similar" on the product page shows items like the product, and a chosen one opens its page', async ({ page }) => {
  const watch = await watchShopPage(page);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${PRODUCT}?id=${encodeURIComponent('vehicles/auto/sedan')}`);
  await expect(page.locator('h1')).toHaveText('Sedan');
  const widget = widgetOf(page);
  await expect(cards(widget)).toHaveCount(8);
  await expect(widget.locator('h2[part="heading"]')).toHaveText('More like this');

  // The product (in the page's data-rec-scope) is viewed and clicked; the review a shopper wrote marks an item too, outside the scope: never tracked.
  const reviewMark = page.locator('.reviews [data-rec-item-id]');
  const reviewItem = (await reviewMark.getAttribute('data-rec-item-id'))!;
  expect(reviewItem).toBe('hobbies/music/string/violin');
  await expect.poll(async () => (await storedEvents(widget)).filter((e) => e.type === 'view' && e.itemId === 'vehicles/auto/sedan').length).toBe(1);
  await reviewMark.evaluate((mark) => mark.scrollIntoView({ block: 'center' }));
  await expect(reviewMark).toBeInViewport();
  await page.waitForTimeout(2500); // longer than dwell-ms (1000): a view of it would be stored by now
  await reviewMark.click();
  await page.locator('#product-detail h1').click();
  await expect.poll(async () => (await storedEvents(widget)).filter((e) => e.type === 'click' && e.itemId === 'vehicles/auto/sedan').length).toBe(1);
  expect((await storedEvents(widget)).filter((e) => e.itemId === reviewItem)).toEqual([]);
  const similar = await shownItems(widget);
  expect(similar.map((i) => i.id)).not.toContain('vehicles/auto/sedan');
  expect(similar.filter((i) => topCategory(i.category) === 'vehicles').length, similar.map((i) => i.id).join(', ')).toBeGreaterThanOrEqual(6);
  await widget.scrollIntoViewIfNeeded();
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/widget-similar.png` });

  // recs-select comes first and can be cancelled: the host handles the choice itself, the click is still stored.
  const chosen = itemAt(similar, 0);
  await page.evaluate(() => document.addEventListener('recs-select', (event) => event.preventDefault(), { once: true }));
  await cards(widget).first().locator('a[part="item"]').click();
  await expect.poll(async () => (await storedEvents(widget)).filter((e) => e.type === 'click' && e.itemId === chosen.id).length).toBe(1);
  expect(new URL(page.url()).searchParams.get('id')).toBe('vehicles/auto/sedan');
  const selects = (await watch.events()).filter((e) => e.type === 'recs-select');
  expect(selects).toEqual([
    { type: 'recs-select', detail: { item: expect.objectContaining({ id: chosen.id }), href: `product.html?id=${encodeURIComponent(chosen.id)}` } },
  ]);

  // Not cancelled: the item's page opens (item-href), and the click is stored once more before leaving.
  await cards(widget).first().locator('a[part="item"]').click();
  await page.waitForURL((url) => url.searchParams.get('id') === chosen.id);
  await expect(page.locator('h1')).toHaveText(chosen.title);
  await expect(cards(widget)).toHaveCount(8);
  expect((await storedEvents(widget)).filter((e) => e.type === 'click' && e.itemId === chosen.id)).toHaveLength(2);
  expect((await shownItems(widget)).map((i) => i.id)).not.toContain(chosen.id);
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
});

for (const variant of [
  {
    name: 'no catalog attribute',
    edit: (html: string) => html.replace(' catalog="catalogs/tuxpaint/"', ''),
    message: 'Recommendations are unavailable: this widget has no catalog attribute (the URL of a catalog folder).',
    startsEngine: false,
  },
  {
    name: 'a catalog URL that does not exist',
    edit: (html: string) => html.replace('catalog="catalogs/tuxpaint/"', 'catalog="catalogs/no-such-catalog/"'),
    message: `Recommendations are unavailable: the catalog at ${OWN_ORIGIN}catalogs/no-such-catalog/ could not be loaded (404).`,
    startsEngine: true,
  },
]) {
  test(`bad input (${variant.name}): a quiet message in the widget, a recs-error event, and the shop keeps working`, async ({ page, requests }) => {
    const watch = await watchShopPage(page);
    await serveShopVariant(page, SHOP, variant.edit);
    await page.goto(SHOP);
    const message = widgetOf(page).locator('[part="message"]');
    await expect(message).toHaveText(variant.message);
    await expect(message).toHaveAttribute('role', 'status');
    await expect(cards(widgetOf(page))).toHaveCount(0);
    await expect
      .poll(async () => (await watch.events()).filter((e) => e.type === 'recs-error'))
      .toEqual([{ type: 'recs-error', detail: { message: variant.message } }]);
    expect((await watch.events()).filter((e) => e.type !== 'recs-error')).toEqual([]);

    await expect(page.locator('.product')).toHaveCount(12);
    await addBreadToCart(page);
    await addBreadToCart(page);
    expect(watch.pageErrors).toEqual([]);
    expect(await watch.violations()).toEqual([]);
    // The only error the browser logs is the missing catalog's own 404 (in the engine worker).
    expect(watch.consoleErrors.filter((text) => !/404 \(Not Found\)/.test(text))).toEqual([]);
    expect(
      requests.some((url) => url.includes('/ondevice-recs/engine-worker-')),
      'engine worker started',
    ).toBe(variant.startsEngine);
  });
}

test('several widgets on a page share one engine per catalog, and the JS API tracks for all of them', async ({ page, requests }) => {
  const watch = await watchShopPage(page);
  await serveShopVariant(page, SHOP, (html) =>
    html.replace('</ondevice-recs>', '</ondevice-recs>\n<ondevice-recs id="popular" catalog="catalogs/tuxpaint/" mode="popular" k="4"></ondevice-recs>'),
  );
  await page.goto(SHOP);
  const [forYou, popular] = [widgetOf(page).first(), page.locator('#popular')];
  await expect(cards(forYou)).toHaveCount(8);
  await expect(cards(popular)).toHaveCount(4);
  // The default catalog has no shopper data: `popular`'s default heading says what the list is instead.
  await expect(popular.locator('h2[part="heading"]')).toHaveText('Typical of each category');
  expect(
    requests.filter((url) => /\/ondevice-recs\/engine-worker-[^/]+\.js$/.test(url)),
    'one engine worker for both',
  ).toHaveLength(1);
  const updates = async () => (await watch.events()).filter((e) => e.type === 'recs-update').length;
  const updatesBefore = await updates();

  // The module's named export stores the event once (one catalog) and both lists refresh.
  const stored = await page.evaluate(async () => {
    const widgetModule = (await import('/ondevice-recs.js' as string)) as typeof import('../src/widget/widget-entry.ts');
    return widgetModule.track('view', 'food/fruit/banana', { dwellMs: 5000 });
  });
  expect(stored).toBe(1);
  await expect.poll(updates).toBe(updatesBefore + 2);
  // The element's own track() goes to the same engine, so the other widget's recommender sees it.
  await popular.evaluate((element) => (element as OnDeviceRecsElement).track('add-to-cart', 'food/bread'));
  const events = (await storedEvents(forYou)).filter((e) => e.type !== 'shown').map((e) => [e.type, e.itemId]);
  expect(events).toEqual([
    ['view', 'food/fruit/banana'],
    ['add-to-cart', 'food/bread'],
  ]);
  await expect.poll(async () => (await shownItems(forYou)).some((i) => i.because.includes('food/fruit/banana'))).toBe(true);
  // An item no catalog on the page has is refused, and says so.
  const refused = await page.evaluate(async () => {
    const widgetModule = (await import('/ondevice-recs.js' as string)) as typeof import('../src/widget/widget-entry.ts');
    return widgetModule.track('view', 'no/such/item').then(
      () => 'stored',
      (error: Error) => error.message,
    );
  });
  expect(refused).toContain('unknown item id "no/such/item"');
  expect(watch.consoleErrors).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
});

test('theming: custom properties and ::part() rules from the host reach inside the shadow root', async ({ page }) => {
  await page.goto(SHOP);
  const widget = widgetOf(page);
  await expect(cards(widget)).toHaveCount(8);
  const inside = () =>
    widget.evaluate((element) => {
      const root = element.shadowRoot!;
      const heading = root.querySelector('h2')!;
      return {
        accent: getComputedStyle(heading, '::after').backgroundColor,
        cardWidth: getComputedStyle(root.querySelector('li')!).width,
        radius: getComputedStyle(root.querySelector('[part="item"]')!).borderTopLeftRadius,
        titleColor: getComputedStyle(root.querySelector('[part="title"]')!).color,
        whyStyle: getComputedStyle(root.querySelector('[part="why"]')!).fontStyle,
      };
    });
  // shop.css: --recs-accent: #c2410c; --recs-card-width: 125px; --recs-radius: 12px; ::part(title) { color: #3b2f2a }
  expect(await inside()).toEqual({ accent: 'rgb(194, 65, 12)', cardWidth: '125px', radius: '12px', titleColor: 'rgb(59, 47, 42)', whyStyle: 'normal' });

  // Changed at run time, through the CSSOM (the CSP allows no inline styles).
  await widget.evaluate((element) => {
    element.style.setProperty('--recs-accent', 'rgb(10, 120, 80)');
    element.style.setProperty('--recs-card-width', '180px');
    element.style.setProperty('--recs-radius', '4px');
    // In the page, where the test's imports (itemAt) do not exist.
    const sheet = document.styleSheets[0]!;
    sheet.insertRule('ondevice-recs::part(why) { font-style: italic }', sheet.cssRules.length);
  });
  expect(await inside()).toEqual({ accent: 'rgb(10, 120, 80)', cardWidth: '180px', radius: '4px', titleColor: 'rgb(59, 47, 42)', whyStyle: 'italic' });
});
