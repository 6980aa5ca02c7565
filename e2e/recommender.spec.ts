import type { Page } from '@playwright/test';
import type { RecommendRequest, RecommendedItem } from '../src/protocol/recommend.ts';
import { idbEventCount, readyReport } from './engine-page.ts';
import { stampBytes } from './stamp-fixtures.ts';
import { expect, test } from './test.ts';

/**
 * The recommender in the demo page on the real default catalog (Tux Paint stamps), with the
 * profile in the worker's real IndexedDB. `?backend=wasm` skips the slow software-WebGPU
 * probe; the ranking code is the same on every backend.
 */
const DB = 'ondevice-recs-profile';
const APP = '/?backend=wasm';

async function openDemo(page: Page): Promise<void> {
  await page.goto(APP);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
}

const recommend = (page: Page, request: RecommendRequest) => page.evaluate((r) => window.recs!.recommend(r), request);
const track = (page: Page, type: string, id: string, extra?: object) =>
  page.evaluate(({ type, id, extra }) => window.recs!.track(type as 'view', id, extra), { type, id, extra });

/** Error name and message of a rejected page-side call. */
function failure(page: Page, body: string): Promise<string> {
  return page.evaluate(async (body) => {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the spec's code for the page, as text, run there
      await (new Function('recs', `return (${body})`) as (r: unknown) => Promise<unknown>)(window.recs);
      return 'resolved';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  }, body);
}

const inCategory = (items: RecommendedItem[], prefix: string) => items.filter((i) => i.category === prefix || i.category.startsWith(`${prefix}/`)).length;

test('viewing three vehicles turns for-you towards vehicles, with an explanation for every item; the profile survives a reload; forget() empties IndexedDB', async ({
  page,
}) => {
  await openDemo(page);
  const cold = await recommend(page, { mode: 'for-you', k: 10 });
  expect(cold).toHaveLength(10);
  // The default catalog has no shopper data, and the explanation says so rather than "popular".
  expect(cold[0]!.explanation.summary).toBe('No history yet. Typical of its category (no shopper data yet).');
  const before = inCategory(cold, 'vehicles');

  const viewed = ['vehicles/auto/sedan', 'vehicles/auto/sportscar', 'vehicles/auto/truck'];
  for (const id of viewed) expect(await track(page, 'view', id, { dwellMs: 15_000 })).toMatchObject({ stored: true, pending: 0 });
  const tensorsBefore = await page.evaluate(() => window.engine!.api.tensorCount());
  const forYou = await recommend(page, { mode: 'for-you', k: 10 });
  // The recommender's matrices (per modality, and the shared space's) go to the backend once, on first use; no call leaks.
  const afterFirst = await page.evaluate(() => window.engine!.api.tensorCount());
  expect(afterFirst).toBeGreaterThan(tensorsBefore);
  await recommend(page, { mode: 'for-you', k: 10 });
  await recommend(page, { mode: 'similar', itemId: 'food/bread', k: 4 });
  expect(await page.evaluate(() => window.engine!.api.tensorCount())).toBe(afterFirst);

  expect(forYou).toHaveLength(10);
  const after = inCategory(forYou, 'vehicles');
  console.log(`vehicles in for-you top 10: before ${before}, after three vehicle views ${after}`);
  expect(after).toBeGreaterThan(before);
  expect(after).toBeGreaterThanOrEqual(6);
  for (const item of forYou) {
    expect(viewed, 'seen items are not recommended again').not.toContain(item.id);
    expect(item.explanation.summary.length).toBeGreaterThan(10);
    expect(item.explanation.because.length).toBeGreaterThan(0);
    for (const source of item.explanation.because) expect(viewed).toContain(source.id);
    const shares = Object.values(item.explanation.modalities).reduce((a, b) => a + b!, 0) + item.explanation.collaborative;
    expect(shares).toBeCloseTo(1, 1);
  }

  // Similar items and popular work on the same profile.
  const similar = await recommend(page, { mode: 'similar', itemId: 'animals/birds/crow', k: 5, modality: 'image' });
  expect(similar.map((i) => i.id)).not.toContain('animals/birds/crow');
  expect(inCategory(similar, 'animals')).toBeGreaterThanOrEqual(3);

  // Reload: a new worker reads the same profile from IndexedDB and ranks the same way.
  await page.reload();
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
  expect((await page.evaluate(() => window.recs!.profile())).events).toBeGreaterThanOrEqual(3);
  expect((await recommend(page, { mode: 'for-you', k: 10 })).map((i) => i.id)).toEqual(forYou.map((i) => i.id));

  const exported = await page.evaluate(() => window.recs!.exportData());
  expect(exported.events.filter((e) => e.type === 'view').map((e) => e.itemId)).toEqual(viewed);
  expect(await idbEventCount(page, DB)).toBeGreaterThanOrEqual(3);

  expect(await page.evaluate(() => window.recs!.forget())).toMatchObject({ events: 0, adhocItems: 0, modelStates: 0, pending: 0 });
  expect(['no database', 0]).toContain(await idbEventCount(page, DB));
  expect((await recommend(page, { mode: 'for-you', k: 10 }))[0]!.explanation.summary).toContain('No history yet');
});

