import { mkdirSync, readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { formatBytes } from '../src/demo/format-bytes.ts';
import type { Modality } from '../src/protocol/embedding.ts';
import { readyReport } from './engine-page.ts';
import { SCREENSHOTS, expect, test } from './test.ts';

/**
 * The demo shop as people use it, on the real default catalog (Tux Paint stamps) in a real
 * Chromium: loading view, category navigation, item view with its sound, rails, "Why?"
 * explanations and keyboard use. Except for the loading test (which shows the real backend
 * measurement), pages use `?backend=wasm` to skip the slow software-WebGPU probe.
 */
const APP = '/?backend=wasm';

interface ManifestItem {
  id: string;
  title: string;
  category: string;
  description?: string;
  audio?: string;
}
interface Manifest {
  items: ManifestItem[];
  vectorFiles: Partial<Record<Modality, { bytes: number }>>;
  signals?: unknown;
}
// Read once the tests start: in a fresh clone the e2e server builds the catalog after the spec files are loaded.
let manifest: Manifest;
let byId: Map<string, ManifestItem>;
test.beforeAll(() => {
  manifest = JSON.parse(readFileSync('public/catalogs/tuxpaint/manifest.json', 'utf8')) as Manifest;
  byId = new Map(manifest.items.map((i) => [i.id, i]));
});
const inCategory = (category: string, path: string) => category === path || category.startsWith(`${path}/`);
const itemsIn = (path: string) => manifest.items.filter((i) => inCategory(i.category, path));

test.use({ viewport: { width: 1280, height: 800 } });

/** The demo, ready: engine started, catalog loaded, the grid's first card on screen. */
async function openShop(page: Page, url = APP): Promise<void> {
  await page.goto(url);
  await readyReport(page);
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('ready');
  await expect(gridCards(page).first()).toBeVisible();
}

const gridCards = (page: Page) => page.locator('catalog-grid li[data-item-id]');
const categoryButton = (page: Page, path: string) => page.locator(`category-nav button[data-category="${path}"]`);
const itemTitle = (page: Page) => page.locator('item-view h2');

/** Choose a folder as a shopper does: its top-level folder first, whose sub-folders then appear. */
async function chooseCategory(page: Page, path: string): Promise<void> {
  const parts = path.split('/');
  for (let depth = 1; depth <= parts.length; depth++) await categoryButton(page, parts.slice(0, depth).join('/')).click();
  await expect(categoryButton(page, path)).toHaveAttribute('aria-current', 'true');
}

async function openFromGrid(page: Page, category: string, id: string): Promise<void> {
  await chooseCategory(page, category);
  await page.locator(`catalog-grid li[data-item-id="${id}"] item-card`).click();
  await expect(itemTitle(page)).toHaveText(byId.get(id)!.title);
}

async function backToShop(page: Page): Promise<void> {
  await page
    .locator('item-view')
    .getByRole('button', { name: /Back to/ })
    .click();
  await expect(page.locator('item-view')).toHaveCount(0);
}

/** Ids of the items a rail shows, in order. */
const railIds = (rail: Locator) => rail.locator('li[data-item-id]').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.itemId!));

/** What has keyboard focus, looking through shadow roots: tag, and the data attributes that place it. */
function focused(page: Page): Promise<{ tag: string; category?: string; itemId?: string; host: string }> {
  return page.evaluate(() => {
    let active = document.activeElement;
    const hosts: string[] = [];
    while (active?.shadowRoot?.activeElement) {
      hosts.push(active.tagName.toLowerCase());
      active = active.shadowRoot.activeElement;
    }
    const el = active as HTMLElement | null;
    const item = el?.closest('li[data-item-id]') as HTMLElement | null;
    // A card's button sits in <item-card>'s shadow root; its <li> is in the grid's shadow root, one host up.
    const cardHost = (el?.getRootNode() as ShadowRoot | undefined)?.host;
    const cardLi = cardHost?.closest('li[data-item-id]') as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      ...(el?.dataset.category !== undefined ? { category: el.dataset.category } : {}),
      ...((item ?? cardLi)?.dataset.itemId ? { itemId: (item ?? cardLi)!.dataset.itemId } : {}),
      host: hosts.join(' > '),
    };
  });
}

async function tabUntil(page: Page, found: (f: Awaited<ReturnType<typeof focused>>) => boolean, maxTabs = 200): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    if (found(await focused(page))) return;
  }
  throw new Error(`focus did not get there in ${maxTabs} tabs (now on ${JSON.stringify(await focused(page))})`);
}

