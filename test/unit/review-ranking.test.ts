import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import { historyTokens, reviewWeight } from '../../src/engine/recommend/history-tokens.ts';
import { catalogItemLookup } from '../../src/engine/recommend/item-space.ts';
import { InvalidRequestError, OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { ProfileStoreError } from '../../src/engine/store/profile-store-error.ts';
import { buildCatalog } from '../../src/node/catalog/build-catalog.ts';
import { tuxPaintSourceItems } from '../../src/node/catalog/tuxpaint-source.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { FIXTURE_STAMP_IDS } from '../fixture-stamp-ids.ts';
import { loadCatalogFolder } from '../load-catalog-folder.ts';

/**
 * What a review does to "for you", with the real engine code (OnDeviceRecommender, its
 * history tokens and scorer) on a real catalog: the twelve fixture stamps' descriptions
 * embedded by the real text encoder. The review's P(positive) is given here as the worker's
 * sentiment head would give it (the head itself: sentiment-head.test.ts).
 */
const temp = mkdtempSync(join(tmpdir(), 'review-ranking-'));
let files: LoadedCatalogFiles;
let loaded: LoadedCatalog;

beforeAll(async () => {
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const items = tuxPaintSourceItems(findOrFetchTuxPaintStamps(), { ids: FIXTURE_STAMP_IDS });
  await buildCatalog(items, { outDir: temp, encoders, modalities: ['text'], createdAt: '2026-01-01T00:00:00.000Z' });
  await encoders.dispose();
  files = await loadCatalogFolder(temp);
  loaded = new LoadedCatalog(files);
}, 300_000);

afterAll(() => {
  loaded?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

/** A fresh profile with views of `viewed` (default: bread, cheese, pizza), then `then`; the for-you order over every item, seen ones included. */
async function forYouAfter(
  then: (recs: OnDeviceRecommender) => Promise<unknown>,
  viewed = ['food/bread', 'food/cheese', 'food/pizza'],
): Promise<{ ids: string[]; profile: MemoryProfileStore }> {
  const profile = new MemoryProfileStore({}, 'test');
  const recs = new OnDeviceRecommender(recommenderCatalog(files, loaded.sharedSpace), async () => profile);
  let at = 1000;
  for (const id of viewed) await recs.track('view', id, { at: at++ });
  await then(recs);
  const ids = (await recs.recommend({ mode: 'for-you', k: FIXTURE_STAMP_IDS.length, diversity: false, rules: { excludeSeen: false } }, { record: false })).map(
    (i) => i.id,
  );
  recs.catalog.space.release(true);
  return { ids, profile };
}

/** The item most like `id` (the engine's `similar`), leaving out the three viewed. */
async function nearestUnviewed(id: string): Promise<string> {
  const recs = new OnDeviceRecommender(recommenderCatalog(files, loaded.sharedSpace), async () => new MemoryProfileStore({}, 'test'));
  const similar = await recs.recommend(
    { mode: 'similar', itemId: id, k: 5, diversity: false, rules: { excludeIds: [id, 'food/bread', 'food/cheese'] } },
    { record: false },
  );
  recs.catalog.space.release(true);
  return similar[0]!.id;
}

describe('review events in the ranking', () => {
  it('a negative review pushes the item down most and its nearest neighbours less; a positive one lifts them', async () => {
    const plain = await forYouAfter(async () => undefined);
    const negative = await forYouAfter((recs) => recs.track('review', 'food/pizza', { text: 'Awful, soggy and cold.', at: 5000 }, 0.05));
    const positive = await forYouAfter((recs) => recs.track('review', 'food/pizza', { text: 'Delicious!', at: 5000 }, 0.95));
    const rank = (ids: string[], id: string) => ids.indexOf(id);
    console.log(`plain ${plain.ids.join(' ')}\nnegative ${negative.ids.join(' ')}\npositive ${positive.ids.join(' ')}`);
    // The pizza was among the first (just viewed); after "awful" it is last.
    expect(rank(plain.ids, 'food/pizza')).toBeLessThan(3);
    expect(rank(negative.ids, 'food/pizza')).toBe(FIXTURE_STAMP_IDS.length - 1);
    // The two food items viewed (and not reviewed) keep the lead, and the nearest food item after them.
    expect(negative.ids.slice(0, 2).sort()).toEqual(['food/bread', 'food/cheese']);
    const nearest = await nearestUnviewed('food/pizza');
    expect(rank(negative.ids, nearest)).toBe(2);
    // With the pizza alone in the history, its nearest neighbour falls from second to second-last: down, but less than the pizza.
    const alonePlain = await forYouAfter(async () => undefined, ['food/pizza']);
    const aloneNegative = await forYouAfter((recs) => recs.track('review', 'food/pizza', { text: 'Awful, soggy and cold.', at: 5000 }, 0.05), ['food/pizza']);
    expect(rank(alonePlain.ids, 'food/pizza')).toBe(0);
    expect(rank(aloneNegative.ids, 'food/pizza')).toBe(FIXTURE_STAMP_IDS.length - 1);
    expect(rank(aloneNegative.ids, nearest)).toBeGreaterThan(rank(alonePlain.ids, nearest) + 5);
    expect(rank(aloneNegative.ids, nearest)).toBeLessThan(rank(aloneNegative.ids, 'food/pizza'));
    // A positive review counts like a purchase: the pizza leads.
    expect(rank(positive.ids, 'food/pizza')).toBe(0);
    // The review is stored with its words and P(positive).
    const stored = (await negative.profile.events()).find((e) => e.type === 'review');
    expect(stored).toMatchObject({ itemId: 'food/pizza', text: 'Awful, soggy and cold.', sentiment: 0.05 });
  });

  it('weights: P(positive) → 4 × (2p − 1) when positive, a dismiss × (1 − 2p) when negative, capping the token below zero whatever came before; the latest review counts', () => {
    expect(reviewWeight(1, 4, -1)).toBe(4);
    expect(reviewWeight(0.5, 4, -1)).toBe(0);
    expect(reviewWeight(0.05, 4, -1)).toBeCloseTo(-0.9, 12);
    const catalog = recommenderCatalog(files, loaded.sharedSpace);
    const lookup = { catalogItem: catalogItemLookup(catalog.space), adhocItem: () => undefined };
    const tokens = (events: Parameters<typeof historyTokens>[0]) => historyTokens(events, lookup, { halfLife: 1 });
    const bought = { type: 'purchase', itemId: 'food/pizza', at: 1 };
    expect(tokens([bought, { type: 'review', itemId: 'food/pizza', at: 2, sentiment: 0.05 }])[0]!.weight).toBeCloseTo(-0.9, 12);
    expect(tokens([bought, { type: 'review', itemId: 'food/pizza', at: 2, sentiment: 0.9 }])[0]!.weight).toBeCloseTo(4 + 3.2, 12);
    expect(
      tokens([
        { type: 'review', itemId: 'food/pizza', at: 1, sentiment: 0.05 },
        { type: 'review', itemId: 'food/pizza', at: 2, sentiment: 0.9 },
      ])[0]!.weight,
    ).toBeCloseTo(3.2, 12);
    catalog.space.release(true);
  });

  it('refuses a review without words or sentiment, and words on other events; the store refuses a bad review record', async () => {
    const profile = new MemoryProfileStore({}, 'test');
    const recs = new OnDeviceRecommender(recommenderCatalog(files, loaded.sharedSpace), async () => profile);
    await expect(recs.track('review', 'food/pizza', { text: 'ok' })).rejects.toThrow(InvalidRequestError);
    await expect(recs.track('view', 'food/pizza', { text: 'ok' })).rejects.toThrow('text is only for reviews');
    await expect(profile.addEvent({ type: 'review', itemId: 'food/pizza', text: ' ', sentiment: 0.2 })).rejects.toThrow(ProfileStoreError);
    await expect(profile.addEvent({ type: 'review', itemId: 'food/pizza', text: 'fine', sentiment: 1.5 })).rejects.toThrow('sentiment');
    await expect(profile.addEvent({ type: 'view', itemId: 'food/pizza', sentiment: 0.5 })).rejects.toThrow("is only for 'review' events");
    expect(await profile.events()).toEqual([]);
    recs.catalog.space.release(true);
  });
});