test('a click on a recommended item updates the personal model, stored in IndexedDB', async ({ page }) => {
  await openDemo(page);
  await track(page, 'view', 'food/bread');
  const list = await recommend(page, { mode: 'for-you', k: 5 });
  expect(await track(page, 'click', list[2]!.id)).toMatchObject({ stored: true, learned: true });
  const exported = await page.evaluate(() => window.recs!.exportData());
  expect(exported.modelStates).toHaveLength(1);
  expect(exported.modelStates[0]!.updates).toBe(1);
  expect(exported.modelStates[0]!.weights.some((w) => w !== 0)).toBe(true);
  await page.evaluate(() => window.recs!.forget());
});

test('two tabs tracking at once keep every event, in one uncorrupted store', async ({ page, context }) => {
  await openDemo(page);
  const other = await context.newPage();
  await openDemo(other);
  const idsA = ['food/bread', 'food/cheese', 'food/fruit/apple_red', 'food/fruit/banana', 'food/vegetables/corn'];
  const idsB = ['animals/birds/crow', 'animals/mammals/badger', 'animals/insects/bee', 'animals/birds/duck', 'animals/mammals/aquatic/dolphin'];
  const burst = (p: Page, ids: string[]) =>
    p.evaluate(async (ids) => Promise.all(ids.flatMap((id) => [window.recs!.track('view', id), window.recs!.track('click', id)])), ids);
  await Promise.all([burst(page, idsA), burst(other, idsB)]);
  const exported = await page.evaluate(() => window.recs!.exportData());
  const ids = exported.events.map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  const tracked = exported.events
    .filter((e) => e.type === 'view' || e.type === 'click')
    .map((e) => `${e.type} ${e.itemId}`)
    .sort();
  expect(tracked).toEqual([...idsA, ...idsB].flatMap((id) => [`click ${id}`, `view ${id}`]).sort());
  // Both tabs still rank from the shared profile.
  expect(await recommend(other, { mode: 'for-you', k: 3 })).toHaveLength(3);
  expect(await recommend(page, { mode: 'for-you', k: 3 })).toHaveLength(3);
  await page.evaluate(() => window.recs!.forget());
});

