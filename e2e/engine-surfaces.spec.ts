import type { Page } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Modality } from '../src/protocol/embedding.ts';
import type { ProgressUpdate } from '../src/protocol/progress.ts';
import type { CatalogMap } from '../src/protocol/catalog-view.ts';
import { catalogFileUrl } from '../src/engine/catalog/catalog-manifest.ts';
import { decodeAudioBytes } from '../src/engine/encoders/audio/decode-audio.ts';
import { RECOMMENDED_USE_LITE_VARIANT, useLiteModelPath } from '../src/engine/encoders/text/use-lite-text-encoder.ts';
import { readyReport } from './engine-page.ts';
import { expect, OWN_ORIGIN, test } from './test.ts';

/**
 * The engine's support for the product surfaces, on the real default catalog (Tux Paint) and
 * the real model weights: progress with real byte counts, item cards, the catalog map, encoder
 * warm-up, media URLs on recommended items and the limit on example sounds.
 *
 * Each test starts its own recommender in the demo page (`window.ondevice.createRecommender`,
 * the page-side API a shop uses) on `/?catalog=none`, so the demo loads nothing itself. `wasm`
 * is forced and the start-up probe kept small: backend choice is tested elsewhere.
 */
const CATALOG_DIR = 'public/catalogs/tuxpaint';
const CATALOG_URL = 'catalogs/tuxpaint/';
const PROFILE = 'e2e-engine-surfaces';
interface Manifest {
  items: Array<{ id: string; image?: string; audio?: string }>;
  vectorFiles: Record<Modality, { bytes: number }>;
  sharedSpace: { bytes: number };
}
// Read once the tests start: in a fresh clone the e2e server builds the catalog after the spec files are loaded.
let manifest: Manifest;
test.beforeAll(() => {
  manifest = JSON.parse(readFileSync(join(CATALOG_DIR, 'manifest.json'), 'utf8')) as Manifest;
});
const fileSize = (path: string) => statSync(path).size;

declare global {
  interface Window {
    /** The recommender a test started in the page, and every progress update it reported. */
    testRecs?: import('../src/client/create-recommender.ts').Recommender;
    progress?: ProgressUpdate[];
  }
}

/** Start a recommender on the default catalog in the page, recording its progress in `window.progress`. */
async function startRecommender(page: Page): Promise<void> {
  await page.evaluate(
    async ({ catalog, profileName }) => {
      window.progress = [];
      window.testRecs = await window.ondevice.createRecommender({
        catalog,
        backend: 'wasm',
        probeItems: 2000,
        profileName,
        onProgress: (update) => window.progress!.push(update),
      });
    },
    { catalog: CATALOG_URL, profileName: PROFILE },
  );
}

async function openPage(page: Page): Promise<void> {
  await page.goto('/?catalog=none&backend=wasm');
  await readyReport(page);
}

/** The updates so far; progress crosses its own message channel, so the last ones may land just after the call that caused them resolved. */
async function progressUntil(page: Page, last: (updates: ProgressUpdate[]) => boolean): Promise<ProgressUpdate[]> {
  await expect.poll(async () => last(await page.evaluate(() => window.progress!))).toBe(true);
  return page.evaluate(() => window.progress!);
}

const ofLabel = (updates: ProgressUpdate[], label: string) => updates.filter((u) => u.label === label);
const tensorCount = (page: Page) => page.evaluate(() => window.testRecs!.engine.api.tensorCount());

/** Loaded bytes never go down within one file, the last update is done, and nothing follows it. */
function expectRisingToDone(updates: ProgressUpdate[], label: string): ProgressUpdate {
  expect(updates.length, `${label}: updates`).toBeGreaterThan(0);
  updates.forEach((u, i) => {
    if (i > 0) expect(u.loadedBytes, `${label}: update ${i}`).toBeGreaterThanOrEqual(updates[i - 1]!.loadedBytes);
    expect(u.done, `${label}: only the last update is done`).toBe(i === updates.length - 1);
  });
  return updates.at(-1)!;
}

