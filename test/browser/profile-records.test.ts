// Ad-hoc items, the personal model, export and forget, on real IndexedDB.
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_MODEL_STATE_BYTES,
  openProfileStore,
  SCHEMA_VERSION,
  type NewAdhocItem,
  type NewModelState,
  type ProfileExport,
  type ProfileStore,
} from '../../src/engine/store/profile-store.ts';
import { bits, databaseNames, expectStoreError, rawOpen, request, uniqueDbName } from './idb-test-helpers.ts';

const opened: ProfileStore[] = [];
async function freshStore(): Promise<ProfileStore> {
  const store = await openProfileStore({ dbName: uniqueDbName('records') });
  opened.push(store);
  return store;
}
afterEach(async () => {
  for (const store of opened.splice(0)) await store.forget();
});

/** Awkward float32 values: subnormals, extremes, values with every mantissa bit in play. */
function awkwardVector(dims: number, withNegativeZero: boolean): Float32Array {
  const v = new Float32Array(dims);
  for (let i = 0; i < dims; i++) v[i] = Math.fround(Math.sin(i * 12.9898) * 43758.5453) % 1;
  v.set([1.4e-45, -1.4e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, Math.fround(Math.PI)], 0);
  if (withNegativeZero) v[6] = -0;
  return v;
}

function textItem(id: string, vector: Float32Array): NewAdhocItem {
  return { id, modality: 'text', vector, encoder: { name: 'use-lite', version: '1', dims: vector.length }, label: 'a red bicycle', createdAt: 1234 };
}

describe('ad-hoc items', () => {
  it('round-trips vectors bit for bit, -0 and subnormals included', async () => {
    const store = await freshStore();
    const vector = awkwardVector(512, true);
    const put = await store.putAdhocItem(textItem('text-1', vector));
    const got = await store.adhocItem('text-1');
    expect(got).toBeDefined();
    expect(got!.vector).toBeInstanceOf(Float32Array);
    expect(bits(got!.vector)).toEqual(bits(vector));
    expect(Object.is(got!.vector[6], -0)).toBe(true);
    expect(got).toEqual({ ...textItem('text-1', vector), vector: got!.vector });
    expect(put).toEqual(got);
    // Stored as an ArrayBuffer, not number[] (the v2 layout).
    const raw = await rawOpen(store.dbName);
    const record = await request(raw.transaction('adhoc-items').objectStore('adhoc-items').get('text-1'));
    raw.close();
    expect(record.vector).toBeInstanceOf(ArrayBuffer);
    expect(record.vector.byteLength).toBe(512 * 4);
  });

  it('copies the caller vector: a view on a larger buffer, later mutated, stores only its own values', async () => {
    const store = await freshStore();
    const backing = new Float32Array([9, 9, 1, 2, 3, 9]);
    const view = backing.subarray(2, 5);
    await store.putAdhocItem({ id: 'img', modality: 'image', vector: view, encoder: { name: 'mobilenet', version: '2', dims: 3 } });
    backing.fill(7);
    const got = await store.adhocItem('img');
    expect(Array.from(got!.vector)).toEqual([1, 2, 3]);
    expect(got!.createdAt).toBeGreaterThan(0);
  });

  it('lists, replaces and misses items', async () => {
    const store = await freshStore();
    await store.putAdhocItem(textItem('b', new Float32Array([1, 2])));
    await store.putAdhocItem(textItem('a', new Float32Array([3, 4])));
    await store.putAdhocItem({ ...textItem('b', new Float32Array([5, 6])), modality: 'audio', label: 'song.ogg' });
    const items = await store.adhocItems();
    expect(items.map((i) => [i.id, i.modality, Array.from(i.vector)])).toEqual([
      ['a', 'text', [3, 4]],
      ['b', 'audio', [5, 6]],
    ]);
    expect(await store.adhocItem('nope')).toBeUndefined();
    expect((await store.counts()).adhocItems).toBe(2);
  });

  it('deletes the items named, ignoring unknown ids, and keeps the others', async () => {
    const store = await freshStore();
    for (const id of ['a', 'b', 'c']) await store.putAdhocItem(textItem(id, new Float32Array([1, 2])));
    await store.deleteAdhocItems(['a', 'c', 'nope']);
    await store.deleteAdhocItems([]);
    expect((await store.adhocItems()).map((i) => i.id)).toEqual(['b']);
    expect((await store.exportData()).adhocItems.map((i) => i.id)).toEqual(['b']);
  });

  it('rejects malformed items naming the field', async () => {
    const store = await freshStore();
    const good = textItem('t', new Float32Array([1, 2]));
    await expectStoreError(
      store.putAdhocItem({ ...good, vector: new Float32Array([1, 2, 3]) }),
      'invalid-record',
      /"vector" has 3 values but encoder.dims is 2/,
    );
    await expectStoreError(store.putAdhocItem({ ...good, vector: new Float32Array([1, Number.NaN]) }), 'invalid-record', /"vector" must contain only finite/);
    await expectStoreError(store.putAdhocItem({ ...good, vector: [1, 2] as unknown as Float32Array }), 'invalid-record', /"vector" must be a Float32Array/);
    await expectStoreError(store.putAdhocItem({ ...good, modality: 'video' as 'text' }), 'invalid-record', /"modality"/);
    await expectStoreError(store.putAdhocItem({ ...good, id: '' }), 'invalid-record', /"id"/);
    await expectStoreError(store.putAdhocItem({ ...good, encoder: { name: 'x', version: '', dims: 2 } }), 'invalid-record', /"encoder.version"/);
    expect((await store.counts()).adhocItems).toBe(0);
  });
});

