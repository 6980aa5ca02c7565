// A full disk, for real: DevTools shrinks this origin's quota (Storage.overrideQuotaForOrigin,
// through the setStorageQuota command in vitest.config.ts) and Chromium then fails
// IndexedDB commits with QuotaExceededError, exactly as on a full device.
//
// Each scenario uses its own Storage Bucket: Chromium caches "space remaining" per bucket
// for up to 30 s, so a bucket that has already written before the quota shrank would keep
// writing on the cached allowance. A fresh bucket asks the quota manager on its first write.
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { openProfileStore, type NewProfileEvent, type ProfileStore } from '../../src/engine/store/profile-store.ts';
import { expectStoreError, uniqueDbName } from './idb-test-helpers.ts';

interface StorageBucketManager {
  open(name: string): Promise<{ indexedDB: IDBFactory }>;
  delete(name: string): Promise<void>;
}
const buckets = (navigator as Navigator & { storageBuckets: StorageBucketManager }).storageBuckets;
const bucketNames: string[] = [];
const opened: ProfileStore[] = [];

afterEach(async () => {
  await commands.setStorageQuota(location.origin, null);
  for (const store of opened.splice(0)) await store.forget();
  for (const name of bucketNames.splice(0)) await buckets.delete(name);
});

/** About 20 KB of shown ids: one or two of these fill the tiny quota. */
function bigEvent(n: number): NewProfileEvent {
  return { type: 'shown', itemId: `anchor-${n}`, context: { mode: 'similar', shownIds: Array.from({ length: 1000 }, (_, i) => `item-${n}-${i}-padding`) } };
}

/**
 * Shrinks the quota to just above current usage, opens a store in a fresh bucket (so its
 * very first commit, the schema creation, already sees the small quota; see the top of the
 * file) and writes until storage is "full".
 */
async function fullStore(options: { maxPendingEvents?: number } = {}): Promise<{ store: ProfileStore; written: number; error: Error }> {
  const { usage = 0 } = await navigator.storage.estimate();
  await commands.setStorageQuota(location.origin, usage + 16 * 1024);
  const bucketName = `quota-${crypto.randomUUID()}`;
  bucketNames.push(bucketName);
  const bucket = await buckets.open(bucketName);
  const store = await openProfileStore({ dbName: uniqueDbName('quota'), indexedDB: bucket.indexedDB, ...options });
  opened.push(store);
  for (let n = 0; n < 50; n++) {
    const error = await store.addEvent(bigEvent(n)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if (error) return { store, written: n, error };
  }
  throw new Error('storage never filled up: the quota override had no effect');
}

describe('quota exceeded', () => {
  it('rejects quota-exceeded, keeps the events in memory and flushes them in order with the next write', async () => {
    const { store, written, error } = await fullStore();
    expect(error.message).toMatch(/^\[quota-exceeded\] storage is full.*kept in memory \(1 waiting\)/);
    expect(store.pendingCount()).toBe(1);
    await expectStoreError(store.addEvent({ type: 'click', itemId: 'while-full-1' }), 'quota-exceeded', /2 waiting/);
    await expectStoreError(store.addEvent({ type: 'click', itemId: 'while-full-2' }), 'quota-exceeded', /3 waiting/);
    await expectStoreError(store.flushPending(), 'quota-exceeded', /still full: 3 events stay in memory/);
    expect(store.pendingCount()).toBe(3);
    // Nothing half-written: the failed transactions left no trace.
    expect((await store.counts()).events).toBe(written);
    // Pending events are part of the user's data, so the export shows them.
    expect((await store.exportData()).pendingEvents.map((e) => e.itemId)).toEqual([`anchor-${written}`, 'while-full-1', 'while-full-2']);

    await commands.setStorageQuota(location.origin, null);
    const next = await store.addEvent({ type: 'purchase', itemId: 'after' });
    expect(store.pendingCount()).toBe(0);
    const tail = await store.events({ limit: 4 });
    expect(tail.map((e) => e.itemId)).toEqual([`anchor-${written}`, 'while-full-1', 'while-full-2', 'after']);
    expect(tail[3]).toEqual(next);
    expect(tail.map((e) => e.id)).toEqual([...tail.map((e) => e.id)].sort((a, b) => a - b));
    expect((await store.counts()).events).toBe(written + 4);
  });

  it('flushPending() writes the queue once space is back', async () => {
    const { store } = await fullStore();
    await expectStoreError(store.addEvent({ type: 'click', itemId: 'x' }), 'quota-exceeded');
    expect(store.pendingCount()).toBe(2);
    await commands.setStorageQuota(location.origin, null);
    const flushed = await store.flushPending();
    expect(flushed.map((e) => e.itemId)).toEqual([expect.stringMatching(/^anchor-/), 'x']);
    expect(store.pendingCount()).toBe(0);
    expect(await store.flushPending()).toEqual([]);
    expect((await store.events({ limit: 2 })).map((e) => e.itemId)).toEqual(flushed.map((e) => e.itemId));
  });

  it('a successful model-state write also flushes the queue', async () => {
    const { store } = await fullStore();
    expect(store.pendingCount()).toBe(1);
    await commands.setStorageQuota(location.origin, null);
    await store.putModelState({ key: 'k', version: 1, weights: [1, 2], updates: 1 });
    expect(store.pendingCount()).toBe(0);
    expect((await store.events({ limit: 1 }))[0]!.itemId).toMatch(/^anchor-/);
  });

  it('bounds the pending queue, dropping the oldest pending events', async () => {
    const { store, written } = await fullStore({ maxPendingEvents: 2 });
    await expectStoreError(store.addEvent({ type: 'click', itemId: 'p1' }), 'quota-exceeded', /2 waiting\)/);
    await expectStoreError(store.addEvent({ type: 'click', itemId: 'p2' }), 'quota-exceeded', /2 waiting; the 1 oldest waiting were dropped/);
    expect((await store.exportData()).pendingEvents.map((e) => e.itemId)).toEqual(['p1', 'p2']);
    await commands.setStorageQuota(location.origin, null);
    await store.flushPending();
    expect((await store.events()).map((e) => e.itemId).slice(written)).toEqual(['p1', 'p2']);
  });

  it('a too-full disk fails other writes with quota-exceeded too', async () => {
    const { store } = await fullStore();
    const vector = new Float32Array(4096).fill(0.5);
    await expectStoreError(
      store.putAdhocItem({ id: 'big', modality: 'image', vector, encoder: { name: 'm', version: '1', dims: 4096 } }),
      'quota-exceeded',
      /could not save the ad-hoc item/,
    );
    expect(await store.adhocItem('big')).toBeUndefined();
  });
});

describe('IndexedDB missing', () => {
  it("rejects 'unavailable' with advice when there is no indexedDB (some private modes)", async () => {
    const own = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { value: undefined, configurable: true, writable: true });
    try {
      await expectStoreError(openProfileStore({ dbName: uniqueDbName('none') }), 'unavailable', /IndexedDB is not available .*private-browsing/);
    } finally {
      if (own) Object.defineProperty(globalThis, 'indexedDB', own);
      else delete (globalThis as { indexedDB?: unknown }).indexedDB;
    }
    expect(typeof indexedDB.open).toBe('function');
  });
});
