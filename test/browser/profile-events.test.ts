// Events: recording, reading, trimming and validation, on real IndexedDB.
import { afterEach, describe, expect, it } from 'vitest';
import { openProfileStore, type NewProfileEvent, type ProfileStore } from '../../src/engine/store/profile-store.ts';
import { expectStoreError, rawOpen, request, uniqueDbName } from './idb-test-helpers.ts';

const opened: ProfileStore[] = [];
async function freshStore(maxEvents?: number): Promise<ProfileStore> {
  const store = await openProfileStore({ dbName: uniqueDbName('events'), ...(maxEvents ? { maxEvents } : {}) });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const store of opened.splice(0)) await store.forget();
});

describe('events', () => {
  it('stores an event with an id and reads it back oldest → newest', async () => {
    const store = await freshStore();
    const first = await store.addEvent({ type: 'view', itemId: 'animals/badger', at: 1000, dwellMs: 2500, catalog: 'tuxpaint' });
    const second = await store.addEvent({ type: 'click', adhocId: 'text-1', at: 2000 });
    const shown = await store.addEvent({
      type: 'shown',
      itemId: 'animals/badger',
      at: 3000,
      catalog: 'tuxpaint',
      context: { mode: 'similar', shownIds: ['a', 'b', 'c'] },
    });
    expect(first).toEqual({ id: first.id, type: 'view', itemId: 'animals/badger', at: 1000, dwellMs: 2500, catalog: 'tuxpaint' });
    expect(second.id).toBeGreaterThan(first.id);
    expect(await store.events()).toEqual([first, second, shown]);
    expect(await store.counts()).toEqual({ events: 3, adhocItems: 0, modelStates: 0 });
  });

  it('defaults `at` to now and stores no undefined fields', async () => {
    const store = await freshStore();
    const before = Date.now();
    const event = await store.addEvent({ type: 'purchase', itemId: 'x' });
    expect(event.at).toBeGreaterThanOrEqual(before);
    expect(event.at).toBeLessThanOrEqual(Date.now());
    expect(Object.keys(event).sort()).toEqual(['at', 'id', 'itemId', 'type']);
  });

  it('filters by sinceId, catalog and sinceAt; limit keeps the newest matches', async () => {
    const store = await freshStore();
    const all = [];
    for (let i = 0; i < 20; i++) {
      all.push(await store.addEvent({ type: 'view', itemId: `item-${i}`, at: 10_000 + i, catalog: i % 2 ? 'odd' : 'even' }));
    }
    expect(await store.events({ sinceId: all[14]!.id })).toEqual(all.slice(15));
    expect(await store.events({ limit: 3 })).toEqual(all.slice(17));
    expect(await store.events({ limit: 0 })).toEqual([]);
    expect(await store.events({ catalog: 'odd', limit: 2 })).toEqual([all[17], all[19]]);
    expect(await store.events({ catalog: 'even' })).toEqual(all.filter((_, i) => i % 2 === 0));
    expect(await store.events({ sinceAt: 10_016 })).toEqual(all.slice(16));
    expect(await store.events({ sinceAt: 10_010, catalog: 'odd', limit: 2 })).toEqual([all[17], all[19]]);
    expect(await store.events({ sinceAt: 10_005, sinceId: all[17]!.id })).toEqual(all.slice(18));
  });

  it('orders by recording order even when the clock went backwards', async () => {
    const store = await freshStore();
    const late = await store.addEvent({ type: 'view', itemId: 'a', at: 5000 });
    const early = await store.addEvent({ type: 'view', itemId: 'b', at: 4000 });
    expect(await store.events()).toEqual([late, early]);
    expect(await store.events({ sinceAt: 0 })).toEqual([late, early]);
  });

  it('keeps at most maxEvents, trimming the oldest in the same transaction', async () => {
    const store = await freshStore(10);
    const added = [];
    for (let i = 0; i < 25; i++) added.push(await store.addEvent({ type: 'view', itemId: `item-${i}` }));
    expect(await store.events()).toEqual(added.slice(15));
    expect((await store.counts()).events).toBe(10);
    // The trim is visible to any reader at once: no moment with 11 events is ever committed.
    const raw = await rawOpen(store.dbName);
    expect(await request(raw.transaction('events').objectStore('events').count())).toBe(10);
    raw.close();
  });

  it('keeps the default bound of 5000 events', async () => {
    const store = await freshStore();
    expect(store.maxEvents).toBe(5000);
  });
});