describe('model state', () => {
  const state: NewModelState = { key: 'tuxpaint', version: 1, weights: [0.5, 0.25, -0.125, 1e-300], updates: 3, updatedAt: 99 };

  it('stores, reads and replaces the state of a key', async () => {
    const store = await freshStore();
    expect(await store.modelState('tuxpaint')).toBeUndefined();
    expect(await store.putModelState(state)).toEqual(state);
    expect(await store.modelState('tuxpaint')).toEqual(state);
    const next = await store.putModelState({ ...state, weights: [1, 2, 3], updates: 4, updatedAt: undefined as unknown as number });
    expect(next.updatedAt).toBeGreaterThan(99);
    expect(await store.modelState('tuxpaint')).toEqual(next);
    expect((await store.counts()).modelStates).toBe(1);
  });

  it('rejects a state over 64 KiB with too-large and keeps the old one', async () => {
    const store = await freshStore();
    await store.putModelState(state);
    const weights = Array.from({ length: 5000 }, (_, i) => Math.sin(i) / 3);
    const error = await expectStoreError(store.putModelState({ ...state, weights }), 'too-large', /the limit is 65536 bytes \(64 KiB\)/);
    expect(error.message).toMatch(/model state "tuxpaint" is \d+ bytes as JSON \(5000 weights\)/);
    expect(await store.modelState('tuxpaint')).toEqual(state);
    // Just under the cap is fine.
    const fits = Array.from({ length: 6000 }, () => 1);
    expect(new TextEncoder().encode(JSON.stringify({ ...state, weights: fits })).byteLength).toBeLessThan(MAX_MODEL_STATE_BYTES);
    await expect(store.putModelState({ ...state, weights: fits })).resolves.toMatchObject({ key: 'tuxpaint' });
  });

  it('rejects non-finite weights and bad counters naming the field', async () => {
    const store = await freshStore();
    await expectStoreError(store.putModelState({ ...state, weights: [1, Number.NaN] }), 'invalid-record', /"weights\[1\]"/);
    await expectStoreError(store.putModelState({ ...state, updates: -1 }), 'invalid-record', /"updates"/);
    await expectStoreError(store.putModelState({ ...state, version: 1.5 }), 'invalid-record', /"version"/);
    await expectStoreError(store.putModelState({ ...state, key: '' }), 'invalid-record', /"key"/);
  });
});

