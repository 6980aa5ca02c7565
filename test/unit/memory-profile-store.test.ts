import { describe, expect, it } from 'vitest';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { profileStoreErrorCode } from '../../src/engine/store/profile-store.ts';

/** The in-memory profile the engine falls back to without IndexedDB: same API and validation as ProfileStore. */
describe('MemoryProfileStore', () => {
  it('stores, queries, trims, exports and forgets like the IndexedDB store', async () => {
    const store = new MemoryProfileStore({ maxEvents: 3 }, 'IndexedDB is blocked');
    for (const itemId of ['a', 'b', 'c', 'd']) await store.addEvent({ type: 'view', itemId, catalog: 'shop' });
    await store.addEvent({ type: 'click', itemId: 'x', catalog: 'other' });
    expect((await store.events()).map((e) => e.itemId)).toEqual(['c', 'd', 'x']);
    expect((await store.events({ catalog: 'shop', limit: 1 })).map((e) => e.itemId)).toEqual(['d']);
    const ids = (await store.events()).map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await store.putAdhocItem({
      id: 'ex-1',
      modality: 'text',
      vector: new Float32Array([0.6, 0.8]),
      encoder: { name: 'e', version: '1', dims: 2 },
      label: 'a red fruit',
    } as never);
    expect((await store.adhocItem('ex-1'))?.label).toBe('a red fruit');
    await store.putModelState({ key: 'shop', version: 1, weights: [1, 2], updates: 3 });
    expect(await store.counts()).toEqual({ events: 3, adhocItems: 1, modelStates: 1 });
    const exported = await store.exportData();
    expect(exported.events).toHaveLength(3);
    expect(exported.adhocItems).toHaveLength(1);
    await store.forget();
    expect(await store.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
  });

  it('refuses a bad event with the same typed error', async () => {
    const store = new MemoryProfileStore({}, 'blocked');
    const error = await store.addEvent({ type: 'view', itemId: 'x'.repeat(600), catalog: 'shop' }).catch((e: unknown) => e);
    expect(profileStoreErrorCode(error)).toBe('invalid-event');
    expect(await store.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
  });
});
