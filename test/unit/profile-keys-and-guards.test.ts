import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { CatalogFormatError } from '../../src/engine/catalog/vector-codec.ts';
import { CollaborativeSignals } from '../../src/engine/recommend/collaborative-signals.ts';
import { PRIOR_FUSION_MODEL } from '../../src/engine/recommend/fusion-model.ts';
import { ItemSpace } from '../../src/engine/recommend/item-space.ts';
import { HISTORY_WINDOW, OnDeviceRecommender, type RecommenderCatalog } from '../../src/engine/recommend/on-device-recommender.ts';
import { catalogProfileKey, legacyProfileKey } from '../../src/engine/store/catalog-profile-key.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { profileStoreErrorCode } from '../../src/engine/store/profile-store.ts';
import { MAX_ID_LENGTH } from '../../src/protocol/limits.ts';
import { EncoderMismatchError } from '../../src/protocol/encoder-mismatch-error.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

const IDS = ['a', 'b', 'c', 'd'];
const TEXT = [
  [1, 0],
  [0.8, 0.6],
  [0, 1],
  [-1, 0],
];

function manifest(ids = IDS): CatalogManifest {
  return {
    schemaVersion: 1,
    name: 'tiny',
    createdAt: '2025-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 2 } },
    vectorFiles: { text: { path: 'v', format: 'float16', count: ids.length, dims: 2, bytes: ids.length * 4, sha256: '0'.repeat(64) } },
    items: ids.map((id, i) => ({ id, title: id.toUpperCase(), category: i < 2 ? 'fruit' : 'veg', vectorRows: { text: i } })),
  };
}

/** The tiny catalog as served from `baseUrl`, on a page at `pageOrigin`. */
function catalogAt(baseUrl: string, pageOrigin: string): RecommenderCatalog {
  const space = new ItemSpace(manifest(), { text: { data: new Float32Array(TEXT.flat()), dims: 2 } });
  const legacy = legacyProfileKey(baseUrl, 'tiny', pageOrigin);
  return {
    name: 'tiny',
    profileKey: catalogProfileKey(baseUrl),
    ...(legacy !== undefined ? { legacyProfileKey: legacy } : {}),
    space,
    signals: new CollaborativeSignals(space.itemCount, (id) => space.indexOf(id), undefined),
    model: PRIOR_FUSION_MODEL,
    encoders: { text: { name: 't', version: '1', dims: 2 } },
  };
}

beforeAll(async () => {
  await initNodeTf('wasm');
});

describe('catalogProfileKey', () => {
  it('is the origin and folder path, whatever the query, fragment or trailing slash', () => {
    expect(catalogProfileKey('https://shop.example/catalogs/tux/')).toBe('https://shop.example/catalogs/tux/');
    expect(catalogProfileKey('https://shop.example/catalogs/tux?v=2#top')).toBe('https://shop.example/catalogs/tux/');
    expect(catalogProfileKey('https://evil.example/catalogs/tux/')).not.toBe(catalogProfileKey('https://shop.example/catalogs/tux/'));
    expect(catalogProfileKey('file:///srv/catalogs/tux')).toBe('file:///srv/catalogs/tux/');
  });

  it('fits MAX_ID_LENGTH: a longer URL keeps its origin and ends in a hash of the whole', () => {
    const long = (end: string) => `https://shop.example/${'x'.repeat(900)}${end}/`;
    const a = catalogProfileKey(long('a'));
    const b = catalogProfileKey(long('b'));
    expect(a).toHaveLength(MAX_ID_LENGTH);
    expect(a.startsWith('https://shop.example/xxx')).toBe(true);
    expect(a).not.toBe(b);
  });

  it("offers the old name-based key only to a catalog on the page's own origin", () => {
    expect(legacyProfileKey('https://shop.example/catalogs/tux/', 'tuxpaint', 'https://shop.example')).toBe('tuxpaint');
    expect(legacyProfileKey('https://evil.example/catalogs/tux/', 'tuxpaint', 'https://shop.example')).toBeUndefined();
    expect(legacyProfileKey('file:///srv/catalogs/tux/', 'tuxpaint', undefined)).toBeUndefined();
  });
});

