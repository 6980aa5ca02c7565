// The on-device user adapter (issue 10 item 6) on real IndexedDB: a click on a catalog with a
// learned model takes one bounded step, stored as the profile's model state; a reload (a new
// store and recommender on the same database) reads it back and ranks with it; export carries
// it; forget() wipes it. The catalog is the learned-parity fixture (a real sequence model),
// blended in with weight 1 (its manifest's fitted weight is 0).
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogFiles, type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { ADAPTER_MAX_NORM } from '../../src/engine/model/user-adapter.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { openProfileStore, type ProfileStore } from '../../src/engine/store/profile-store.ts';
import { uniqueDbName } from './idb-test-helpers.ts';

let files: LoadedCatalogFiles;
const opened: ProfileStore[] = [];

beforeAll(async () => {
  await tf.setBackend('cpu');
  const loaded = await loadCatalogFiles(new URL('./fixtures/learned-parity/', import.meta.url).href, { caches: null });
  const learned = loaded.learnedModel!;
  files = { ...loaded, learnedModel: { ...learned, entry: { ...learned.entry, blendWeight: 1 } } };
}, 120_000);

afterEach(async () => {
  for (const store of opened.splice(0)) await store.forget().catch(() => undefined);
});

async function open(dbName: string): Promise<{ store: ProfileStore; recommender: OnDeviceRecommender }> {
  const store = await openProfileStore({ dbName });
  opened.push(store);
  return { store, recommender: new OnDeviceRecommender(recommenderCatalog(files, undefined), async () => store) };
}

describe('user adapter in the profile', () => {
  it('a click stores δ; a reload ranks with it; export carries it; forget() wipes it', async () => {
    const dbName = uniqueDbName('adapter');
    const { store, recommender } = await open(dbName);
    const key = `adapter:${recommender.catalog.profileKey}`;
    for (const [i, id] of ['item1', 'item5', 'item9'].entries()) await recommender.track('view', id, { at: 1000 + i });
    // Views do not train the adapter.
    expect(await store.modelState(key)).toBeUndefined();
    const shown = await recommender.recommend({ mode: 'for-you', k: 5 });
    const clicked = shown[2]!.id;
    const result = await recommender.track('click', clicked, { at: 2000 });
    expect(result.learned).toBe(true);
    const saved = (await store.modelState(key))!;
    expect(saved).toMatchObject({ key, version: 1, updates: 1 });
    expect(saved.weights).toHaveLength(files.learnedModel!.entry.dims);
    const norm = Math.hypot(...saved.weights);
    expect(norm).toBeGreaterThan(0);
    expect(norm).toBeLessThanOrEqual(ADAPTER_MAX_NORM);
    const before = tf.memory().numTensors;
    const list = await recommender.recommend({ mode: 'for-you', k: 10 }, { record: false });
    expect(tf.memory().numTensors).toBe(before);

    // A reload: a new store and recommender on the same database read δ back and give the same list.
    await store.close();
    const again = await open(dbName);
    expect((await again.store.modelState(key))!.weights).toEqual(saved.weights);
    expect((await again.recommender.recommend({ mode: 'for-you', k: 10 }, { record: false })).map((i) => i.id)).toEqual(list.map((i) => i.id));
    const exported = await again.store.exportData();
    expect(exported.modelStates.map((m) => m.key)).toContain(key);

    // A second click continues from the stored δ.
    await again.recommender.track('add-to-cart', 'item13', { at: 3000 });
    expect((await again.store.modelState(key))!.updates).toBe(2);

    await again.store.forget();
    again.recommender.resetPersonal();
    const fresh = await open(dbName);
    expect(await fresh.store.modelState(key)).toBeUndefined();
    expect((await fresh.store.exportData()).modelStates).toEqual([]);
  }, 120_000);

  it('a stored δ is read back and ranks; a damaged one reads as none', async () => {
    /** Every unseen item with its score (k = 45 of the 48 items: all but the 3 viewed). */
    const ranks = async (weights: number[] | undefined): Promise<Array<[string, number]>> => {
      const { store, recommender } = await open(uniqueDbName('adapter-read'));
      for (const [i, id] of ['item1', 'item5', 'item9'].entries())
        await store.addEvent({ type: 'view', itemId: id, catalog: recommender.catalog.profileKey, at: 1000 + i });
      if (weights) await store.putModelState({ key: `adapter:${recommender.catalog.profileKey}`, version: 1, weights, updates: 7 });
      return (await recommender.recommend({ mode: 'for-you', k: 45, diversity: false }, { record: false })).map((i) => [i.id, i.score]);
    };
    const dims = files.learnedModel!.entry.dims;
    const plain = await ranks(undefined);
    expect(plain).toHaveLength(45);
    // δ at the bound along the direction of the item the plain list ranks last.
    const target = plain[44]![0];
    const vectors = files.learnedModel!.itemVectors;
    const row = Number(target.slice(4));
    const codes = new Int8Array(vectors.buffer, vectors.byteOffset + 48 * 4 + row * dims, dims);
    const norm = Math.hypot(...codes);
    const delta = [...codes].map((c) => (c / norm) * ADAPTER_MAX_NORM);
    const adapted = await ranks(delta);
    // The target's score rises (the fusion head may still keep it last among 45).
    const scoreOf = (list: Array<[string, number]>) => list.find(([id]) => id === target)![1];
    expect(scoreOf(adapted), JSON.stringify([plain.slice(40), adapted.slice(40)])).toBeGreaterThan(scoreOf(plain));
    // Wrong dims, or beyond the bound: a stale or damaged record, ignored.
    expect(await ranks(delta.slice(1))).toEqual(plain);
    expect(await ranks(delta.map((v) => v * 3))).toEqual(plain);
  }, 120_000);
});
