import type { Page } from '@playwright/test';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CatalogSummary } from '../src/protocol/engine-api.ts';
import type { EncoderInfo, Modality } from '../src/protocol/embedding.ts';
import { encodeVectors, sha256Hex } from '../src/engine/catalog/vector-codec.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { readyReport } from './engine-page.ts';
import { expect, OWN_ORIGIN, test } from './test.ts';
import { cosine, stampDescription, stampsDir } from './stamp-fixtures.ts';
import { itemAt } from '../src/shared/item-at.ts';
import { defined } from '../test/defined.ts';

/**
 * Catalog fixtures made of real vectors: eight Tux Paint stamps' English descriptions
 * (text, int8) and four of their pictures (image, float16), embedded in Node. They are
 * written into dist/, which Vite's preview server (Playwright's webServer) serves as files
 * are, also those added after the build.
 */
const CATALOGS_DIR = resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs');
const STAMPS = [
  'animals/mammals/badger',
  'vehicles/auto/sedan',
  'food/bread',
  'food/cheese',
  'animals/birds/crow',
  'animals/insects/bee',
  'vehicles/auto/sportscar',
  'household/dishes/glass',
];
/** Stamps with an image vector, and their picture files. */
const IMAGE_STAMPS: Record<string, string> = {
  'animals/mammals/badger': 'animals/mammals/badger.png',
  'vehicles/auto/sedan': 'vehicles/auto/sedan.png',
  'vehicles/auto/sportscar': 'vehicles/auto/sportscar.svg',
  'household/dishes/glass': 'household/dishes/glass.png',
};
const FOLDERS = ['e2e-fixture', 'e2e-versioned', 'e2e-bad-missing-field', 'e2e-bad-truncated', 'e2e-bad-hash'];

let textEncoder: EncoderInfo;
let imageEncoder: EncoderInfo;
const nodeText = new Map<string, Float32Array>();
const nodeImage = new Map<string, Float32Array>();

interface CatalogFiles {
  manifest: Record<string, any>;
  text: Uint8Array;
  image: Uint8Array;
}

/** A catalog of `stamps` (in that order) in the manifest format; image rows in item order. */
async function buildCatalog(name: string, stamps: string[]): Promise<CatalogFiles> {
  const text = encodeVectors(
    stamps.map((s) => nodeText.get(s)!),
    'int8',
  );
  const withImage = stamps.filter((s) => IMAGE_STAMPS[s]);
  const image = encodeVectors(
    withImage.map((s) => nodeImage.get(s)!),
    'float16',
  );
  const manifest = {
    schemaVersion: 1,
    name,
    createdAt: '2025-02-01T10:00:00Z',
    encoders: { text: textEncoder, image: imageEncoder },
    vectorFiles: {
      text: { path: 'vectors/text.int8', format: 'int8', count: stamps.length, dims: textEncoder.dims, bytes: text.byteLength, sha256: await sha256Hex(text) },
      image: {
        path: 'vectors/image.f16',
        format: 'float16',
        count: withImage.length,
        dims: imageEncoder.dims,
        bytes: image.byteLength,
        sha256: await sha256Hex(image),
      },
    },
    items: stamps.map((stamp, row) => ({
      id: stamp,
      title: stampDescription(stamp),
      category: stamp.split('/').slice(0, -1).join('/'),
      vectorRows: { text: row, ...(IMAGE_STAMPS[stamp] ? { image: withImage.indexOf(stamp) } : {}) },
    })),
    licenses: [{ name: 'Tux Paint stamps (images, descriptions)', license: 'GPL-2.0-or-later' }],
  };
  return { manifest, text, image };
}

