import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readyReport } from './engine-page.ts';
import { expect, test } from './test.ts';

/**
 * Issue 10 item 7 in the production build: a catalog whose learned model is blended into
 * for-you (the committed learned-parity fixture, a real trained sequence model on 48 numeric
 * items, with its blend weight set to 2) explains a for-you item by the model too: the demo's
 * Why panel lists the history items the model's score came from.
 */
const CATALOGS_DIR = resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs');
const LEARNED_DIR = join(CATALOGS_DIR, 'e2e-learned');
const CATALOG = 'catalogs/e2e-learned/';
const VIEWED = ['item1', 'item5', 'item9', 'item13'];

test.beforeAll(() => {
  rmSync(LEARNED_DIR, { recursive: true, force: true });
  cpSync(resolve('test/browser/fixtures/learned-parity'), LEARNED_DIR, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(LEARNED_DIR, 'manifest.json'), 'utf8')) as { learnedModel: { blendWeight: number } };
  manifest.learnedModel.blendWeight = 2;
  writeFileSync(join(LEARNED_DIR, 'manifest.json'), JSON.stringify(manifest));
});

test.afterAll(() => rmSync(LEARNED_DIR, { recursive: true, force: true }));

test("the Why panel of a for-you item shows the learned model's share and the history items it came from", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(`/?backend=wasm&catalog=${CATALOG}`);
  await readyReport(page);
  await expect.poll(() => page.evaluate(() => document.body.dataset.catalog), { timeout: 120_000 }).toBe('ready');
  for (const id of VIEWED) {
    await page.evaluate((item) => (location.hash = `item=${encodeURIComponent(item)}`), id);
    await expect(page.getByRole('heading', { level: 2 }).filter({ hasText: `Item ${id.slice(4)}` })).toBeVisible();
    await page.getByRole('button', { name: /^Back to/ }).click();
  }
  const forYou = page.getByTestId('for-you-rail');
  await expect(forYou.getByRole('button', { name: /^Why\?/ }).first()).toBeVisible({ timeout: 60_000 });
  await forYou
    .getByRole('button', { name: /^Why\?/ })
    .first()
    .click();
  const why = page.locator('why-panel:not([hidden])');
  await expect(why.getByTestId('why-summary')).toBeVisible();
  const from = why.getByTestId('why-model-from');
  await expect(from).toBeVisible();
  const names = await from.locator('li > span:first-child').allTextContents();
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(VIEWED.map((id) => `Item ${id.slice(4)}`)).toContain(name.trim());
  // The model's id-embedding part is a bar under "What other shoppers did", and every bar that
  // counts towards the total adds up to about 100 %.
  const shares = await why.locator('li.bar-row[data-total-part="yes"]').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.share)));
  expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(0.01);
  await expect(why.locator('li.bar-row[data-part="learned"]')).toHaveCount(1);
});
