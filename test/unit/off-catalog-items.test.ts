/**
 * Off-catalog items (`track(type, id, { content })`) through the engine's recommender in Node, the
 * way the worker drives it: a real 12-stamp Tux Paint catalog (text + image, real encoders, a
 * shared space), a real Openclipart car drawing that is not in it, the real encoders embedding it,
 * and the in-memory profile store (same validation and API as the IndexedDB one).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchOpenclipart } from '../../scripts/fetch-openclipart.mjs';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import { embedOffCatalogContent, type ContentEncoders } from '../../src/engine/encoders/embed-off-catalog-content.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { storeOffCatalogItem } from '../../src/engine/recommend/off-catalog-items.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { buildCatalog } from '../../src/node/catalog/build-catalog.ts';
import { tuxPaintSourceItems } from '../../src/node/catalog/tuxpaint-source.ts';
import { decodeImageBytes } from '../../src/node/decode-image-file.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { encoderInputProblem } from '../../src/protocol/embedding.ts';
import type { Modality } from '../../src/protocol/embedding.ts';
import { FIXTURE_STAMP_IDS } from '../fixture-stamp-ids.ts';
import { loadCatalogFolder } from '../load-catalog-folder.ts';

/** Openclipart (public domain): an old car, drawn, not a Tux Paint stamp. */
const CAR_SVG = 'svg/transportation/old_car_lumen_design_st_r.svg';
const ORIGIN = 'https://shop.example';

const temp = mkdtempSync(join(tmpdir(), 'off-catalog-'));
const catalogDir = join(temp, 'stamps');
let nodeEncoders: NodeEncoders;
let files: LoadedCatalogFiles;
let loaded: LoadedCatalog;
let carBytes: Uint8Array;
/** Embedding calls per modality, to show what is (not) embedded. */
const calls: Record<Modality, number> = { text: 0, image: 0, audio: 0 };
/** Same-origin fetches of the test's "server". */
const fetched: string[] = [];

/** The Node encoders with the worker's byte-file interface (sharp / resvg decode, as the catalog builder does). */
function contentEncoders(): ContentEncoders {
  return {
    embedText: (texts) => (calls.text++, nodeEncoders.embedText(texts)),
    embedImages: async (buffers) => {
      calls.image++;
      const images = [];
      for (const [i, b] of buffers.entries()) images.push(await decodeImageBytes(new Uint8Array(b), `image #${i + 1}`));
      return nodeEncoders.embedImagePixels(images);
    },
    embedAudio: () => Promise.reject(new Error('the catalog has no audio, so no sound is embedded')),
  };
}

/** A server on ORIGIN: /car.svg is the drawing, anything else a 404. */
const serve: typeof fetch = async (input) => {
  const url = input instanceof Request ? input.url : input.toString();
  fetched.push(url);
  return url === `${ORIGIN}/car.svg` ? new Response(carBytes.slice()) : new Response('not found', { status: 404 });
};

function recommenderWith(profile: MemoryProfileStore): OnDeviceRecommender {
  return new OnDeviceRecommender(
    recommenderCatalog(files, loaded.sharedSpace),
    async () => profile,
    (itemId, content, modalities) => embedOffCatalogContent(itemId, content, modalities, contentEncoders(), ORIGIN, serve),
  );
}

const topCategory = (id: string) => id.split('/')[0]!;