test('the loading view shows real progress (stages, vector bytes up to the manifest’s), then the backend in use', async ({ page }) => {
  await page.goto('/');
  const bar = page.getByRole('progressbar', { name: 'Getting the shop ready' });
  await expect(bar).toBeVisible();
  // Sample the bar while the engine measures backends and loads the catalog: it only moves forward.
  const samples: number[] = [];
  const said = new Set<string>();
  while ((await page.evaluate(() => document.body.dataset.catalog)) === undefined) {
    const now = await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null);
    if (now !== null) samples.push(Number(now));
    const text = await bar.getAttribute('aria-valuetext', { timeout: 1000 }).catch(() => null);
    if (text !== null) said.add(text.replace(/^\d+ %: /, '').replace(/\d+ measured/, 'N measured'));
    await page.waitForTimeout(100);
  }
  const report = await readyReport(page);
  console.log(`progress samples: ${samples.join(' ')}`);
  console.log(`the loading view said: ${[...said].join(' | ')}`);
  expect(samples.length).toBeGreaterThan(0);
  expect(samples.every((v, i) => v >= 0 && v <= 100 && (i === 0 || v >= samples[i - 1]!))).toBe(true);
  // It says what it is doing: while no backend is chosen yet, that it is measuring them.
  if (report.mode === 'measured') expect([...said]).toContain('Measuring backends: timing the ranking on each to pick the fastest, N measured so far…');

  // Ready: the bar is gone, one status line names the backend (as does the header).
  const status = page.getByTestId('loading-status');
  await expect(status).toContainText(`Ready: running on ${report.backend}`);
  await expect(bar).toHaveCount(0);
  await expect(page.getByTestId('header-backend')).toContainText(report.backend);

  // Its details list every step with real numbers: each backend measured, and each vector file
  // with as many bytes as the manifest says, done.
  await status.locator('summary').click();
  const steps = page.getByTestId('loading-steps');
  for (const stage of ['Measuring backends', 'Asset manifest', 'Catalog', 'Shared space']) await expect(steps).toContainText(stage);
  await expect(steps).toContainText(`chose ${report.backend}`);
  // Software adapters are measured in the background after the first recommendation, not while loading.
  for (const candidate of report.candidates.filter((c) => c.deferred === undefined)) {
    await expect(steps.locator(`li.step[data-stage="backends"][data-label="${candidate.name} backend"]`)).toHaveAttribute('data-done', 'yes');
  }
  await expect(steps.locator('li.step[data-label="catalog manifest"]')).toHaveAttribute('data-done', 'yes');
  const files = Object.entries(manifest.vectorFiles) as Array<[Modality, { bytes: number }]>;
  expect(files.length).toBe(3);
  for (const [modality, { bytes }] of files) {
    const row = steps.locator(`li.step[data-stage="catalog"][data-label="${modality} vectors"]`);
    await expect(row).toHaveAttribute('data-loaded', String(bytes));
    await expect(row).toHaveAttribute('data-total', String(bytes));
    await expect(row).toHaveAttribute('data-done', 'yes');
    await expect(row).toContainText(`${formatBytes(bytes)} of ${formatBytes(bytes)}, done`);
  }
  await expect(steps.locator('li.step[data-stage="shared-space"]').first()).toHaveAttribute('data-done', 'yes');

  // A reload reads the vector files from the browser's catalog cache, and says so.
  await page.reload();
  await readyReport(page);
  await page.getByTestId('loading-status').locator('summary').click();
  for (const [modality] of files)
    await expect(page.getByTestId('loading-steps').locator(`li.step[data-label="${modality} vectors"]`)).toContainText('from cache');
});

test('category navigation filters the grid to the folder and its sub-folders', async ({ page }) => {
  await openShop(page);
  await expect(page.getByTestId('grid-count')).toHaveText(`${manifest.items.length} items`);

  await categoryButton(page, 'animals').click();
  await expect(categoryButton(page, 'animals')).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('catalog-grid h2')).toHaveText('Animals');
  await expect(page.getByTestId('grid-count')).toHaveText(`${itemsIn('animals').length} items`);
  // The folder's sub-folders appear under it, each with its count.
  await expect(categoryButton(page, 'animals/birds')).toContainText(String(itemsIn('animals/birds').length));

  await categoryButton(page, 'animals/birds').click();
  const birds = itemsIn('animals/birds');
  expect(birds.length).toBeGreaterThan(10);
  await expect(page.locator('catalog-grid h2')).toHaveText('Animals › Birds');
  await expect(page.getByTestId('grid-count')).toHaveText(`${birds.length} items`);
  await expect(gridCards(page)).toHaveCount(birds.length);
  const shown = await gridCards(page).evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.itemId!));
  expect(shown.sort()).toEqual(birds.map((b) => b.id).sort());

  // Back to everything: one page of cards, and "Show more" adds the next.
  await categoryButton(page, '').click();
  await expect(gridCards(page)).toHaveCount(48);
  await page
    .locator('catalog-grid')
    .getByRole('button', { name: /Show 48 more/ })
    .click();
  await expect(gridCards(page)).toHaveCount(96);
});

