import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { DEMO_CSP } from '../src/demo/demo-csp.ts';
import { readyReport } from './engine-page.ts';
import { PRODUCT, serveShopVariant, SHOP, shownItems, watchShopPage } from './shop-page.ts';
import { expect, test } from './test.ts';

/**
 * Issue 11: a catalog whose every text field is hostile, rendered by every surface of the
 * production build (the demo's grid, item view, why panel, map and search results, and the
 * shop's widget), and the demo's CSP meta. A payload that reached the DOM as markup would
 * either run (it sets `window.__xss`) or be blocked by the CSP (a `securitypolicyviolation`);
 * the test asserts neither happened, no dialog opened, and the payload is on screen as text.
 */
const CATALOGS_DIR = resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs');
const HOSTILE_DIR = join(CATALOGS_DIR, 'e2e-hostile-text');
const CATALOG = 'catalogs/e2e-hostile-text/';

/** Payloads with no "/" (so they also fit a category segment). */
const IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
const SVG = '"><svg onload="window.__xss=(window.__xss||0)+1">';
const JS_URL = 'javascript:window.__xss=1';
const RTL = '\u202Egpj.exe\u202C';
const PAYLOAD = `${IMG}${SVG} ${JS_URL} ${RTL} <iframe srcdoc="<script>window.__xss=1<\u002Fscript>">`;
const LONG = (head: string) => `${head} ${PAYLOAD} ${'W'.repeat(10_000)}`;
/** Hostile ids for a few items (ids are at most 512 characters). */
const HOSTILE_IDS = [`${SVG}frog`, `${IMG}cat`, `javascript:alert(1)`, `${RTL}dog`];

interface ManifestItem {
  id: string;
  title: string;
  category: string;
  description?: string;
}

test.beforeAll(() => {
  rmSync(HOSTILE_DIR, { recursive: true, force: true });
  cpSync(join(CATALOGS_DIR, 'tuxpaint'), HOSTILE_DIR, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(HOSTILE_DIR, 'manifest.json'), 'utf8')) as {
    name: string;
    items: ManifestItem[];
    licenses?: Array<{ name: string; license: string; url?: string }>;
  };
  manifest.name = `${PAYLOAD} ${RTL}`.slice(0, 500);
  manifest.items.forEach((item, i) => {
    if (i < HOSTILE_IDS.length) item.id = HOSTILE_IDS[i]!;
    item.title = LONG(item.title);
    item.description = LONG(item.description ?? '');
    const [top, ...rest] = item.category.split('/');
    item.category = [`${SVG}${top}${RTL}`, ...rest].join('/');
  });
  manifest.licenses = (manifest.licenses ?? []).map((license) => ({ ...license, name: LONG(license.name), url: JS_URL }));
  writeFileSync(join(HOSTILE_DIR, 'manifest.json'), JSON.stringify(manifest));
});

test.afterAll(() => rmSync(HOSTILE_DIR, { recursive: true, force: true }));

/** Records dialogs, CSP violations (composed: shadow roots included) and page errors from the first script on. */
async function watch(page: Page): Promise<{ dialogs: string[]; pageErrors: string[]; violations: () => Promise<string[]>; ran: () => Promise<unknown> }> {
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const list: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = list;
    document.addEventListener('securitypolicyviolation', (event) => list.push(`${event.effectiveDirective}: ${event.blockedURI} ${event.sample}`), true);
  });
  return {
    dialogs,
    pageErrors,
    violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ran: () => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
  };
}

test('the demo page carries its CSP as a meta, first in <head>, and runs the default catalog without a violation', async ({ page }) => {
  const watched = await watch(page);
  const response = await page.goto('/?backend=wasm');
  // The preview server sends no CSP header for the page: the meta alone protects it, as on any static server.
  expect(response?.headers()['content-security-policy']).toBeUndefined();
  // First in <head>: a meta policy governs only what the parser meets after it.
  const first = await page.evaluate(() => {
    const meta = document.head.firstElementChild;
    return { tag: meta?.tagName, equiv: meta?.getAttribute('http-equiv'), content: meta?.getAttribute('content') };
  });
  expect(first).toEqual({ tag: 'META', equiv: 'Content-Security-Policy', content: DEMO_CSP });
  await readyReport(page);
  await expect(page.getByTestId('catalog-grid')).toBeVisible();
  expect(await watched.violations()).toEqual([]);
  // The policy is in force: an inline script added now is blocked and reported.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__xss = "inline ran"';
    document.body.append(script);
  });
  await expect.poll(watched.violations).toEqual([expect.stringMatching(/^script-src-elem: inline/)]);
  expect(await watched.ran()).toBeUndefined();
  expect(watched.pageErrors).toEqual([]);
});

