import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededUnitVectors } from '../../src/engine/backends/seeded-vectors.ts';
import { CATALOG_CACHE_NAME, loadCatalogFiles, vectorCacheKey, type FetchFn } from '../../src/engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import { decodeVectors, encodeVectors, sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { scoreTopK } from '../../src/engine/ranking/score-top-k.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { itemAt } from '../../src/shared/item-at.ts';

// ---------------------------------------------------------------------------------------
// A tiny catalog, written here. The vectors are seeded numbers (a numeric fixture for the
// loader's plumbing, not data): 5 items, text int8 (dims 8) for all, image float16 (dims 4)
// for 3 of them. Real vectors are tested in the browser (e2e/catalog-loader.spec.ts).

const BASE = 'https://shop.example/catalogs/fixture/';
const TEXT_DIMS = 8;
const IMAGE_DIMS = 4;
const IDS = ['a/one', 'a/two', 'b/three', 'b/four', 'c/five'];

function rows(data: Float32Array, dims: number): Float32Array[] {
  return Array.from({ length: data.length / dims }, (_, r) => data.slice(r * dims, (r + 1) * dims));
}

interface Fixture {
  files: Map<string, Uint8Array>;
  text: Float32Array[];
  image: Float32Array[];
}

async function buildFixture(seed = 1, base = BASE): Promise<Fixture> {
  const text = rows(seededUnitVectors(IDS.length, TEXT_DIMS, seed), TEXT_DIMS);
  const image = rows(seededUnitVectors(3, IMAGE_DIMS, seed + 100), IMAGE_DIMS);
  const textBytes = encodeVectors(text, 'int8');
  const imageBytes = encodeVectors(image, 'float16');
  const manifest = {
    schemaVersion: 1,
    name: `fixture ${seed}`,
    createdAt: '2025-01-31T12:00:00Z',
    encoders: {
      text: { modality: 'text', name: 'fixture-text', version: '1', dims: TEXT_DIMS },
      image: { modality: 'image', name: 'fixture-image', version: '1', dims: IMAGE_DIMS },
    },
    vectorFiles: {
      text: { path: 'vectors/text.int8', format: 'int8', count: IDS.length, dims: TEXT_DIMS, bytes: textBytes.byteLength, sha256: await sha256Hex(textBytes) },
      image: { path: 'vectors/image.f16', format: 'float16', count: 3, dims: IMAGE_DIMS, bytes: imageBytes.byteLength, sha256: await sha256Hex(imageBytes) },
    },
    // Image rows deliberately not in item order: row 0 is item 4, row 1 item 0, row 2 item 2.
    items: IDS.map((id, i) => ({
      id,
      title: id,
      category: id.split('/')[0],
      vectorRows: { text: i, ...(i === 4 ? { image: 0 } : i === 0 ? { image: 1 } : i === 2 ? { image: 2 } : {}) },
    })),
  };
  return {
    files: new Map([
      [`${base}manifest.json`, new TextEncoder().encode(JSON.stringify(manifest))],
      [`${base}vectors/text.int8`, textBytes],
      [`${base}vectors/image.f16`, imageBytes],
    ]),
    text,
    image: [itemAt(image, 1), itemAt(image, 2), itemAt(image, 0)],
  };
}

/** A fetch over a map of URLs that records every request. */
function fakeFetch(files: Map<string, Uint8Array>) {
  const calls: Array<{ url: string; cache: RequestCache | undefined }> = [];
  const fetch: FetchFn = async (url, init) => {
    calls.push({ url, cache: init?.cache });
    const body = files.get(url);
    if (!body) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(body.slice());
  };
  return { fetch, calls };
}

/** An in-memory CacheStorage with the parts of the Cache API the loader uses. */
class MemoryCaches {
  readonly stores = new Map<string, Map<string, { body: Uint8Array; headers: [string, string][] }>>();
  failOpen = false;
  failPut = false;

  async open(name: string): Promise<Cache> {
    if (this.failOpen) throw new DOMException('The operation is insecure.', 'SecurityError');
    let store = this.stores.get(name);
    if (!store) this.stores.set(name, (store = new Map()));
    const s = store;
    const keyOf = (request: RequestInfo | URL) => (typeof request === 'string' ? request : request instanceof URL ? request.href : request.url);
    const cache = {
      match: async (request: RequestInfo | URL) => {
        const hit = s.get(keyOf(request));
        return hit ? new Response(hit.body.slice(), { headers: hit.headers }) : undefined;
      },
      put: async (request: RequestInfo | URL, response: Response) => {
        if (this.failPut) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
        s.set(keyOf(request), { body: new Uint8Array(await response.arrayBuffer()), headers: [...response.headers] });
      },
      delete: async (request: RequestInfo | URL) => s.delete(keyOf(request)),
      keys: async () => [...s.keys()].map((url) => new Request(url)),
    };
    return cache as unknown as Cache;
  }