test('an item shows its picture, description, a sound that loads, and a "Similar to this" rail of its kind; Why? explains with bars that add up', async ({
  page,
}) => {
  await openShop(page);
  const id = 'animals/birds/crow';
  const item = byId.get(id)!;
  await openFromGrid(page, 'animals/birds', id);
  expect(page.url()).toContain(`#item=${encodeURIComponent(id)}`);
  await expect(page.getByTestId('item-description')).toHaveText(item.description!);
  await expect(page.getByTestId('item-category')).toHaveText('Animals › Birds');

  const image = page.getByTestId('item-image');
  await expect(image).toHaveAttribute('alt', item.description!);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  // The sound: the catalog's own file, decoded by the browser far enough to know its length.
  const audio = page.getByTestId('item-audio');
  expect(await audio.evaluate((a: HTMLAudioElement) => a.src)).toMatch(new RegExp(`/catalogs/tuxpaint/${item.audio!.replace(/[.]/g, '\\.')}$`));
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.readyState)).toBeGreaterThanOrEqual(1);
  const duration = await audio.evaluate((a: HTMLAudioElement) => a.duration);
  console.log(`${id}: sound of ${duration.toFixed(2)} s`);
  expect(duration).toBeGreaterThan(0);

  // Similar to this: mostly animals (the stamp's top-level folder), never the crow itself.
  const similar = page.getByTestId('similar-rail');
  await expect(similar.locator('li[data-item-id]')).toHaveCount(10);
  const similarIds = await railIds(similar);
  const animals = similarIds.filter((s) => inCategory(byId.get(s)!.category, 'animals')).length;
  console.log(`similar to ${id}: ${similarIds.join(', ')} (${animals} animals)`);
  expect(similarIds).not.toContain(id);
  expect(animals).toBeGreaterThanOrEqual(6);

  // Why?: a toggle that opens the explanation: its sentence, the crow as the source, and bars
  // whose percentages (modalities + collaborative) add up to about 100 %.
  const why = similar.getByRole('button', { name: /^Why\?/ }).first();
  await expect(why).toHaveAttribute('aria-expanded', 'false');
  await why.click();
  await expect(why).toHaveAttribute('aria-expanded', 'true');
  const panel = similar.locator('why-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('why-summary')).not.toBeEmpty();
  await expect(panel.getByTestId('why-because')).toContainText(item.title);
  const rows = panel.locator('li.bar-row[data-total-part="yes"]');
  const parts = await rows.evaluateAll((lis) =>
    lis.map((li) => ({ part: (li as HTMLElement).dataset.part!, name: li.querySelector('.name')!.textContent!, pct: li.querySelector('.pct')!.textContent! })),
  );
  console.log(`why: ${parts.map((p) => `${p.part} ${p.pct}`).join(', ')}`);
  expect(parts.map((p) => p.part)).toContain('collaborative');
  expect(parts.filter((p) => ['text', 'image', 'audio', 'shared'].includes(p.part)).length).toBeGreaterThan(0);
  for (const p of parts) {
    expect(p.name.trim().length).toBeGreaterThan(3);
    expect(p.pct).toMatch(/^(<1|\d{1,3}) %$/);
  }
  const sum = parts.reduce((s, p) => s + (p.pct.startsWith('<') ? 0.5 : Number.parseInt(p.pct, 10)), 0);
  expect(Math.abs(sum - 100)).toBeLessThanOrEqual(3);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/demo-item.png`, fullPage: true });

  // Closing the explanation, then Back returns to the grid with the crow's card focused.
  await why.click();
  await expect(panel).toBeHidden();
  await backToShop(page);
  expect((await focused(page)).itemId).toBe(id);
});

test('viewing three vehicles turns "Recommended for you" to vehicles; each view is stored with its dwell time', async ({ page }) => {
  await openShop(page);
  const forYou = page.getByTestId('for-you-rail');
  await expect(forYou).toContainText('Open a few items or search by example');
  await expect(forYou.locator('li[data-item-id]')).toHaveCount(0);
  const popular = page.getByTestId('popular-rail');
  await expect(popular.locator('li[data-item-id]')).toHaveCount(10);
  // The default catalog has no shopper data: the cold-start rail says what it shows instead of "Popular".
  expect(manifest.signals).toBeUndefined();
  await expect(popular.getByRole('heading', { level: 2 })).toHaveText('Typical of each category');
  await expect(popular).toContainText('This catalog has no shopper data yet');
  await expect(popular).not.toContainText('Popular');

  const viewed = ['vehicles/auto/sedan', 'vehicles/auto/sportscar', 'vehicles/auto/truck'];
  for (const id of viewed) {
    await openFromGrid(page, 'vehicles/auto', id);
    await page.waitForTimeout(300); // a short look, so the dwell is measurably more than zero
    await backToShop(page);
  }
  // Each view is stored when its item is left; the rail refreshes after the third one is.
  const storedViews = () => page.evaluate(async () => (await window.recs!.exportData()).events.filter((e) => e.type === 'view').length);
  await expect.poll(storedViews).toBe(3);
  await expect(forYou.locator('ul[aria-labelledby="heading"]')).toHaveAttribute('aria-busy', 'false');
  await expect(forYou.locator('li[data-item-id]')).toHaveCount(10);
  const ids = await railIds(forYou);
  const vehicles = ids.filter((id) => inCategory(byId.get(id)!.category, 'vehicles')).length;
  console.log(`for-you after three vehicles: ${ids.join(', ')} (${vehicles} vehicles)`);
  expect(vehicles).toBeGreaterThanOrEqual(6);
  for (const id of viewed) expect(ids).not.toContain(id);

  const events = await page.evaluate(async () => (await window.recs!.exportData()).events.filter((e) => e.type === 'view'));
  expect(events.map((e) => e.itemId)).toEqual(viewed);
  for (const e of events) expect(e.dwellMs).toBeGreaterThanOrEqual(300);

  // Its Why? names the vehicles viewed.
  const why = forYou.getByRole('button', { name: /^Why\?/ }).first();
  await why.click();
  const because = forYou.locator('why-panel').getByTestId('why-because');
  await expect(because).toBeVisible();
  const titles = viewed.map((id) => byId.get(id)!.title);
  await expect(because).toContainText(new RegExp(titles.join('|')));
  await why.click();
  await page.evaluate(() => window.scrollTo(0, 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/demo-home.png` });

  // Forget me (in the privacy panel): the page lets go of the old profile too, back to the cold start.
  const privacy = page.locator('privacy-panel');
  await privacy.getByRole('button', { name: /^Forget me/ }).click();
  await privacy.getByRole('button', { name: 'Yes, delete everything' }).click();
  await expect(forYou).toContainText('Open a few items or search by example');
  await expect(forYou.locator('li[data-item-id]')).toHaveCount(0);
  expect(await page.evaluate(async () => (await window.recs!.exportData()).events.length)).toBe(0);
  await expect(popular.locator('li[data-item-id]')).toHaveCount(10);
});