test('init and a catalog load report real progress: stages in order, bytes rising to each file size, a second load from the cache', async ({ page }) => {
  await openPage(page);
  await page.evaluate(() => caches.delete('ondevice-recs-catalog-v1'));
  await startRecommender(page);
  const sharedWeightsBytes = fileSize(join(CATALOG_DIR, 'shared-space/weights.bin'));
  const updates = await progressUntil(page, (u) => u.some((x) => x.label === 'shared-space weights' && x.done));

  // Stages arrive in the order the work happens.
  const stages = [...new Set(updates.map((u) => u.stage))];
  expect(stages).toEqual(['assets', 'backends', 'catalog', 'shared-space']);
  const assets = expectRisingToDone(ofLabel(updates, 'model asset manifest'), 'assets');
  expect(assets.loadedBytes).toBe(fileSize('public/models/assets.json'));
  // One update per backend measured: only wasm, as it was forced and usable.
  expect(updates.filter((u) => u.stage === 'backends')).toEqual([{ stage: 'backends', label: 'wasm backend', loadedBytes: 0, done: true }]);

  expect(expectRisingToDone(ofLabel(updates, 'catalog manifest'), 'manifest').loadedBytes).toBe(fileSize(join(CATALOG_DIR, 'manifest.json')));
  for (const modality of ['text', 'image', 'audio'] as const) {
    const label = `${modality} vectors`;
    const file = ofLabel(updates, label);
    const last = expectRisingToDone(file, label);
    expect(last).toMatchObject({ stage: 'catalog', loadedBytes: manifest.vectorFiles[modality].bytes, totalBytes: manifest.vectorFiles[modality].bytes });
    expect(last.fromCache, `${label} came from the network`).not.toBe(true);
    expect(file[0]!.loadedBytes, `${label} starts at 0`).toBe(0);
  }
  // The largest file (1.2 MB) streams in several chunks: updates in between, strictly rising.
  const image = ofLabel(updates, 'image vectors');
  const between = image.filter((u) => u.loadedBytes > 0 && !u.done).map((u) => u.loadedBytes);
  expect(between.length).toBeGreaterThan(0);
  expect(between.every((b, i) => i === 0 || b > between[i - 1]!)).toBe(true);
  expect(Math.max(...between)).toBeLessThan(manifest.vectorFiles.image.bytes);

  expect(expectRisingToDone(ofLabel(updates, 'shared-space spec'), 'spec').loadedBytes).toBe(manifest.sharedSpace.bytes);
  expect(expectRisingToDone(ofLabel(updates, 'shared-space weights'), 'weights')).toMatchObject({
    stage: 'shared-space',
    loadedBytes: sharedWeightsBytes,
    totalBytes: sharedWeightsBytes,
  });
  await page.evaluate(() => window.testRecs!.close());

  // A second engine in the same browser reads every vector file from the catalog cache, and a
  // listener that throws breaks nothing (the client only logs its error).
  const errors: string[] = [];
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  await page.evaluate(
    async ({ catalog, profileName }) => {
      window.progress = [];
      window.testRecs = await window.ondevice.createRecommender({
        catalog,
        backend: 'wasm',
        probeItems: 2000,
        profileName,
        onProgress: (update) => {
          window.progress!.push(update);
          throw new Error('a broken progress listener');
        },
      });
    },
    { catalog: CATALOG_URL, profileName: PROFILE },
  );
  expect(await page.evaluate(() => window.testRecs!.catalog.fromCache)).toBe(true);
  const warm = await progressUntil(page, (u) => u.some((x) => x.label === 'shared-space weights' && x.done));
  for (const modality of ['text', 'image', 'audio'] as const) {
    expect(ofLabel(warm, `${modality} vectors`)).toEqual([
      {
        stage: 'catalog',
        label: `${modality} vectors`,
        loadedBytes: manifest.vectorFiles[modality].bytes,
        totalBytes: manifest.vectorFiles[modality].bytes,
        done: true,
        fromCache: true,
      },
    ]);
  }
  expect(ofLabel(warm, 'shared-space weights').at(-1)).toMatchObject({ loadedBytes: sharedWeightsBytes, done: true, fromCache: true });
  expect(errors.some((e) => e.includes('a broken progress listener'))).toBe(true);
});