test('bad requests get errors naming the problem; a filter matching nothing gives an empty list', async ({ page }) => {
  await openDemo(page);
  expect(await failure(page, `recs.track('view', 'no/such/stamp')`)).toBe(
    'InvalidRequestError: track: unknown item id "no/such/stamp" (not in catalog "Tux Paint stamps"; an item the catalog lacks needs its content: { content: { title, image, audio } })',
  );
  expect(await failure(page, `recs.track('stare', 'food/bread')`)).toContain('track: unknown event type "stare"');
  expect(await failure(page, `recs.recommend({ mode: 'psychic', k: 3 })`)).toContain('recommend: unknown mode "psychic"');
  expect(await failure(page, `recs.recommend({ mode: 'for-you', k: 0 })`)).toContain('k must be a whole number ≥ 1, got 0');
  expect(await failure(page, `recs.recommend({ mode: 'for-you', k: 1e9 })`)).toContain('k must be at most 1000');
  expect(await failure(page, `recs.recommend({ mode: 'similar', k: 3 })`)).toContain('mode "similar" needs an itemId');
  expect(await failure(page, `recs.recommend({ mode: 'similar', k: 3, itemId: 'nope' })`)).toContain('unknown item id "nope"');
  expect(await failure(page, `recs.recommend({ mode: 'for-you', k: 3, filters: [{ field: 'category' }] })`)).toContain(
    'filters[0] (category): give at least one of in, notIn, min, max',
  );
  expect(await recommend(page, { mode: 'for-you', k: 5, filters: [{ field: 'category', in: ['no-such-category'] }] })).toEqual([]);
  // The default per-category cap of `popular` is soft: a filter to one category still fills the list…
  expect(await recommend(page, { mode: 'popular', k: 5, filters: [{ field: 'category', in: ['food'] }] })).toHaveLength(5);
  // …a cap the caller sets is hard.
  expect(await recommend(page, { mode: 'popular', k: 5, filters: [{ field: 'category', in: ['food'] }], diversity: { perCategoryCap: 2 } })).toHaveLength(2);
  // Still serving after the errors.
  expect(await track(page, 'view', 'food/bread')).toMatchObject({ stored: true });
  await page.evaluate(() => window.recs!.forget());
});

test('search by example: a typed text and a real stamp picture find their kind, across modalities, and become part of the profile', async ({ page }) => {
  await openDemo(page);
  const byText = await page.evaluate(() => window.recs!.searchByExample({ text: 'a fast red sports car' }, 5));
  console.log('text example →', byText.map((i) => i.id).join(', '));
  expect(inCategory(byText, 'vehicles')).toBeGreaterThanOrEqual(3);
  expect(byText[0]!.explanation.because[0]).toMatchObject({ adhoc: true });

  // The bee stamp's own picture (bytes from the stamps package) finds that stamp first, and animals.
  const bee = stampBytes('animals/insects/bee.png').toString('base64');
  const byImage = await page.evaluate(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'image/png' });
    return window.recs!.searchByExample({ image: blob }, 5);
  }, bee);
  console.log('image example →', byImage.map((i) => `${i.id} (${JSON.stringify(i.explanation.modalities)})`).join(', '));
  expect(byImage[0]!.id).toBe('animals/insects/bee');
  expect(inCategory(byImage, 'animals')).toBeGreaterThanOrEqual(2);
  // The shared space lets the picture reach items through their text and sound too.
  expect(byImage.some((i) => (i.explanation.modalities.shared ?? 0) > 0)).toBe(true);

  // Both examples are stored (vectors in IndexedDB) and count as history for for-you.
  const exported = await page.evaluate(() => window.recs!.exportData());
  expect(exported.adhocItems.map((a) => a.modality).sort()).toEqual(['image', 'text']);
  expect(exported.adhocItems.find((a) => a.modality === 'image')!.vector).toHaveLength(1280);
  const forYou = await recommend(page, { mode: 'for-you', k: 5 });
  expect(forYou.flatMap((i) => i.explanation.because).some((b) => b.adhoc)).toBe(true);

  // A file that is not an image is refused with a typed error; the profile is unchanged.
  const refused = await page.evaluate(async () => {
    try {
      await window.recs!.searchByExample({ image: new Blob(['not an image at all'], { type: 'image/png' }) }, 5);
      return 'resolved';
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  });
  expect(refused).toMatch(/^EncoderInputError: /);
  expect((await page.evaluate(() => window.recs!.profile())).adhocItems).toBe(2);
  await page.evaluate(() => window.recs!.forget());
});