function writeCatalog(folder: string, files: CatalogFiles): void {
  const dir = join(CATALOGS_DIR, folder);
  mkdirSync(join(dir, 'vectors'), { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(files.manifest, null, 1));
  writeFileSync(join(dir, 'vectors', 'text.int8'), files.text);
  writeFileSync(join(dir, 'vectors', 'image.f16'), files.image);
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const text = await encoders.embedText(STAMPS.map(stampDescription));
  textEncoder = text.encoder;
  STAMPS.forEach((s, i) => nodeText.set(s, itemAt(text.vectors, i)));
  const imageStamps = Object.keys(IMAGE_STAMPS);
  const images = await encoders.embedImageFiles(imageStamps.map((s) => join(stampsDir, defined(IMAGE_STAMPS[s], s))));
  imageEncoder = images.encoder;
  imageStamps.forEach((s, i) => nodeImage.set(s, itemAt(images.vectors, i)));
  await encoders.dispose();

  const good = await buildCatalog('e2e fixture', STAMPS);
  writeCatalog('e2e-fixture', good);

  const missingField = structuredClone(good);
  delete missingField.manifest.items[3].category;
  writeCatalog('e2e-bad-missing-field', missingField);

  writeCatalog('e2e-bad-truncated', { ...good, text: good.text.subarray(0, good.text.byteLength - 100) });

  const tampered = good.image.slice();
  tampered[50] = itemAt(tampered, 50) ^ 0x01;
  writeCatalog('e2e-bad-hash', { ...good, image: tampered });
});

test.afterAll(() => {
  for (const folder of FOLDERS) rmSync(join(CATALOGS_DIR, folder), { recursive: true, force: true });
});

function loadCatalog(page: Page, url: string): Promise<CatalogSummary> {
  return page.evaluate((url) => window.engine!.api.loadCatalog(url), url);
}

async function loadRejection(page: Page, url: string): Promise<{ name: string; message: string } | undefined> {
  return page.evaluate(async (url) => {
    try {
      await window.engine!.api.loadCatalog(url);
      return undefined;
    } catch (error) {
      return { name: (error as Error).name, message: (error as Error).message };
    }
  }, url);
}

function catalogVectors(page: Page, ids: string[], modality: Modality): Promise<(number[] | null)[]> {
  return page.evaluate(async ({ ids, modality }) => (await window.engine!.api.catalogVectors(ids, modality)).map((v) => (v ? Array.from(v) : null)), {
    ids,
    modality,
  });
}

function rankCatalog(page: Page, query: ArrayLike<number>, modality: Modality, k: number) {
  return page.evaluate(({ query, modality, k }) => window.engine!.api.rankCatalog(new Float32Array(query), modality, k), {
    query: Array.from(query),
    modality,
    k,
  });
}

const tensorCount = (page: Page) => page.evaluate(() => window.engine!.api.tensorCount());