/** Bytes of a tfjs model's weight files on disk, as its model.json lists them. */
function weightFileBytes(modelDir: string): number {
  const json = JSON.parse(readFileSync(join('public/models', modelDir, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
  return json.weightsManifest.flatMap((g) => g.paths).reduce((sum, path) => sum + fileSize(join('public/models', modelDir, path)), 0);
}

test('warmUp loads encoders with their weight bytes reported; a later embed reuses them; no tensor leaks', async ({ page }) => {
  await openPage(page);
  await startRecommender(page);
  const before = await tensorCount(page);

  await page.evaluate(async () => {
    window.progress = [];
    await window.testRecs!.warmUp(['image', 'audio', 'text'], (update) => window.progress!.push(update));
  });
  const expected = {
    'image encoder weights': weightFileBytes('mobilenet-v2'),
    'audio encoder weights': weightFileBytes('basic-pitch'),
    'text encoder weights': weightFileBytes(useLiteModelPath(RECOMMENDED_USE_LITE_VARIANT).split('/')[0]!),
  };
  const updates = await progressUntil(page, (u) => u.filter((x) => x.done).length === 3);
  expect(updates.every((u) => u.stage === 'model')).toBe(true);
  for (const [label, bytes] of Object.entries(expected)) {
    const last = expectRisingToDone(ofLabel(updates, label), label);
    expect(last).toMatchObject({ loadedBytes: bytes, totalBytes: bytes });
  }
  // The image weights (2.6 MB) and text weights (8.6 MB) arrive in pieces, and the view sees them before the load ends.
  for (const label of ['image encoder weights', 'text encoder weights'] as const) {
    expect(
      ofLabel(updates, label).some((u) => !u.done && u.loadedBytes > 0 && u.loadedBytes < expected[label]),
      label,
    ).toBe(true);
  }
  const loaded = await tensorCount(page);
  expect(loaded).toBeGreaterThan(before); // the weights

  // Embedding now uses the loaded encoders: no second load (no new weight tensors), no leak.
  const sample = manifest.items.find((i) => i.id === 'food/bread')!;
  const vectors = await page.evaluate(
    async (url) => {
      const bytes = await (await fetch(url)).arrayBuffer();
      const image = await window.testRecs!.engine.api.embedImages([bytes]);
      const text = await window.testRecs!.engine.api.embedText(['a loaf of bread']);
      return [image.vectors.length, text.vectors.length];
    },
    catalogFileUrl(`${OWN_ORIGIN}${CATALOG_URL}`, sample.image!),
  );
  expect(vectors).toEqual([1, 1]);
  expect(await tensorCount(page)).toBe(loaded);

  // Warming up an encoder that is loaded already loads nothing and reports its bytes again.
  await page.evaluate(async () => {
    window.progress = [];
    await window.testRecs!.warmUp(['image'], (update) => window.progress!.push(update));
  });
  expect(await progressUntil(page, (u) => u.length === 1)).toEqual([
    {
      stage: 'model',
      label: 'image encoder weights',
      loadedBytes: expected['image encoder weights'],
      totalBytes: expected['image encoder weights'],
      done: true,
    },
  ]);
  expect(await tensorCount(page)).toBe(loaded);

  // An unknown modality is refused by name.
  const refused = await page.evaluate(() =>
    window.testRecs!.warmUp(['smell' as 'text']).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(refused).toContain('unknown modality "smell"');

  // The catalog map is computed on the heap: no tensors.
  const beforeMap = await tensorCount(page);
  await page.evaluate(() => window.testRecs!.map());
  expect(await tensorCount(page)).toBe(beforeMap);
});

test('item cards with media that load, a deterministic catalog map, recommended items with image URLs', async ({ page }) => {
  await openPage(page);
  await startRecommender(page);

  const cards = await page.evaluate(() => window.testRecs!.items());
  expect(cards.map((c) => c.id)).toEqual(manifest.items.map((i) => i.id));
  const base = `${OWN_ORIGIN}${CATALOG_URL}`;
  cards.forEach((card, i) => {
    const item = manifest.items[i]!;
    expect(card.imageUrl).toBe(item.image ? catalogFileUrl(base, item.image) : undefined);
    expect(card.audioUrl).toBe(item.audio ? catalogFileUrl(base, item.audio) : undefined);
  });
  const frog = cards.find((c) => c.id === 'animals/amphibians/frog')!;
  expect(frog).toMatchObject({ title: 'Frog', category: 'animals/amphibians', description: 'A frog.' });
  // The media URLs serve the catalog's files.
  const served = await page.evaluate(
    async ({ imageUrl, audioUrl }) => {
      const [image, audio] = await Promise.all([fetch(imageUrl), fetch(audioUrl)]);
      return { image: [image.status, (await image.arrayBuffer()).byteLength], audio: [audio.status, (await audio.arrayBuffer()).byteLength] };
    },
    { imageUrl: frog.imageUrl!, audioUrl: frog.audioUrl! },
  );
  expect(served.image).toEqual([200, fileSize(join(CATALOG_DIR, manifest.items.find((i) => i.id === frog.id)!.image!))]);
  expect(served.audio).toEqual([200, fileSize(join(CATALOG_DIR, manifest.items.find((i) => i.id === frog.id)!.audio!))]);

  // The map: one point per item (every stamp has an image, so every one is in the shared space), in the unit square.
  const map = await page.evaluate(() => window.testRecs!.map());
  expect(map.source).toBe('shared');
  expect(map.method).toContain('PCA');
  expect(new Set(map.ids)).toEqual(new Set(manifest.items.map((i) => i.id)));
  expect(map.ids).toHaveLength(manifest.items.length);
  expect(map.x).toHaveLength(map.ids.length);
  for (const v of [...map.x, ...map.y]) expect(v >= 0 && v <= 1).toBe(true);
  expect([Math.min(...map.x), Math.max(...map.x), Math.min(...map.y), Math.max(...map.y)]).toEqual([0, 1, 0, 1]);
  expect(map.varianceKept).toBeGreaterThan(0);
  expect(map.varianceKept).toBeLessThan(1);
  console.log(`catalog map: ${map.ids.length} points, variance kept ${(map.varianceKept * 100).toFixed(1)} %`);
  // Neighbourhoods mean something: items of one top-level category lie closer together than items in general.
  expect(meanDistance(map, sameTopCategory)).toBeLessThan(0.9 * meanDistance(map, () => true));

  // Deterministic: a fresh engine (new worker, same catalog) draws the same map.
  await page.evaluate(() => window.testRecs!.close());
  await startRecommender(page);
  expect(await page.evaluate(() => window.testRecs!.map())).toEqual(map);

  // Recommended items carry absolute image URLs that load.
  const recommended = await page.evaluate(() => window.testRecs!.recommend({ mode: 'similar', itemId: 'food/bread', k: 4 }));
  expect(recommended).toHaveLength(4);
  for (const item of recommended) {
    const path = manifest.items.find((i) => i.id === item.id)!;
    expect(item.imageUrl).toBe(catalogFileUrl(base, path.image!));
    expect(item.audioUrl).toBe(path.audio ? catalogFileUrl(base, path.audio) : undefined);
  }
  const status = await page.evaluate(async (url) => (await fetch(url)).status, recommended[0]!.imageUrl!);
  expect(status).toBe(200);
  const popular = await page.evaluate(() => window.testRecs!.recommend({ mode: 'popular', k: 3 }));
  expect(popular.every((i) => i.imageUrl?.startsWith(base))).toBe(true);
});

const sameTopCategory = (a: string, b: string) => a.split('/')[0] === b.split('/')[0];

/** Mean distance on the map over the pairs of items that `pair` accepts (by id). */
function meanDistance(map: CatalogMap, pair: (a: string, b: string) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < map.ids.length; i++) {
    for (let j = i + 1; j < map.ids.length; j++) {
      if (!pair(map.ids[i]!, map.ids[j]!)) continue;
      sum += Math.hypot(map.x[i]! - map.x[j]!, map.y[i]! - map.y[j]!);
      n++;
    }
  }
  return sum / n;
}

/**
 * A real stamp sound repeated to `seconds`, as 16-bit mono WAV. The stamps' sounds are a few
 * seconds long, so a long example is made here: decoded with the repo's own decoder (the one
 * the worker uses), its samples repeated end to end.
 */
async function longWav(stampSound: string, seconds: number): Promise<Buffer> {
  const pcm = await decodeAudioBytes(readFileSync(join(CATALOG_DIR, stampSound)), stampSound);
  const source = pcm.channels[0]!;
  const samples = Math.round(seconds * pcm.sampleRate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(pcm.sampleRate, 24);
  out.writeUInt32LE(pcm.sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, source[i % source.length]!)) * 32767), 44 + i * 2);
  return out;
}

test('a sound example longer than 30 s is refused with too-long and nothing is stored; a 25 s one is accepted', async ({ page }) => {
  await openPage(page);
  await startRecommender(page);
  await page.evaluate(() => window.testRecs!.forget());
  const sound = 'media/audio/animals/birds/crow.ogg';
  const search = (wav: Buffer) =>
    page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      try {
        const items = await window.testRecs!.searchByExample({ audio: new Blob([bytes], { type: 'audio/wav' }) }, 5);
        return { items: items.length };
      } catch (error) {
        return { name: (error as Error).name, message: (error as Error).message };
      }
    }, wav.toString('base64'));
  const profile = () => page.evaluate(() => window.testRecs!.profile());

  const before = await profile();
  expect(await search(await longWav(sound, 40))).toEqual({
    name: 'EncoderInputError',
    message: '[too-long] audio #1: the sound is 40.0 s long (by its wav header); the limit is 30 s. Use a shorter clip.',
  });
  expect(await profile()).toEqual(before);

  // The same sound, under the limit: accepted, kept as an example and viewed.
  expect(await search(await longWav(sound, 25))).toEqual({ items: 5 });
  expect(await profile()).toMatchObject({ adhocItems: before.adhocItems + 1, events: before.events + 1 });
  await page.evaluate(() => window.testRecs!.forget());
});
