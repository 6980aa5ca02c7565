import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { OnDeviceRecsElement } from '../src/widget/ondevice-recs-element.ts';
import type { ContentRefusedDetail } from '../src/widget/content-tracking.ts';
import { OWN_ORIGIN, expect, test } from './test.ts';
import { SHOP, serveShopVariant, shownItems, storedEvents, topCategory, watchShopPage } from './shop-page.ts';

/**
 * The widget on the example shop learns from a product card the catalog does not have: a card
 * with only a title and a picture (`data-rec-title`, `data-rec-image`), the picture a real
 * Openclipart drawing of a car (public domain; not a Tux Paint stamp), served by the shop's own
 * origin. The real encoders embed it in the worker; nothing leaves the origin (test.ts checks
 * every request of the context).
 */
const openclipart = execFileSync('node', ['scripts/fetch-openclipart.mjs', '--no-png'], { encoding: 'utf8' }).trim();
const CAR = readFileSync(join(openclipart, 'svg/transportation/old_car_lumen_design_st_r.svg'));
const CAR_PATH = '/example-shop/partner/old-car.svg';
/** The first 400 bytes of a real PNG stamp: a damaged file with a good header. */
const BROKEN_PATH = '/example-shop/partner/broken.png';

test.use({ viewport: { width: 1280, height: 720 } });

const widgetOf = (page: Page) => page.locator('ondevice-recs');
const cards = (widget: Locator) => widget.locator('li[data-item-id]');
const vehicleCount = (items: Array<{ category: string }>) => items.filter((i) => topCategory(i.category) === 'vehicles').length;

/**
 * The shop page with partner cards (products the catalog lacks) at the end of its product area
 * (its `data-rec-scope`), optionally HTML outside that scope before the footer, and their files
 * served same-origin.
 */
async function shopWithPartnerCards(page: Page, cardsHtml: string, outsideScopeHtml = ''): Promise<void> {
  await serveShopVariant(page, SHOP, (html) =>
    html
      .replace('<button id="show-more"', `<section class="partner" aria-label="From our partners">${cardsHtml}</section>\n        <button id="show-more"`)
      .replace('<footer', `${outsideScopeHtml}<footer`),
  );
  // context-level, so the worker's fetch is served too
  await page.context().route(
    (url) => url.pathname === CAR_PATH,
    (route) => route.fulfill({ body: CAR, contentType: 'image/svg+xml' }),
  );
  const png = readFileSync(join(execFileSync('node', ['scripts/fetch-tuxpaint-stamps.mjs'], { encoding: 'utf8' }).trim(), 'vehicles/auto/sedan.png'));
  await page.context().route(
    (url) => url.pathname === BROKEN_PATH,
    (route) => route.fulfill({ body: png.subarray(0, 400), contentType: 'image/png' }),
  );
  await page.addInitScript(() => {
    const refused: unknown[] = [];
    (window as unknown as { refused: unknown[] }).refused = refused;
    document.addEventListener('recs-content-refused', (event) => refused.push((event as CustomEvent).detail));
  });
}

const refusals = (page: Page) => page.evaluate(() => (window as unknown as { refused: ContentRefusedDetail[] }).refused);
const adhocItems = (widget: Locator) =>
  widget.evaluate(async (element) =>
    (await (await (element as OnDeviceRecsElement).recommender()).exportData()).adhocItems.map((a) => ({ id: a.id, modality: a.modality, label: a.label })),
  );