test('a catalog of real vectors loads into the worker: same vectors as Node, ranking by id, cached on the second load, no leak', async ({ page }) => {
  await page.goto('/?catalog=none'); // nothing loaded yet, so the tensor count below is this catalog's
  const report = await readyReport(page);
  const base = await tensorCount(page);

  const cold = await loadCatalog(page, '/catalogs/e2e-fixture/');
  expect(cold).toMatchObject({ name: 'e2e fixture', url: `${OWN_ORIGIN}catalogs/e2e-fixture/`, itemCount: 8, fromCache: false, notices: [] });
  expect(cold.modalities).toEqual([
    { modality: 'text', count: 8, dims: 512, format: 'int8', bytes: 8 * (512 + 4), fromCache: false, encoder: textEncoder },
    { modality: 'image', count: 4, dims: 1280, format: 'float16', bytes: 4 * 1280 * 2, fromCache: false, encoder: imageEncoder },
  ]);
  expect(cold.bytes).toBe(8 * 516 + 4 * 2560);
  expect(cold.bytesFetched).toBeGreaterThan(cold.bytes);
  expect(cold.loadMs).toBeGreaterThan(0);
  // One tensor per modality, uploaded once.
  const loaded = await tensorCount(page);
  expect(loaded).toBe(base + 2);

  // The decoded vectors are the Node vectors, within int8 / float16 rounding.
  const text = await catalogVectors(page, STAMPS, 'text');
  STAMPS.forEach((s, i) => expect(cosine(text[i]!, nodeText.get(s)!), `text ${s}`).toBeGreaterThanOrEqual(0.99));
  const images = await catalogVectors(page, [...STAMPS, 'no/such/item'], 'image');
  STAMPS.forEach((s, i) => {
    if (IMAGE_STAMPS[s]) expect(cosine(images[i]!, nodeImage.get(s)!), `image ${s}`).toBeGreaterThanOrEqual(0.999);
    else expect(images[i], `${s} has no image vector`).toBeNull();
  });
  expect(images[8]).toBeNull();

  // An item's own vector ranks that item first, on the engine's backend.
  for (const stamp of STAMPS) {
    const result = await rankCatalog(page, nodeText.get(stamp)!, 'text', 3);
    expect(result.backend).toBe(report.backend);
    expect(result.ids[0], `text query of ${stamp}`).toBe(stamp);
    expect(result.scores[0]).toBeGreaterThan(0.95);
    expect(result.scores[0]).toBeGreaterThanOrEqual(itemAt(result.scores, 1));
  }
  for (const stamp of Object.keys(IMAGE_STAMPS)) {
    const result = await rankCatalog(page, nodeImage.get(stamp)!, 'image', 10);
    expect(result.ids[0], `image query of ${stamp}`).toBe(stamp);
    expect(result.ids).toHaveLength(4); // k is capped at the items that have an image vector
  }
  // A text query embedded in the page finds its stamp's description.
  // Runs in the page, where the test's imports (itemAt) do not exist.
  const query = await page.evaluate(async () => Array.from((await window.engine!.api.embedText(['a crow'])).vectors[0]!));
  expect((await rankCatalog(page, query, 'text', 1)).ids).toEqual(['animals/birds/crow']);
  const afterEmbedding = await tensorCount(page); // the text encoder's weights are loaded now

  // Second load in the same page: the vector files come from the Cache API; the old catalog is released.
  const warm = await loadCatalog(page, '/catalogs/e2e-fixture');
  expect(warm.fromCache).toBe(true);
  expect(warm.modalities.map((m) => m.fromCache)).toEqual([true, true]);
  expect(warm.bytesFetched).toBe(cold.bytesFetched - cold.bytes); // the manifest only
  expect(await tensorCount(page)).toBe(afterEmbedding);
  expect((await rankCatalog(page, nodeText.get('food/cheese')!, 'text', 1)).ids).toEqual(['food/cheese']);

  // A new page (new worker) in the same browser context reads the cache too.
  await page.reload();
  await readyReport(page);
  const again = await loadCatalog(page, '/catalogs/e2e-fixture/');
  expect(again.fromCache).toBe(true);
  expect(again.notices).toEqual([]);
  console.log(
    `catalog load: cold ${cold.loadMs.toFixed(1)} ms (${cold.bytesFetched} B fetched), warm ${warm.loadMs.toFixed(1)} ms, new page ${again.loadMs.toFixed(1)} ms`,
  );
});

test('a new catalog version never reads old cached bytes; old versions are pruned; a damaged cached file is fetched again', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await readyReport(page);
  writeCatalog('e2e-versioned', await buildCatalog('v1', STAMPS));
  const v1 = await loadCatalog(page, '/catalogs/e2e-versioned/');
  expect(v1).toMatchObject({ name: 'v1', fromCache: false });

  // v2: same paths, items in another order, so the bytes and hashes differ.
  const reversed = [...STAMPS].reverse();
  writeCatalog('e2e-versioned', await buildCatalog('v2', reversed));
  const v2 = await loadCatalog(page, '/catalogs/e2e-versioned/');
  expect(v2).toMatchObject({ name: 'v2', fromCache: false });
  const text = await catalogVectors(page, reversed, 'text');
  reversed.forEach((s, i) => expect(cosine(text[i]!, nodeText.get(s)!), `v2 text ${s}`).toBeGreaterThanOrEqual(0.99));
  expect((await rankCatalog(page, nodeText.get('food/bread')!, 'text', 1)).ids).toEqual(['food/bread']);

  const cacheKeys = () =>
    page.evaluate(async () => (await (await caches.open('ondevice-recs-catalog-v1')).keys()).map((r) => r.url).filter((u) => u.includes('/e2e-versioned/')));
  const keys = await cacheKeys();
  expect(keys).toHaveLength(2); // v1's entries are gone
  for (const modality of ['text', 'image'] as const) {
    const file = (await page.evaluate(() => fetch('/catalogs/e2e-versioned/manifest.json').then((r) => r.json()))).vectorFiles[modality];
    expect(keys).toContain(`${OWN_ORIGIN}catalogs/e2e-versioned/${file.path}?catalog-sha256=${file.sha256}`);
  }

  // Damage the cached text file: it is thrown away and fetched again, and the load still succeeds.
  await page.evaluate(async () => {
    const cache = await caches.open('ondevice-recs-catalog-v1');
    const key = (await cache.keys()).find((r) => r.url.includes('/e2e-versioned/vectors/text.int8'))!;
    const bytes = new Uint8Array(await (await cache.match(key))!.arrayBuffer());
    bytes[100] = bytes[100]! ^ 0xff; // in the page: no itemAt here
    await cache.put(key, new Response(bytes));
  });
  const repaired = await loadCatalog(page, '/catalogs/e2e-versioned/');
  expect(repaired.modalities.map((m) => [m.modality, m.fromCache])).toEqual([
    ['text', false],
    ['image', true],
  ]);
  expect(repaired.notices.join('\n')).toContain('cached copy of vectors/text.int8 was damaged');
  expect((await loadCatalog(page, '/catalogs/e2e-versioned/')).fromCache).toBe(true);
});

