// Profiles keyed by catalog origin + path: the one-time move of history recorded under the
// old name-based key, in real IndexedDB (one transaction, a marker in meta makes it once).
import { afterEach, describe, expect, it } from 'vitest';
import { openProfileStore } from '../../src/engine/store/profile-store.ts';
import { rawDelete, uniqueDbName } from './idb-test-helpers.ts';

const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await rawDelete(name);
});

describe('adoptLegacyCatalogKey', () => {
  it('moves the events and personal model of the old key once, and survives a reopen', async () => {
    const name = uniqueDbName('catalog-key');
    names.push(name);
    const key = 'https://shop.example/catalogs/tux/';
    const store = await openProfileStore({ dbName: name });
    await store.addEvent({ type: 'click', itemId: 'a', catalog: 'tuxpaint', at: 1 });
    await store.addEvent({ type: 'view', itemId: 'x', catalog: 'other-shop', at: 2 });
    await store.addEvent({ type: 'view', itemId: 'b', catalog: 'tuxpaint', at: 3 });
    await store.putModelState({ key: 'fusion:tuxpaint', version: 1, weights: [0.25, -0.5], updates: 4 });

    expect(await store.adoptLegacyCatalogKey('tuxpaint', key)).toBe(2);
    expect((await store.events({ catalog: key })).map((e) => [e.id, e.itemId])).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect((await store.events({ catalog: 'other-shop' })).map((e) => e.itemId)).toEqual(['x']);
    expect(await store.modelState('fusion:tuxpaint')).toBeUndefined();
    expect(await store.modelState(`fusion:${key}`)).toMatchObject({ weights: [0.25, -0.5], updates: 4 });
    await store.close();

    // Later: an event written under the old name (an old tab still open) is not moved again,
    // and no other catalog declaring that name takes anything.
    const again = await openProfileStore({ dbName: name });
    await again.addEvent({ type: 'view', itemId: 'c', catalog: 'tuxpaint', at: 4 });
    expect(await again.adoptLegacyCatalogKey('tuxpaint', 'https://evil.example/catalogs/tux/')).toBe(0);
    expect(await again.events({ catalog: 'https://evil.example/catalogs/tux/' })).toEqual([]);
    expect((await again.events({ catalog: key })).map((e) => e.itemId)).toEqual(['a', 'b']);
    await again.close();
  });

  it('keeps at most maxAdhocItems search examples in IndexedDB, deleting the oldest in the same transaction', async () => {
    const name = uniqueDbName('adhoc-cap');
    names.push(name);
    const store = await openProfileStore({ dbName: name, maxAdhocItems: 3 });
    const example = (id: string, createdAt: number) => ({
      id,
      createdAt,
      modality: 'text' as const,
      vector: new Float32Array([0.6, 0.8]),
      encoder: { name: 't', version: '1', dims: 2 },
    });
    for (let i = 0; i < 5; i++) await store.putAdhocItem(example(`ex-${i}`, 100 + i));
    expect((await store.adhocItems()).map((a) => a.id)).toEqual(['ex-2', 'ex-3', 'ex-4']);
    await store.putAdhocItem(example('ex-3', 200));
    expect((await store.adhocItems()).map((a) => a.id)).toEqual(['ex-2', 'ex-3', 'ex-4']);
    expect((await store.counts()).adhocItems).toBe(3);
    await store.close();
  });
});