describe('event validation', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown type', { type: 'like', itemId: 'a' }, /"type" must be one of view, click, add-to-cart/],
    ['missing type', { itemId: 'a' }, /"type"/],
    ['no item id', { type: 'view' }, /"itemId\/adhocId" is missing/],
    ['both ids', { type: 'view', itemId: 'a', adhocId: 'b' }, /"itemId\/adhocId" must not both be set/],
    ['empty itemId', { type: 'view', itemId: '' }, /"itemId" must be a non-empty string/],
    ['numeric itemId', { type: 'view', itemId: 42 }, /"itemId" must be a non-empty string \(got 42\)/],
    ['huge adhocId', { type: 'view', adhocId: 'x'.repeat(600) }, /"adhocId" must be at most 512 characters/],
    ['NaN dwell', { type: 'view', itemId: 'a', dwellMs: Number.NaN }, /"dwellMs" must be a finite number >= 0 \(got NaN\)/],
    ['infinite dwell', { type: 'view', itemId: 'a', dwellMs: Infinity }, /"dwellMs" must be a finite number/],
    ['negative dwell', { type: 'view', itemId: 'a', dwellMs: -1 }, /"dwellMs"/],
    ['dwell on a click', { type: 'click', itemId: 'a', dwellMs: 10 }, /"dwellMs" is only for 'view' events/],
    ['non-finite at', { type: 'view', itemId: 'a', at: Number.POSITIVE_INFINITY }, /"at" must be a finite ms epoch/],
    ['string at', { type: 'view', itemId: 'a', at: '2024-01-01' }, /"at"/],
    ['empty catalog', { type: 'view', itemId: 'a', catalog: '' }, /"catalog"/],
    ['context not an object', { type: 'shown', itemId: 'a', context: 'similar' }, /"context" must be an object/],
    ['shownIds not an array', { type: 'shown', itemId: 'a', context: { shownIds: 'a,b' } }, /"context.shownIds" must be an array/],
    ['bad shown id', { type: 'shown', itemId: 'a', context: { shownIds: ['a', 7] } }, /"context.shownIds\[1\]"/],
    ['too many shown ids', { type: 'shown', itemId: 'a', context: { shownIds: Array(1001).fill('a') } }, /"context.shownIds" must list at most 1000/],
    ['unknown context field', { type: 'shown', itemId: 'a', context: { page: 2 } }, /"context.page" is not a known field/],
    ['caller-set id', { type: 'view', itemId: 'a', id: 3 }, /"id" is assigned by the store/],
    ['unknown field', { type: 'view', itemId: 'a', itemID: 'b' }, /"itemID" is not a known field/],
    ['not an object', null, /"\(event\)" must be an object/],
  ];

  it.each(cases)('rejects %s naming the field, and stores nothing', async (_label, event, message) => {
    const store = await freshStore();
    await expectStoreError(store.addEvent(event as NewProfileEvent), 'invalid-event', message);
    expect((await store.counts()).events).toBe(0);
    expect(store.pendingCount()).toBe(0);
  });

  it('rejects a bad query with a RangeError', async () => {
    const store = await freshStore();
    await expect(store.events({ limit: -1 })).rejects.toThrow(RangeError);
    await expect(store.events({ sinceId: Number.NaN })).rejects.toThrow(/sinceId/);
  });
});