beforeAll(async () => {
  await initNodeTf('wasm');
  nodeEncoders = new NodeEncoders();
  carBytes = new Uint8Array(readFileSync(join(findOrFetchOpenclipart({ png: false }), CAR_SVG)));
  const items = tuxPaintSourceItems(findOrFetchTuxPaintStamps(), { ids: FIXTURE_STAMP_IDS });
  const summary = await buildCatalog(items, {
    outDir: catalogDir,
    encoders: nodeEncoders,
    modalities: ['text', 'image'],
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  expect(summary.sharedSpace).toHaveProperty('dims');
  files = await loadCatalogFolder(catalogDir);
  loaded = new LoadedCatalog(files);
}, 300_000);

afterAll(async () => {
  loaded?.dispose();
  await nodeEncoders?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

describe('off-catalog items', () => {
  it('a viewed car picture the catalog lacks is embedded once, kept in the profile, and moves for-you to the vehicle', async () => {
    const profile = new MemoryProfileStore({}, 'test');
    const recs = recommenderWith(profile);
    await recs.track('view', 'food/cheese', { at: 1000, content: { title: 'Cheese', image: '/not-fetched.png' } });
    expect(calls, 'a catalog item is never embedded, whatever content comes with it').toEqual({ text: 0, image: 0, audio: 0 });
    const before = (await recs.recommend({ mode: 'for-you', k: 3, diversity: false }, { record: false })).map((i) => i.id);
    expect(before.map(topCategory)).not.toContain('vehicles');

    await recs.track('view', 'sku-old-car', { at: 2000, dwellMs: 20_000, content: { title: 'Old car', image: '/car.svg' } });
    expect(calls).toEqual({ text: 1, image: 1, audio: 0 });
    expect(fetched).toEqual([`${ORIGIN}/car.svg`]);
    const after = await recs.recommend({ mode: 'for-you', k: 3, diversity: false }, { record: false });
    expect(after[0]!.id, `for-you after the car: ${after.map((i) => i.id).join(', ')}`).toBe('vehicles/emergency/firetruck');
    expect(after[0]!.explanation.because.map((b) => b.id)).toContain('offcat:sku-old-car');

    // Seen again: the stored vectors serve, nothing is embedded or fetched again.
    await recs.track('click', 'sku-old-car', { at: 3000, content: { title: 'Old car', image: '/car.svg' } });
    await recs.track('view', 'sku-old-car', { at: 4000 });
    expect(calls).toEqual({ text: 1, image: 1, audio: 0 });
    expect(fetched).toHaveLength(1);

    // With the encoders and the catalog's tensors loaded, one more item leaves no tensor behind.
    const tensors = tf.memory().numTensors;
    await recs.track('view', 'sku-truck', { at: 5000, content: { title: 'A blue truck', description: 'It carries big loads.' } });
    await recs.recommend({ mode: 'for-you', k: 3 }, { record: false });
    expect(calls).toEqual({ text: 2, image: 1, audio: 0 });
    expect(tf.memory().numTensors).toBe(tensors);

    // The user's data: export lists the vectors, forget deletes them.
    const exported = await profile.exportData();
    expect(exported.adhocItems.map((a) => [a.id, a.modality, a.label, a.vector.length]).sort()).toEqual([
      ['offcat:sku-old-car:image', 'image', 'Old car', 1280],
      ['offcat:sku-old-car:text', 'text', 'Old car', 512],
      ['offcat:sku-truck:text', 'text', 'A blue truck', 512],
    ]);
    expect(exported.events.filter((e) => e.adhocId === 'offcat:sku-old-car').map((e) => e.type)).toEqual(['view', 'click', 'view']);
    await profile.forget();
    expect(await profile.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
    recs.catalog.space.release(true);
  });

  it('an off-catalog item without content, with empty content, a corrupt picture or a foreign URL is refused with a typed error, and nothing is stored', async () => {
    const profile = new MemoryProfileStore({}, 'test');
    const recs = recommenderWith(profile);
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    const cases: Array<[string, Promise<unknown>, string, RegExp]> = [
      ['no content', recs.track('view', 'sku-1'), 'InvalidRequestError', /unknown item id "sku-1" .*needs its content/],
      ['empty content', recs.track('view', 'sku-2', { content: {} }), 'InvalidRequestError', /is empty/],
      ['an unknown field', recs.track('view', 'sku-3', { content: { name: 'Car' } as never }), 'InvalidRequestError', /unknown field "name"/],
      [
        'a sound only (no audio in this catalog)',
        recs.track('view', 'sku-4', { content: { audio: new Blob([new Uint8Array(10)]) } }),
        'InvalidRequestError',
        /has no vectors of/,
      ],
      ['an empty title', recs.track('view', 'sku-5', { content: { title: '   ' } }), 'EncoderInputError', /^\[empty-text\]/],
      [
        'a corrupt picture, with a good title',
        recs.track('view', 'sku-6', { content: { title: 'Old car', image: new Blob([carBytes.slice(0, 300)]) } }),
        'EncoderInputError',
        /^\[(corrupt-image|unsupported-format)\]/,
      ],
      [
        'a picture of another origin',
        recs.track('view', 'sku-7', { content: { image: 'https://tracker.example/car.svg' } }),
        'InvalidRequestError',
        /not this page's origin/,
      ],
      ['a missing picture', recs.track('view', 'sku-8', { content: { image: '/gone.png' } }), 'InvalidRequestError', /answered 404/],
    ];
    for (const [what, promise, name, message] of cases) {
      const error = await refusal(promise);
      expect(error?.name, what).toBe(name);
      expect(error?.message, what).toMatch(message);
    }
    expect(encoderInputProblem(await refusal(recs.track('view', 'sku-9', { content: { image: new Blob([new Uint8Array([1, 2, 3])]) } })))).toMatch(
      /corrupt-image|unsupported-format/,
    );
    expect(
      fetched.filter((url) => !url.startsWith(ORIGIN)),
      'nothing fetched from another origin',
    ).toEqual([]);
    expect(await profile.counts()).toEqual({ events: 0, adhocItems: 0, modelStates: 0 });
    recs.catalog.space.release(true);
  });

  it('keeps at most the bound of off-catalog items, deleting the oldest, and never a search example', async () => {
    const profile = new MemoryProfileStore({}, 'test');
    const encoder = { name: 'e', version: '1', dims: 2 };
    await profile.putAdhocItem({ id: 'example-1', modality: 'text', vector: new Float32Array([1, 0]), encoder, createdAt: 1 });
    for (const [n, at] of [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ] as const) {
      const vectors = (['text', 'image'] as const).map((modality) => ({ modality, vector: new Float32Array([0, n]), encoder }));
      await storeOffCatalogItem(profile, `offcat:sku:${n}`, `item ${n}`, vectors, { max: 2, createdAt: at });
    }
    expect((await profile.adhocItems()).map((a) => a.id)).toEqual([
      'example-1',
      'offcat:sku:3:image',
      'offcat:sku:3:text',
      'offcat:sku:4:image',
      'offcat:sku:4:text',
    ]);
  });
});