  entries(name = CATALOG_CACHE_NAME): string[] {
    return [...(this.stores.get(name)?.keys() ?? [])].sort();
  }

  asStorage(): CacheStorage {
    return this as unknown as CacheStorage;
  }
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(Math.abs(itemAt(actual, i) - itemAt(expected, i))).toBeLessThan(tolerance);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadCatalogFiles', () => {
  it('fetches the manifest revalidated, decodes every vector file, and serves them from the cache the second time', async () => {
    const fixture = await buildFixture();
    const { fetch, calls } = fakeFetch(fixture.files);
    const caches = new MemoryCaches();

    const first = await loadCatalogFiles(BASE.slice(0, -1), { fetch, caches: caches.asStorage() }); // no trailing slash
    expect(first.baseUrl).toBe(BASE);
    expect(first.manifest.name).toBe('fixture 1');
    expect(first.fromCache).toEqual({ text: false, image: false });
    expect(first.files.map((f) => [f.modality, f.url, f.fromCache])).toEqual([
      ['text', `${BASE}vectors/text.int8`, false],
      ['image', `${BASE}vectors/image.f16`, false],
    ]);
    const total = [...fixture.files.values()].reduce((n, b) => n + b.byteLength, 0);
    expect(first.bytesFetched).toBe(total);
    expect(first.notices).toEqual([]);
    expect(calls[0]).toEqual({ url: `${BASE}manifest.json`, cache: 'no-cache' });

    const textBytes = fixture.files.get(`${BASE}vectors/text.int8`)!;
    expect(first.vectors.text!.data).toEqual(decodeVectors(textBytes, 'int8', IDS.length, TEXT_DIMS, 't'));
    expect(first.vectors.text).toMatchObject({ dims: TEXT_DIMS, count: IDS.length });
    expect(first.vectors.image).toMatchObject({ dims: IMAGE_DIMS, count: 3 });

    // Cache keys pin the file version with a query parameter (the Cache API ignores fragments).
    const textKey = vectorCacheKey(`${BASE}vectors/text.int8`, first.manifest.vectorFiles.text!.sha256);
    expect(textKey).toBe(`${BASE}vectors/text.int8?catalog-sha256=${first.manifest.vectorFiles.text!.sha256}`);
    expect(caches.entries()).toContain(textKey);
    expect(caches.entries()).toHaveLength(2);

    calls.length = 0;
    const second = await loadCatalogFiles(BASE, { fetch, caches: caches.asStorage() });
    expect(second.fromCache).toEqual({ text: true, image: true });
    expect(calls.map((c) => c.url)).toEqual([`${BASE}manifest.json`]);
    expect(second.bytesFetched).toBe(fixture.files.get(`${BASE}manifest.json`)!.byteLength);
    expect(second.vectors.text!.data).toEqual(first.vectors.text!.data);
    expect(second.vectors.image!.data).toEqual(first.vectors.image!.data);
  });

  it('a new catalog version never reads the old bytes, and the old version is pruned (other catalogs are kept)', async () => {
    const caches = new MemoryCaches();
    const other = 'https://shop.example/catalogs/other/';
    const otherFixture = await buildFixture(7, other);
    await loadCatalogFiles(other, { fetch: fakeFetch(otherFixture.files).fetch, caches: caches.asStorage() });
    const v1 = await buildFixture(1);
    await loadCatalogFiles(BASE, { fetch: fakeFetch(v1.files).fetch, caches: caches.asStorage() });
    expect(caches.entries()).toHaveLength(4);

    const v2 = await buildFixture(2); // same paths, new bytes and hashes
    const loaded = await loadCatalogFiles(BASE, { fetch: fakeFetch(v2.files).fetch, caches: caches.asStorage() });
    expect(loaded.fromCache).toEqual({ text: false, image: false });
    expectClose(loaded.vectors.text!.data.subarray(0, TEXT_DIMS), itemAt(v2.text, 0), 0.02);
    const keys = caches.entries();
    expect(keys).toHaveLength(4);
    for (const modality of ['text', 'image'] as const) {
      expect(keys).toContain(vectorCacheKey(`${BASE}${loaded.manifest.vectorFiles[modality]!.path}`, loaded.manifest.vectorFiles[modality]!.sha256));
    }
    expect(keys.filter((k) => k.startsWith(other))).toHaveLength(2);
  });