test('bad catalogs are refused with errors naming the field or file, and the engine keeps serving the previous one', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await readyReport(page);
  await loadCatalog(page, '/catalogs/e2e-fixture/');
  const count = await tensorCount(page);
  const manifestOf = (folder: string) => `${OWN_ORIGIN}catalogs/${folder}/manifest.json`;

  const cases: Array<[string, string]> = [
    ['e2e-bad-missing-field', `${manifestOf('e2e-bad-missing-field')}: items[3] ("food/cheese"): missing field "category"`],
    ['e2e-bad-truncated', `${OWN_ORIGIN}catalogs/e2e-bad-truncated/vectors/text.int8: truncated: expected ${8 * 516} bytes, got ${8 * 516 - 100}`],
    ['e2e-bad-hash', `${OWN_ORIGIN}catalogs/e2e-bad-hash/vectors/image.f16: sha256 mismatch`],
  ];
  for (const [folder, message] of cases) {
    const error = await loadRejection(page, `/catalogs/${folder}/`);
    expect(error, folder).toBeDefined();
    expect(error!.name, folder).toBe('CatalogFormatError');
    expect(error!.message, folder).toContain(message);
    // Still serving the catalog loaded before, with no tensors left behind by the failed load.
    expect((await rankCatalog(page, nodeText.get('animals/insects/bee')!, 'text', 1)).ids, `after ${folder}`).toEqual(['animals/insects/bee']);
    expect(await tensorCount(page), `after ${folder}`).toBe(count);
  }

  const missing = await loadRejection(page, '/catalogs/no-such-catalog/');
  expect(missing!.message).toContain(`catalog manifest ${manifestOf('no-such-catalog')} answered 404`);
  const wrongModality = await page.evaluate(() =>
    window.engine!.api.rankCatalog(new Float32Array(316), 'audio', 3).then(
      () => '',
      (e: Error) => e.message,
    ),
  );
  expect(wrongModality).toContain('has no audio vectors (it has: text, image)');
  const wrongDims = await page.evaluate(() =>
    window.engine!.api.rankCatalog(new Float32Array(3), 'text', 3).then(
      () => '',
      (e: Error) => e.message,
    ),
  );
  expect(wrongDims).toContain('query must be a Float32Array of 512 values');
  expect((await loadCatalog(page, '/catalogs/e2e-fixture/')).itemCount).toBe(8);
  expect(await tensorCount(page)).toBe(count);
});

test('after a lost WebGPU device the catalog is uploaded to the new backend and ranking continues', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  const report = await readyReport(page);
  test.skip(report.backend !== 'webgpu', 'this browser has no WebGPU adapter');
  await loadCatalog(page, '/catalogs/e2e-fixture/');
  expect((await rankCatalog(page, nodeImage.get('vehicles/auto/sedan')!, 'image', 2)).ids[0]).toBe('vehicles/auto/sedan');
  expect(await page.evaluate(() => window.engine!.api.loseWebGpuDeviceForTesting())).toBe(true);
  const after = await rankCatalog(page, nodeImage.get('vehicles/auto/sedan')!, 'image', 2);
  expect(after.backend).not.toBe('webgpu');
  expect(after.ids[0]).toBe('vehicles/auto/sedan');
  expect((await rankCatalog(page, nodeText.get('food/bread')!, 'text', 1)).ids).toEqual(['food/bread']);
});