test('keyboard only: tab to a category, choose it with Enter, tab to an item and open it with Enter', async ({ page }) => {
  await openShop(page);
  await page.locator('body').focus();
  await tabUntil(page, (f) => f.category === 'vehicles');
  await page.keyboard.press('Enter');
  await expect(page.locator('catalog-grid h2')).toHaveText('Vehicles');
  await expect(page.getByTestId('grid-count')).toHaveText(`${itemsIn('vehicles').length} items`);
  await tabUntil(page, (f) => f.itemId !== undefined && f.host.endsWith('catalog-grid > item-card'));
  const { itemId } = await focused(page);
  expect(inCategory(byId.get(itemId!)!.category, 'vehicles')).toBe(true);
  await page.keyboard.press('Enter');
  await expect(itemTitle(page)).toHaveText(byId.get(itemId!)!.title);
  // Focus moved to the item's title, so reading starts there.
  expect((await focused(page)).tag).toBe('h2');
  // Escape hatch for keyboard users too: Back (the first control after the title is reached with Shift+Tab).
  await page.keyboard.press('Shift+Tab');
  expect((await focused(page)).tag).toBe('button');
  await page.keyboard.press('Enter');
  await expect(page.locator('item-view')).toHaveCount(0);
  expect((await focused(page)).itemId).toBe(itemId);
});