  it('a damaged cached file is deleted and fetched again once, with a notice', async () => {
    const fixture = await buildFixture();
    const { fetch, calls } = fakeFetch(fixture.files);
    const caches = new MemoryCaches();
    const first = await loadCatalogFiles(BASE, { fetch, caches: caches.asStorage() });
    const key = vectorCacheKey(`${BASE}vectors/text.int8`, first.manifest.vectorFiles.text!.sha256);
    const entry = caches.stores.get(CATALOG_CACHE_NAME)!.get(key)!;
    entry.body = entry.body.slice();
    entry.body[10] = itemAt(entry.body, 10) ^ 0xff;

    calls.length = 0;
    const again = await loadCatalogFiles(BASE, { fetch, caches: caches.asStorage() });
    expect(again.fromCache).toEqual({ text: false, image: true });
    expect(calls.map((c) => c.url)).toEqual([`${BASE}manifest.json`, `${BASE}vectors/text.int8`]);
    expect(again.notices.join('\n')).toContain('cached copy of vectors/text.int8 was damaged');
    expect(again.vectors.text!.data).toEqual(first.vectors.text!.data);
    // The good copy replaced the damaged one.
    expect((await loadCatalogFiles(BASE, { fetch, caches: caches.asStorage() })).fromCache).toEqual({ text: true, image: true });
  });

  it('without a usable Cache API it still loads, with a notice', async () => {
    const fixture = await buildFixture();
    const { fetch } = fakeFetch(fixture.files);

    const none = await loadCatalogFiles(BASE, { fetch, caches: undefined });
    // Node has no `caches`: the default is the global, so this is the "missing" case.
    expect(none.notices.join('\n')).toContain('Cache API is not available');
    expect(none.fromCache).toEqual({ text: false, image: false });

    const refusing = new MemoryCaches();
    refusing.failOpen = true;
    const blocked = await loadCatalogFiles(BASE, { fetch, caches: refusing.asStorage() });
    expect(blocked.notices.join('\n')).toContain('could not be opened (SecurityError');
    expect(blocked.vectors.text!.count).toBe(IDS.length);

    const full = new MemoryCaches();
    full.failPut = true;
    const quota = await loadCatalogFiles(BASE, { fetch, caches: full.asStorage() });
    expect(quota.notices.join('\n')).toContain('could not be stored in the catalog cache (QuotaExceededError');
    expect(quota.vectors.image!.count).toBe(3);

    const off = await loadCatalogFiles(BASE, { fetch, caches: null });
    expect(off.notices).toEqual([]);
  });

  it('bad catalogs reject with errors that name the file and the problem', async () => {
    const fixture = await buildFixture();
    const manifestUrl = `${BASE}manifest.json`;
    const textUrl = `${BASE}vectors/text.int8`;
    const variant = (edit: (files: Map<string, Uint8Array>) => void) => {
      const files = new Map(fixture.files);
      edit(files);
      return loadCatalogFiles(BASE, { fetch: fakeFetch(files).fetch, caches: new MemoryCaches().asStorage() });
    };
    const editManifest = (edit: (m: Record<string, any>) => void) => (files: Map<string, Uint8Array>) => {
      const m = JSON.parse(new TextDecoder().decode(files.get(manifestUrl)!));
      edit(m);
      files.set(manifestUrl, new TextEncoder().encode(JSON.stringify(m)));
    };

    const missingField = await rejection(variant(editManifest((m) => delete m.items[1].category)));
    expect(missingField.name).toBe('CatalogFormatError');
    expect(missingField.message).toBe(`${manifestUrl}: items[1] ("a/two"): missing field "category"`);

    const notJson = await rejection(variant((f) => f.set(manifestUrl, new TextEncoder().encode('{"schemaVersion": 1,'))));
    expect(notJson.name).toBe('CatalogFormatError');
    expect(notJson.message).toContain(`${manifestUrl}: not valid JSON`);

    const truncated = await rejection(variant((f) => f.set(textUrl, f.get(textUrl)!.slice(0, 20))));
    expect(truncated.name).toBe('CatalogFormatError');
    expect(truncated.message).toBe(`${textUrl}: truncated: expected ${IDS.length * (TEXT_DIMS + 4)} bytes, got 20`);

    const tampered = await rejection(
      variant((f) => {
        const bytes = f.get(textUrl)!.slice();
        bytes[30] = itemAt(bytes, 30) ^ 1;
        f.set(textUrl, bytes);
      }),
    );
    expect(tampered.name).toBe('CatalogFormatError');
    expect(tampered.message).toContain(`${textUrl}: sha256 mismatch`);

    const missing = await rejection(variant((f) => f.delete(`${BASE}vectors/image.f16`)));
    expect(missing.message).toBe(`catalog vector file ${BASE}vectors/image.f16 answered 404 Not Found`);
    const noCatalog = await rejection(loadCatalogFiles('https://shop.example/nothing/', { fetch: fakeFetch(new Map()).fetch, caches: null }));
    expect(noCatalog.message).toBe('catalog manifest https://shop.example/nothing/manifest.json answered 404 Not Found');
  });
});