describe('profiles keyed by catalog origin + path', () => {
  it('moves the old name-keyed history to the first same-origin catalog once; a look-alike gets none', async () => {
    const profile = new MemoryProfileStore({}, 'test');
    // History recorded before the key change: events filed under the manifest's name.
    await profile.addEvent({ type: 'click', itemId: 'a', catalog: 'tiny', at: 1 });
    await profile.addEvent({ type: 'view', itemId: 'b', catalog: 'tiny', at: 2 });
    await profile.putModelState({ key: 'fusion:tiny', version: 1, weights: [0.5], updates: 1 });

    // A look-alike on another host declaring the same name sees no history and takes none.
    const lookAlike = new OnDeviceRecommender(catalogAt('https://evil.example/catalogs/tux/', 'https://shop.example'), async () => profile);
    const coldList = await lookAlike.recommend({ mode: 'for-you', k: 2 }, { record: false });
    expect(coldList[0]!.explanation.summary).toMatch(/^No history yet\./);
    expect((await profile.events({ catalog: 'tiny' })).length).toBe(2);

    // The real catalog (same origin as the page) adopts it on first use, and learns from it.
    const real = new OnDeviceRecommender(catalogAt('https://shop.example/catalogs/tux/', 'https://shop.example'), async () => profile);
    const warmList = await real.recommend({ mode: 'for-you', k: 2 }, { record: false });
    expect(warmList[0]!.explanation.summary).not.toMatch(/No history yet/);
    expect(await profile.events({ catalog: 'tiny' })).toEqual([]);
    expect((await profile.events({ catalog: 'https://shop.example/catalogs/tux/' })).map((e) => e.itemId)).toEqual(['a', 'b']);
    expect(await profile.modelState('fusion:tiny')).toBeUndefined();
    expect((await profile.modelState('fusion:https://shop.example/catalogs/tux/'))?.weights).toEqual([0.5]);

    // Once only: a second same-origin folder with the same name, and the look-alike again, start empty.
    const other = new OnDeviceRecommender(catalogAt('https://shop.example/catalogs/other/', 'https://shop.example'), async () => profile);
    expect((await other.recommend({ mode: 'for-you', k: 2 }, { record: false }))[0]!.explanation.summary).toMatch(/^No history yet\./);
    expect((await lookAlike.recommend({ mode: 'for-you', k: 2 }, { record: false }))[0]!.explanation.summary).toMatch(/^No history yet\./);
    expect(await profile.adoptLegacyCatalogKey('tiny', 'https://shop.example/catalogs/other/')).toBe(0);

    // New events go under the new key.
    await real.track('view', 'c');
    expect((await profile.events({ catalog: 'https://shop.example/catalogs/tux/' })).map((e) => e.itemId)).toEqual(['a', 'b', 'c']);
  });

  it("keeps 'shown' impressions out of the history window", async () => {
    const profile = new MemoryProfileStore({ maxEvents: HISTORY_WINDOW * 3 }, 'test');
    const key = 'https://shop.example/catalogs/tux/';
    await profile.addEvent({ type: 'click', itemId: 'a', catalog: key, at: 1 });
    for (let i = 0; i < HISTORY_WINDOW + 10; i++) {
      await profile.addEvent({ type: 'shown', itemId: 'b', catalog: key, at: 2 + i, context: { mode: 'for-you', shownIds: ['b', 'c'] } });
    }
    const recommender = new OnDeviceRecommender(catalogAt(key, 'https://shop.example'), async () => profile);
    const list = await recommender.recommend({ mode: 'for-you', k: 2 }, { record: false });
    // The click is older than the newest HISTORY_WINDOW events, yet still the history.
    expect(list[0]!.explanation.summary).not.toMatch(/No history yet/);
    expect((await profile.events({ catalog: key, limit: 5, excludeTypes: ['shown'] })).map((e) => e.type)).toEqual(['click']);
  });
});

