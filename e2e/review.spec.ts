import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { readyReport } from './engine-page.ts';
import { expect, test } from './test.ts';

/**
 * "Your review" in the demo's item view, on the real default catalog in a real Chromium: the
 * worker embeds the words with the text encoder, the sentiment head built by
 * `npm run train:sentiment` (public/models/sentiment-head/) reads them, and a negative review
 * pushes the item and its look-alikes down in "Recommended for you". The review is kept in
 * IndexedDB with the other events: the export has it.
 */
const APP = '/?backend=wasm';
const VIEWED = ['vehicles/auto/sedan', 'vehicles/auto/sportscar', 'vehicles/auto/truck'];
const REVIEWED = 'vehicles/auto/truck';

interface ManifestItem {
  id: string;
  title: string;
}

test.use({ viewport: { width: 1280, height: 800 } });

async function openItem(page: Page, id: string, title: string): Promise<void> {
  const parts = 'vehicles/auto'.split('/');
  for (let depth = 1; depth <= parts.length; depth++) await page.locator(`category-nav button[data-category="${parts.slice(0, depth).join('/')}"]`).click();
  await page.locator(`catalog-grid li[data-item-id="${id}"] item-card`).click();
  await expect(page.locator('item-view h2')).toHaveText(title);
}

async function backToShop(page: Page): Promise<void> {
  await page
    .locator('item-view')
    .getByRole('button', { name: /Back to/ })
    .click();
  await expect(page.locator('item-view')).toHaveCount(0);
}

/** The for-you order over the whole catalog, viewed items included, so the reviewed item's own place shows. */
function fullForYou(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    (await window.recs!.recommend({ mode: 'for-you', k: 1000, diversity: false, rules: { excludeSeen: false } })).map((i) => i.id),
  );
}

test('a negative review in the item view is read as negative, pushes the item and its neighbours down in for-you, and is in the export', async ({ page }) => {
  const manifest = JSON.parse(readFileSync('public/catalogs/tuxpaint/manifest.json', 'utf8')) as { items: ManifestItem[] };
  const titleOf = (id: string) => manifest.items.find((i) => i.id === id)!.title;
  await page.goto(APP);
  await readyReport(page);
  for (const id of VIEWED) {
    await openItem(page, id, titleOf(id));
    await backToShop(page);
  }
  await expect.poll(() => page.evaluate(async () => (await window.recs!.exportData()).events.filter((e) => e.type === 'view').length)).toBe(3);
  const before = await fullForYou(page);
  const neighbours = await page.evaluate(
    async (id) =>
      (
        await window.recs!.recommend({
          mode: 'similar',
          itemId: id,
          k: 3,
          diversity: false,
          rules: { excludeIds: [id, 'vehicles/auto/sedan', 'vehicles/auto/sportscar'] },
        })
      ).map((i) => i.id),
    REVIEWED,
  );
  const forYou = page.getByTestId('for-you-rail');
  const railBefore = await forYou.locator('li[data-item-id]').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.itemId!));

  // The shopper writes a negative review of the truck.
  await openItem(page, REVIEWED, titleOf(REVIEWED));
  const box = page.locator('review-box');
  // Nothing written: the page says so, and nothing reaches the engine.
  await box.getByRole('button', { name: 'Save review' }).click();
  await expect(box.getByRole('alert')).toHaveText('Write a few words first.');
  const words = 'Terrible truck. It broke down on the first day and the dealer would not help. A complete waste of money.';
  await box.getByLabel('Your review').fill(words);
  await box.getByRole('button', { name: 'Save review' }).click();
  const verdict = box.getByTestId('review-polarity');
  await expect(verdict).toHaveAttribute('data-polarity', 'negative');
  await expect(verdict).toContainText('Read as negative');
  await backToShop(page);

  // The truck falls to the bottom of the whole for-you order, its nearest neighbours fall too, and it is not in the rail.
  const after = await fullForYou(page);
  console.log(
    `truck rank ${before.indexOf(REVIEWED)} → ${after.indexOf(REVIEWED)} of ${after.length}; neighbours ${neighbours.map((id) => `${id} ${before.indexOf(id)} → ${after.indexOf(id)}`).join(', ')}`,
  );
  expect(before.indexOf(REVIEWED)).toBeLessThan(3);
  expect(after.indexOf(REVIEWED)).toBeGreaterThan(before.indexOf(REVIEWED) + 50);
  for (const id of neighbours) {
    expect(after.indexOf(id)).toBeGreaterThan(before.indexOf(id));
    expect(after.indexOf(id)).toBeLessThan(after.indexOf(REVIEWED));
  }
  await expect(forYou.locator('ul[aria-labelledby="heading"]')).toHaveAttribute('aria-busy', 'false');
  const railAfter = await forYou.locator('li[data-item-id]').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.itemId!));
  console.log(`for-you rail before: ${railBefore.join(', ')}\nafter: ${railAfter.join(', ')}`);
  expect(railAfter).not.toContain(REVIEWED);
  expect(railAfter).not.toEqual(railBefore);

  // The review is stored with the other events, words and all.
  const reviews = await page.evaluate(async () => (await window.recs!.exportData()).events.filter((e) => e.type === 'review'));
  expect(reviews).toHaveLength(1);
  expect(reviews[0]).toMatchObject({ itemId: REVIEWED, text: words });
  expect(reviews[0]!.sentiment).toBeLessThan(0.5);

  // A review that is too long is refused with a typed error and nothing is stored.
  const tooLong = await page.evaluate(
    async (id) =>
      window.recs!.track('review', id, { text: 'x'.repeat(5001) }).then(
        () => 'stored',
        (e: Error) => e.message,
      ),
    REVIEWED,
  );
  expect(tooLong).toMatch(/^\[text-too-long\] /);
  const blank = await page.evaluate(
    async (id) =>
      window.recs!.track('review', id, { text: '   ' }).then(
        () => 'stored',
        (e: Error) => e.message,
      ),
    REVIEWED,
  );
  expect(blank).toMatch(/^\[empty-text\] /);
  expect(await page.evaluate(async () => (await window.recs!.exportData()).events.filter((e) => e.type === 'review').length)).toBe(1);
});