describe('export', () => {
  it('exports everything as plain JSON that survives JSON.stringify/parse', async () => {
    const store = await freshStore();
    const e1 = await store.addEvent({ type: 'view', itemId: 'a', at: 1, dwellMs: 30, catalog: 'c' });
    const e2 = await store.addEvent({ type: 'shown', adhocId: 'text-1', at: 2, context: { mode: 'text', shownIds: ['a', 'b'] } });
    const vector = awkwardVector(64, true);
    await store.putAdhocItem(textItem('text-1', vector));
    await store.putModelState({ key: 'c', version: 2, weights: [0.1, 0.2], updates: 1, updatedAt: 5 });

    const before = Date.now();
    const exported = await store.exportData();
    const parsed = JSON.parse(JSON.stringify(exported)) as ProfileExport;
    expect(parsed).toEqual(exported);
    expect(parsed.format).toBe('ondevice-recs-profile');
    expect(parsed.schemaVersion).toBe(SCHEMA_VERSION);
    expect(parsed.exportedAt).toBeGreaterThanOrEqual(before);
    expect(parsed.createdAt).toBeGreaterThan(0);
    expect(parsed.events).toEqual([e1, e2]);
    expect(parsed.pendingEvents).toEqual([]);
    expect(parsed.modelStates).toEqual([{ key: 'c', version: 2, weights: [0.1, 0.2], updates: 1, updatedAt: 5 }]);
    expect(parsed.adhocItems).toHaveLength(1);
    const item = parsed.adhocItems[0]!;
    expect(item).toMatchObject({
      id: 'text-1',
      modality: 'text',
      label: 'a red bicycle',
      createdAt: 1234,
      encoder: { name: 'use-lite', version: '1', dims: 64 },
    });
    expect(Array.isArray(item.vector)).toBe(true);
    // Every float32 value survives exactly, except that JSON has no -0 (it becomes 0).
    expect(bits(Float32Array.from(item.vector))).toEqual(bits(vector.map((x) => (x === 0 ? 0 : x))));
    expect(item.vector[6]).toBe(0);
  });
});

describe('forget', () => {
  it('deletes the database for real and leaves an empty, usable profile', async () => {
    const store = await freshStore();
    await store.addEvent({ type: 'view', itemId: 'a' });
    await store.putAdhocItem(textItem('t', new Float32Array([1])));
    await store.putModelState({ key: 'k', version: 1, weights: [1], updates: 1 });
    expect(await databaseNames()).toContain(store.dbName);

    await store.forget();
    expect(await databaseNames()).not.toContain(store.dbName);

    // Usable again: the next call recreates an empty profile.
    expect(await store.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
    expect(await databaseNames()).toContain(store.dbName);
    const event = await store.addEvent({ type: 'click', itemId: 'b' });
    expect(await store.events()).toEqual([event]);
  });

  it('can be called twice in a row and on a never-used name', async () => {
    const store = await freshStore();
    await store.forget();
    await store.forget();
    expect(await databaseNames()).not.toContain(store.dbName);
  });

  it('close() ends the store: later calls reject unavailable', async () => {
    const store = await freshStore();
    await store.addEvent({ type: 'view', itemId: 'a' });
    await store.close();
    await expectStoreError(store.counts(), 'unavailable', /closed/);
    opened.splice(opened.indexOf(store), 1);
    const again = await openProfileStore({ dbName: store.dbName });
    expect((await again.counts()).events).toBe(1);
    await again.forget();
  });
});

describe('records read back', () => {
  it('skips and counts stored records that are not valid (written outside the store), without failing the read', async () => {
    const store = await freshStore();
    await store.addEvent({ type: 'view', itemId: 'a', catalog: 'shop' });
    await store.putAdhocItem(textItem('good', new Float32Array([0.6, 0.8])));
    // Corrupt records, written with plain IndexedDB as another program or a damaged disk might leave them.
    const db = await rawOpen(store.dbName);
    const tx = db.transaction(['events', 'adhoc-items'], 'readwrite');
    const events = tx.objectStore('events');
    await request(events.add({ type: 'explode', itemId: 'b', at: 1 }));
    await request(events.add({ type: 'view', itemId: 'x'.repeat(600), at: 2 }));
    await request(events.add({ type: 'view', itemId: 'c' }));
    await request(events.add({ type: 'click', itemId: 'd', at: 3 }));
    await request(
      tx.objectStore('adhoc-items').put({ id: 'bad', modality: 'text', vector: 'not a vector', encoder: { name: 'e', version: '1', dims: 2 }, createdAt: 1 }),
    );
    db.close();

    expect((await store.events()).map((e) => e.itemId)).toEqual(['a', 'd']);
    expect(store.skippedRecords).toBe(3);
    expect((await store.events({ limit: 10 })).map((e) => e.itemId)).toEqual(['a', 'd']);
    expect((await store.adhocItems()).map((i) => i.id)).toEqual(['good']);
    expect(await store.adhocItem('bad')).toBeUndefined();
    expect((await store.exportData()).events.map((e) => e.itemId)).toEqual(['a', 'd']);
    expect(store.skippedRecords).toBe(3 + 3 + 1 + 1 + 3);
  });
});