test('a catalog of script payloads, RTL overrides and 10k-character texts renders as text in the grid, item view, why panel, map and search results', async ({
  page,
}) => {
  test.setTimeout(400_000);
  const watched = await watch(page);
  await page.goto(`/?backend=wasm&catalog=${CATALOG}`);
  await readyReport(page);
  await expect.poll(() => page.evaluate(() => document.body.dataset.catalog), { timeout: 120_000 }).toBe('ready');

  // Grid: every title is the payload, as text.
  const grid = page.getByTestId('catalog-grid');
  await expect(grid).toContainText(IMG);
  await expect(grid).toContainText(SVG);

  // Item view through a hostile id in the hash, then its title as a heading.
  await page.evaluate((id) => (location.hash = `item=${encodeURIComponent(id)}`), HOSTILE_IDS[0]!);
  await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: IMG })).toBeVisible();
  await expect(page.getByTestId('item-description')).toContainText(PAYLOAD);
  await page.getByRole('button', { name: /^Back to/ }).click();
  // A second item viewed: the for-you rail then explains itself by these titles.
  await page.evaluate((id) => (location.hash = `item=${encodeURIComponent(id)}`), HOSTILE_IDS[1]!);
  await expect(page.getByTestId('item-description')).toContainText(PAYLOAD);
  await page.getByRole('button', { name: /^Back to/ }).click();

  // Why panel of a for-you item.
  const forYou = page.getByTestId('for-you-rail');
  await expect(forYou).toContainText(IMG, { timeout: 60_000 });
  await forYou
    .getByRole('button', { name: /^Why\?/ })
    .first()
    .click();
  const why = page.locator('why-panel:not([hidden])');
  await expect(why.getByTestId('why-summary')).toBeVisible();
  await expect(why).toContainText(IMG);

  // Map: a point's label shows the title as text.
  const map = page.locator('embedding-map');
  const point = map.locator('[data-id]').first();
  await point.scrollIntoViewIfNeeded();
  await point.hover({ force: true });
  await expect(map.getByTestId('map-label')).toContainText(IMG);

  // Search results by text.
  const search = page.locator('example-search');
  await search.getByLabel('Describe it').fill('a green frog');
  await search.getByLabel('Describe it').press('Enter');
  await expect(page.locator('rec-rail').filter({ hasText: 'Results for' })).toContainText(IMG, { timeout: 300_000 });

  expect(watched.dialogs).toEqual([]);
  expect(await watched.violations()).toEqual([]);
  expect(await watched.ran()).toBeUndefined();
  expect(watched.pageErrors).toEqual([]);
  // Nothing rendered a javascript: link.
  expect(
    await page.evaluate(() => {
      const found: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        for (const el of root.querySelectorAll('*')) {
          for (const attr of ['href', 'src', 'action', 'formaction'])
            if (/^\s*javascript:/i.test(el.getAttribute(attr) ?? '')) found.push(`${el.tagName} ${attr}`);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return found;
    }),
  ).toEqual([]);
});

test('the shop widget renders the hostile catalog as text under its strict CSP, on the list and on a product page with a hostile id', async ({ page }) => {
  test.setTimeout(300_000);
  const watched = await watch(page);
  const shop = await watchShopPage(page);
  const swap = (html: string) => html.replace('catalog="catalogs/tuxpaint/"', `catalog="${CATALOG}"`);
  await serveShopVariant(page, SHOP, swap);
  await page.goto(SHOP);
  const widget = page.locator('ondevice-recs').first();
  await expect.poll(async () => (await shownItems(widget)).length, { timeout: 120_000 }).toBeGreaterThan(0);
  await expect(widget).toContainText(IMG);
  const items = await shownItems(widget);
  expect(items[0]!.title.length).toBeGreaterThan(10_000);

  await serveShopVariant(page, PRODUCT, swap);
  await page.goto(`${PRODUCT}?id=${encodeURIComponent(HOSTILE_IDS[0]!)}`);
  const similar = page.locator('ondevice-recs').first();
  await expect.poll(async () => (await shownItems(similar)).length, { timeout: 120_000 }).toBeGreaterThan(0);
  await expect(similar).toContainText(IMG);

  expect(watched.dialogs).toEqual([]);
  expect(await watched.violations()).toEqual([]);
  expect(await shop.violations()).toEqual([]);
  expect(await watched.ran()).toBeUndefined();
  expect(watched.pageErrors).toEqual([]);
});
