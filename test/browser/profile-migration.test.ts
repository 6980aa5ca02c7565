// Schema migration: a database written by the v1 layout (built here by hand with raw
// IndexedDB, as the shipped v1 code wrote it) must open at the current version without
// losing anything; a failing step must leave the old database untouched.
import { afterEach, describe, expect, it } from 'vitest';
import { openProfileStore, SCHEMA_VERSION } from '../../src/engine/store/profile-store.ts';
import { bits, expectStoreError, rawDelete, rawOpen, request, transactionDone, uniqueDbName } from './idb-test-helpers.ts';

const names: string[] = [];
afterEach(async () => {
  for (const name of names.splice(0)) await rawDelete(name);
});

/** The v1 layout: no `by-at` index on events, ad-hoc vectors as plain number[]. */
function createV1Layout(db: IDBDatabase, tx: IDBTransaction): void {
  db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
  db.createObjectStore('adhoc-items', { keyPath: 'id' });
  db.createObjectStore('model-states', { keyPath: 'key' });
  db.createObjectStore('meta', { keyPath: 'key' });
  tx.objectStore('meta').put({ key: 'createdAt', value: 1_700_000_000_000 });
}

const v1Vector = [0.1, -0.2, 1e-40, 3.4e38, -0].map(Math.fround);

async function fillV1(db: IDBDatabase, events: number): Promise<void> {
  const tx = db.transaction(['events', 'adhoc-items', 'model-states'], 'readwrite');
  for (let i = 0; i < events; i++) {
    tx.objectStore('events').add({ type: i % 3 ? 'view' : 'click', itemId: `item-${i}`, at: 1_700_000_000_000 + i * 1000, catalog: 'tuxpaint' });
  }
  tx.objectStore('adhoc-items').put({
    id: 'photo-1',
    modality: 'image',
    vector: v1Vector,
    encoder: { name: 'mobilenet', version: '2', dims: 5 },
    label: 'cat.jpg',
    createdAt: 7,
  });
  tx.objectStore('model-states').put({ key: 'tuxpaint', version: 1, weights: [0.7, 0.3], updates: 12, updatedAt: 8 });
  await transactionDone(tx);
}

describe('schema migration', () => {
  it('is at version 2, so the v1 → v2 step is exercised', () => {
    expect(SCHEMA_VERSION).toBe(2);
  });

  it('migrates a v1 database to the current version without losing events', async () => {
    const name = uniqueDbName('migrate');
    names.push(name);
    const v1 = await rawOpen(name, 1, createV1Layout);
    await fillV1(v1, 300);
    v1.close();

    const store = await openProfileStore({ dbName: name });
    const events = await store.events();
    expect(events).toHaveLength(300);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(events[41]).toEqual({ id: 42, type: 'view', itemId: 'item-41', at: 1_700_000_041_000, catalog: 'tuxpaint' });
    // The new index answers time windows over the migrated events.
    expect((await store.events({ sinceAt: 1_700_000_290_000 })).map((e) => e.id)).toEqual([291, 292, 293, 294, 295, 296, 297, 298, 299, 300]);
    // number[] became a Float32Array with the same bits.
    const photo = await store.adhocItem('photo-1');
    expect(photo?.vector).toBeInstanceOf(Float32Array);
    expect(bits(photo!.vector)).toEqual(bits(Float32Array.from(v1Vector)));
    expect(photo).toMatchObject({ modality: 'image', label: 'cat.jpg', createdAt: 7, encoder: { name: 'mobilenet', version: '2', dims: 5 } });
    expect(await store.modelState('tuxpaint')).toEqual({ key: 'tuxpaint', version: 1, weights: [0.7, 0.3], updates: 12, updatedAt: 8 });
    // Auto-increment carries on after the migrated ids.
    expect((await store.addEvent({ type: 'purchase', itemId: 'item-1' })).id).toBe(301);
    const exported = await store.exportData();
    expect(exported.createdAt).toBe(1_700_000_000_000);
    expect(exported.schemaVersion).toBe(2);
    await store.close();

    // The on-disk layout is v2: index present, vectors as ArrayBuffer, version recorded in meta.
    const raw = await rawOpen(name);
    expect(raw.version).toBe(2);
    const tx = raw.transaction(['events', 'adhoc-items', 'meta']);
    expect(Array.from(tx.objectStore('events').indexNames)).toEqual(['by-at']);
    expect((await request(tx.objectStore('adhoc-items').get('photo-1'))).vector).toBeInstanceOf(ArrayBuffer);
    expect(await request(tx.objectStore('meta').get('schemaVersion'))).toEqual({ key: 'schemaVersion', value: 2 });
    raw.close();
  });

  it('creates a fresh database through every step', async () => {
    const name = uniqueDbName('fresh');
    names.push(name);
    const store = await openProfileStore({ dbName: name });
    await store.close();
    const raw = await rawOpen(name);
    expect(raw.version).toBe(SCHEMA_VERSION);
    expect(Array.from(raw.objectStoreNames).sort()).toEqual(['adhoc-items', 'events', 'meta', 'model-states']);
    expect(Array.from(raw.transaction('events').objectStore('events').indexNames)).toEqual(['by-at']);
    raw.close();
  });

  it('rolls back a failed step: the v1 database and its data stay as they were', async () => {
    const name = uniqueDbName('broken');
    names.push(name);
    // A damaged v1 database without an events store: the v2 step cannot index it.
    const v1 = await rawOpen(name, 1, (db) => {
      db.createObjectStore('adhoc-items', { keyPath: 'id' });
      db.createObjectStore('meta', { keyPath: 'key' });
    });
    await request(
      v1
        .transaction('adhoc-items', 'readwrite')
        .objectStore('adhoc-items')
        .put({ id: 'x', vector: [1, 2] }),
    );
    v1.close();

    await expectStoreError(openProfileStore({ dbName: name }), 'unavailable', /upgrade to v2 .* failed/);

    const raw = await rawOpen(name);
    expect(raw.version).toBe(1);
    expect(await request(raw.transaction('adhoc-items').objectStore('adhoc-items').get('x'))).toEqual({ id: 'x', vector: [1, 2] });
    raw.close();
  });
});