test('a product card the catalog lacks (title + picture) is embedded on the device and moves for-you toward its category', async ({ page, requests }) => {
  const watch = await watchShopPage(page);
  await shopWithPartnerCards(
    page,
    `<article class="product" data-rec-title="Old car" data-rec-image="partner/old-car.svg"><img src="partner/old-car.svg" alt="" width="256" height="256"><h3>Old car</h3></article>`,
    // A shopper's comment pasting a product card: outside the scope, so it is never embedded.
    `<aside class="comment"><article data-rec-title="Pasted car"><h3>Pasted car</h3></article></aside>`,
  );
  await page.goto(SHOP);
  const widget = widgetOf(page);
  await expect(cards(widget)).toHaveCount(8);
  const before = await shownItems(widget);
  expect(
    requests.filter((url) => url.includes('/models/') && !url.endsWith('/models/assets.json')),
    'no encoder before a content card is seen',
  ).toEqual([]);

  await page.locator('.partner .product').scrollIntoViewIfNeeded();
  await expect.poll(async () => (await storedEvents(widget)).filter((e) => e.type === 'view' && e.adhocId?.startsWith('offcat:content:')).length).toBe(1);
  const items = await adhocItems(widget);
  expect(items.map((i) => i.modality).sort()).toEqual(['image', 'text']);
  expect(items.every((i) => i.label === 'Old car' && i.id.startsWith('offcat:content:'))).toBe(true);

  await expect.poll(async () => vehicleCount(await shownItems(widget)), { message: 'for-you turns to vehicles' }).toBeGreaterThanOrEqual(4);
  const after = await shownItems(widget);
  expect(vehicleCount(after)).toBeGreaterThan(vehicleCount(before));
  expect(after.filter((i) => i.because.some((id) => id.startsWith('offcat:content:'))).length).toBeGreaterThanOrEqual(4);
  console.log(
    `top categories before: ${before.map((i) => topCategory(i.category)).join(', ')}\ntop categories after:  ${after.map((i) => topCategory(i.category)).join(', ')}`,
  );

  // Embedded here: the image and text encoders were fetched from the shop's origin, and the picture once by the worker.
  expect(requests.some((url) => url.startsWith(`${OWN_ORIGIN}models/`) && url.includes('mobilenet'))).toBe(true);
  expect(requests.filter((url) => url === new URL(CAR_PATH, OWN_ORIGIN).href).length).toBeGreaterThanOrEqual(1);
  expect(await refusals(page)).toEqual([]);

  await page.locator('.comment article').evaluate((card) => card.scrollIntoView({ block: 'center' }));
  await expect(page.locator('.comment article')).toBeInViewport();
  await page.waitForTimeout(2500); // longer than dwell-ms (1000): a view of it would be stored by now
  await page.locator('.comment article').click();
  expect((await adhocItems(widget)).map((i) => i.label)).toEqual(['Old car', 'Old car']);
  expect((await storedEvents(widget)).filter((e) => e.adhocId !== undefined).map((e) => e.type)).toEqual(['view']);
  expect(watch.pageErrors).toEqual([]);
  expect(watch.consoleErrors).toEqual([]);
});

test('a card with no usable content or a corrupt picture gets a typed error and stores nothing; so does track() of an unknown id without content', async ({
  page,
}) => {
  await shopWithPartnerCards(
    page,
    `<article class="product" data-rec-title="Broken car" data-rec-image="partner/broken.png"><h3>Broken car</h3></article>
     <article class="product" data-rec-title=""><h3>(no title)</h3></article>`,
  );
  await page.goto(SHOP);
  const widget = widgetOf(page);
  await expect(cards(widget)).toHaveCount(8);
  await page.locator('.partner').scrollIntoViewIfNeeded();
  await expect.poll(async () => (await refusals(page)).length).toBe(2);
  const refused = (await refusals(page)).sort((a, b) => a.message.localeCompare(b.message));
  expect(refused.map((r) => r.name)).toEqual(['EncoderInputError', 'EncoderInputError']);
  expect(refused.map((r) => r.message.slice(0, 40))).toEqual([
    expect.stringMatching(/^\[(corrupt-image|unsupported-format)\]/),
    expect.stringMatching(/^\[empty-text\]/),
  ]);

  const apiError = await widget.evaluate(async (element) => {
    const recs = await (element as OnDeviceRecsElement).recommender();
    return recs.track('view', 'partner-sku-without-content').then(
      () => undefined,
      (error: Error) => ({ name: error.name, message: error.message }),
    );
  });
  expect(apiError?.name).toBe('InvalidRequestError');
  expect(apiError?.message).toMatch(/needs its content/);
  expect((await storedEvents(widget)).filter((e) => e.adhocId !== undefined)).toEqual([]);
  expect(await adhocItems(widget)).toEqual([]);
});