describe('LoadedCatalog', () => {
  beforeAll(async () => {
    await initNodeTf('cpu');
  });

  it('maps ids, item indices and rows both ways, and returns decoded vectors', async () => {
    const fixture = await buildFixture();
    const files = await loadCatalogFiles(BASE, { fetch: fakeFetch(fixture.files).fetch, caches: null });
    const catalog = new LoadedCatalog(files);
    expect(catalog.itemCount).toBe(5);
    expect(catalog.modalities).toEqual(['text', 'image']);
    expect(catalog.itemIndex('b/three')).toBe(2);
    expect(catalog.itemIndex('nope')).toBeUndefined();
    expect(catalog.rowOf(4, 'image')).toBe(0);
    expect(catalog.rowOf(1, 'image')).toBeUndefined();
    expect([0, 1, 2].map((row) => catalog.itemOfRow('image', row))).toEqual([4, 0, 2]);
    expect(() => catalog.itemOfRow('image', 3)).toThrow('image row 3 is out of range');
    expect(catalog.shape('image')).toEqual({ count: 3, dims: IMAGE_DIMS });
    expect(() => catalog.shape('audio')).toThrow('catalog "fixture 1" has no audio vectors (it has: text, image)');

    IDS.forEach((id, i) => expectClose(catalog.vector(id, 'text')!, itemAt(fixture.text, i), 0.02));
    expectClose(catalog.vector('c/five', 'image')!, itemAt(fixture.image, 2), 1e-3); // float16
    expect(catalog.vector('a/two', 'image')).toBeNull();
    expect(catalog.vector('nope', 'text')).toBeNull();
    // A copy: callers cannot change the catalog.
    catalog.vector('a/one', 'text')!.fill(0);
    expect(catalog.vector('a/one', 'text')!.some((v) => v !== 0)).toBe(true);
  });

  it('uploads once, ranks an item first for its own vector, re-uploads after release, and leaks nothing', async () => {
    const fixture = await buildFixture();
    const files = await loadCatalogFiles(BASE, { fetch: fakeFetch(fixture.files).fetch, caches: null });
    const before = tf.memory().numTensors;
    const catalog = new LoadedCatalog(files);
    catalog.upload();
    expect(tf.memory().numTensors).toBe(before + 2);
    catalog.upload();
    expect(tf.memory().numTensors).toBe(before + 2);

    for (const id of ['a/one', 'c/five']) {
      const top = await scoreTopK(catalog.onBackend('image')!, catalog.vector(id, 'image')!, 3);
      expect(catalog.item(catalog.itemOfRow('image', itemAt(top.indices, 0)))!.id).toBe(id);
    }
    const text = await scoreTopK(catalog.onBackend('text')!, catalog.vector('b/four', 'text')!, 5);
    expect(catalog.item(catalog.itemOfRow('text', itemAt(text.indices, 0)))!.id).toBe('b/four');
    expect(tf.memory().numTensors).toBe(before + 2);

    catalog.release();
    expect(tf.memory().numTensors).toBe(before);
    catalog.onBackend('text');
    expect(tf.memory().numTensors).toBe(before + 1);
    catalog.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => catalog.onBackend('text')).toThrow('disposed');
  });

  it('holds a modality with no rows without a tensor', async () => {
    const manifest = {
      schemaVersion: 1,
      name: 'empty',
      createdAt: '2025-01-31T12:00:00Z',
      encoders: { audio: { modality: 'audio', name: 'x', version: '1', dims: 3 } },
      vectorFiles: { audio: { path: 'audio.int8', format: 'int8', count: 0, dims: 3, bytes: 0, sha256: await sha256Hex(new Uint8Array(0)) } },
      items: [{ id: 'only', title: 'Only', category: 'c', vectorRows: {} }],
    };
    const files = new Map([
      [`${BASE}manifest.json`, new TextEncoder().encode(JSON.stringify(manifest))],
      [`${BASE}audio.int8`, new Uint8Array(0)],
    ]);
    const catalog = new LoadedCatalog(await loadCatalogFiles(BASE, { fetch: fakeFetch(files).fetch, caches: null }));
    expect(catalog.shape('audio')).toEqual({ count: 0, dims: 3 });
    expect(catalog.onBackend('audio')).toBeUndefined();
    expect(catalog.vector('only', 'audio')).toBeNull();
  });
});