describe('one id length limit', () => {
  const json = (ids: string[]) => JSON.parse(JSON.stringify(manifest(ids))) as unknown;

  it('a catalog and the profile both accept a MAX_ID_LENGTH id', async () => {
    const id = 'x'.repeat(MAX_ID_LENGTH);
    expect(parseCatalogManifest(json([id, 'b', 'c', 'd']), 'manifest.json').items[0]!.id).toBe(id);
    const profile = new MemoryProfileStore({}, 'test');
    expect((await profile.addEvent({ type: 'view', itemId: id, catalog: 'k' })).itemId).toBe(id);
  });

  it('a 600-character id is refused with a typed error by both, naming the limit', async () => {
    const id = 'x'.repeat(600);
    expect(() => parseCatalogManifest(json(['a', id, 'c', 'd']), 'manifest.json')).toThrow(CatalogFormatError);
    expect(() => parseCatalogManifest(json(['a', id, 'c', 'd']), 'manifest.json')).toThrow(
      `manifest.json: items[1]: field "id" has 600 characters; the limit is ${MAX_ID_LENGTH}`,
    );
    const longName = { ...(json(IDS) as object), name: 'n'.repeat(600) };
    expect(() => parseCatalogManifest(longName, 'manifest.json')).toThrow(`field "name" has 600 characters; the limit is ${MAX_ID_LENGTH}`);
    const profile = new MemoryProfileStore({}, 'test');
    const error = await profile.addEvent({ type: 'view', itemId: id, catalog: 'k' }).catch((e: unknown) => e);
    expect(profileStoreErrorCode(error)).toBe('invalid-event');
    expect((error as Error).message).toContain(`must be at most ${MAX_ID_LENGTH} characters`);
  });
});

describe('search examples', () => {
  const example = (version: string, name = 't') => ({
    modality: 'text' as const,
    vector: new Float32Array([0.6, 0.8]),
    encoder: { name, version, dims: 2 },
    label: 'a fig',
  });

  it("refuses an example from another encoder than the catalog's with a typed error, storing nothing", async () => {
    const profile = new MemoryProfileStore({}, 'test');
    const recommender = new OnDeviceRecommender(catalogAt('https://shop.example/c/', 'https://shop.example'), async () => profile);
    const error = await recommender.searchByExample(example('2'), 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EncoderMismatchError);
    expect((error as Error).message).toBe(
      "[encoder-mismatch] the text example was embedded by t@2 (2 dims), but the catalog's text vectors were built with t@1 (2 dims); rebuild the catalog with this app's encoders",
    );
    await expect(recommender.searchByExample(example('1', 'other'), 2)).rejects.toThrow(/^\[encoder-mismatch\] /);
    expect(await profile.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
    // The same encoder is accepted.
    expect((await recommender.searchByExample(example('1'), 2)).items).toHaveLength(2);
  });

  it('keeps at most maxAdhocItems examples, the newest', async () => {
    const profile = new MemoryProfileStore({ maxAdhocItems: 3 }, 'test');
    for (let i = 0; i < 5; i++) await profile.putAdhocItem({ ...example('1'), id: `ex-${i}`, createdAt: 100 + i });
    expect((await profile.adhocItems()).map((a) => a.id)).toEqual(['ex-2', 'ex-3', 'ex-4']);
    // Replacing an existing one does not push another out.
    await profile.putAdhocItem({ ...example('1'), id: 'ex-3', createdAt: 200 });
    expect((await profile.adhocItems()).map((a) => a.id)).toEqual(['ex-2', 'ex-3', 'ex-4']);
  });
});
