import { containerDurationSeconds } from '../../src/shared/audio/container-duration.ts';
import { catalogFusionModel } from '../../src/engine/recommend/fusion-model.ts';
import { FEATURES } from '../../src/engine/catalog/fusion-features.ts';
import * as tf from '@tensorflow/tfjs';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { type CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { loadCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import { decodeVectors, sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { scoreTopK } from '../../src/engine/ranking/score-top-k.ts';
import { SharedSpace } from '../../src/engine/catalog/shared-space.ts';
import { addSharedSpaceToCatalog } from '../../src/node/catalog/shared-space-files.ts';
import { randomProjections } from '../../src/node/shared-space-eval.ts';
import type { Embedding, Modality } from '../../src/protocol/embedding.ts';
import {
  buildCatalog,
  BuildInterruptedError,
  CatalogInputError,
  textToEmbed,
  type CatalogEncoders,
  type SourceItem,
} from '../../src/node/catalog/build-catalog.ts';
import { parseShopCsv, parseShopJsonl } from '../../src/node/catalog/shop-source.ts';
import { titleFromName, tuxPaintLicense, tuxPaintSourceItems } from '../../src/node/catalog/tuxpaint-source.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { cosine } from '../cosine.ts';
import { encodeWav } from '../../src/shared/audio/encode-wav.ts';
import { FIXTURE_STAMP_IDS } from '../fixture-stamp-ids.ts';
import { itemAt } from '../../src/shared/item-at.ts';

/** Counts inputs per modality, so a test can tell what was embedded. */
class CountingEncoders implements CatalogEncoders {
  readonly inputs: Record<Modality, string[]> = { text: [], image: [], audio: [] };
  constructor(private readonly inner: NodeEncoders) {}
  reset(): void {
    for (const m of ['text', 'image', 'audio'] as const) this.inputs[m] = [];
  }
  embedText(texts: readonly string[]): Promise<Embedding> {
    this.inputs.text.push(...texts);
    return this.inner.embedText(texts);
  }
  embedImageFiles(paths: readonly string[]): Promise<Embedding> {
    this.inputs.image.push(...paths);
    return this.inner.embedImageFiles(paths);
  }
  embedAudioFiles(paths: readonly string[]): Promise<Embedding> {
    this.inputs.audio.push(...paths);
    return this.inner.embedAudioFiles(paths);
  }
}

async function inputError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).name).toBe('CatalogInputError');
    return error as Error;
  }
  throw new Error('expected a CatalogInputError');
}

let node: NodeEncoders;
let encoders: CountingEncoders;
let stampsDir: string;
const temp = mkdtempSync(join(tmpdir(), 'catalog-builder-'));

beforeAll(async () => {
  await initNodeTf('wasm');
  stampsDir = findOrFetchTuxPaintStamps();
  node = new NodeEncoders();
  encoders = new CountingEncoders(node);
});

afterAll(async () => {
  await node?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

describe('tux paint source', () => {
  it('maps stamps to items', () => {
    expect(titleFromName('loaf_of_bread')).toBe('Loaf of bread');
    const items = tuxPaintSourceItems(stampsDir, { ids: FIXTURE_STAMP_IDS });
    expect(items.map((i) => i.id).sort()).toEqual([...FIXTURE_STAMP_IDS].sort());
    const blackbird = items.find((i) => i.id === 'animals/birds/blackbird')!;
    expect(blackbird).toMatchObject({ title: 'Blackbird', category: 'animals/birds', metadata: { audioKind: 'effect' } });
    expect(blackbird.audioPath).toMatch(/blackbird\.ogg$/);
    expect(blackbird.description).toBeTruthy();
    expect(Object.keys(blackbird.metadata.translations as object).length).toBeGreaterThan(3);
    const bread = items.find((i) => i.id === 'food/bread')!;
    expect(bread.imagePath).toMatch(/\.svg$/);
    expect(bread.metadata).toMatchObject({ audioKind: 'spoken' });
    expect(bread.metadata.audioLanguage).toMatch(/^[a-z]{2}/);
    // limit spreads over the categories
    const spread = tuxPaintSourceItems(stampsDir, { limit: 20 });
    expect(spread).toHaveLength(20);
    expect(new Set(spread.map((i) => i.category.split('/')[0])).size).toBeGreaterThan(5);
    const license = tuxPaintLicense(stampsDir);
    expect(license.notice).toMatch(/GPL-2/);
    expect(license.notice).toMatch(/tuxpaint-stamps-default/);
    expect(itemAt(license.licenses, 0).license).toMatch(/^GPL-2\.0/);
  });
});

describe('tux paint catalog, interrupted and resumed', () => {
  const out = join(temp, 'tuxpaint');
  let manifest: CatalogManifest;
  let items: SourceItem[];

  it('stops after the first batch, then resumes without re-embedding finished items', async () => {
    items = tuxPaintSourceItems(stampsDir, { ids: FIXTURE_STAMP_IDS });
    const license = tuxPaintLicense(stampsDir);
    const options = {
      outDir: out,
      encoders,
      batchSize: 4,
      notice: license.notice,
      noticeFiles: license.noticeFiles,
      licenses: license.licenses,
      name: 'test',
      graph: {},
    };
    encoders.reset();
    await expect(buildCatalog(items, { ...options, stopAfterItems: 4 })).rejects.toBeInstanceOf(BuildInterruptedError);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    expect(existsSync(join(out, '.partial', 'text.jsonl'))).toBe(true);
    const firstTexts = [...encoders.inputs.text];
    const firstImages = [...encoders.inputs.image];
    expect(firstTexts).toHaveLength(4);
    expect(firstImages).toHaveLength(4);

    encoders.reset();
    const summary = await buildCatalog(items, options);
    // Finished items were not embedded again.
    expect(encoders.inputs.text).toHaveLength(8);
    expect(encoders.inputs.image).toHaveLength(8);
    for (const text of firstTexts) expect(encoders.inputs.text).not.toContain(text);
    for (const path of firstImages) expect(encoders.inputs.image).not.toContain(path);
    expect(summary.modalities.text).toMatchObject({ count: 12, reused: 4, embedded: 8 });
    expect(existsSync(join(out, '.partial'))).toBe(false);
    // nandou's sound effect is silent: refused, the item keeps text and image.
    expect(summary.refused).toEqual([expect.objectContaining({ id: 'animals/birds/nandou', modality: 'audio', problem: 'silent-audio' })]);
  }, 180_000);

  it('writes a valid catalog', async () => {
    const json = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    manifest = parseCatalogManifest(json, 'manifest.json');
    expect(manifest.items).toHaveLength(12);
    expect(Object.keys(manifest.vectorFiles).sort()).toEqual(['audio', 'image', 'text']);
    expect(manifest.vectorFiles.audio!.count).toBe(10); // pizza has no sound, nandou's is silent
    expect(manifest.licenses?.[0]?.license).toMatch(/^GPL-2\.0/);
    expect(manifest.notice).toBe('NOTICE');
    expect(readFileSync(join(out, 'NOTICE'), 'utf8')).toMatch(/GPL/);
    expect(existsSync(join(out, 'COPYRIGHT'))).toBe(true);
    for (const file of Object.values(manifest.vectorFiles)) {
      const bytes = new Uint8Array(readFileSync(join(out, file!.path)));
      expect(bytes.byteLength).toBe(file!.bytes);
      expect(await sha256Hex(bytes)).toBe(file!.sha256);
    }
    for (const item of manifest.items) {
      expect(item.image).toMatch(/\.webp$/);
      expect(existsSync(join(out, item.image!))).toBe(true);
      if (item.audio) expect(existsSync(join(out, item.audio))).toBe(true);
    }
    const bread = manifest.items.find((i) => i.id === 'food/bread')!;
    expect(bread.metadata).toMatchObject({ audioKind: 'spoken' });
  });

  it('stores vectors within cosine 0.99 of the encoders own', async () => {
    const decoded = Object.fromEntries(
      Object.entries(manifest.vectorFiles).map(([m, f]) => [
        m,
        decodeVectors(new Uint8Array(readFileSync(join(out, f!.path))), f!.format, f!.count, f!.dims, f!.path),
      ]),
    ) as Record<Modality, Float32Array>;
    for (const id of ['animals/birds/blackbird', 'food/bread']) {
      const item = manifest.items.find((i) => i.id === id)!;
      const source = items.find((i) => i.id === id)!;
      const expected: Record<Modality, Float32Array> = {
        text: itemAt((await node.embedText([textToEmbed(source)])).vectors, 0),
        image: itemAt((await node.embedImageFiles([source.imagePath!])).vectors, 0),
        audio: itemAt((await node.embedAudioFiles([source.audioPath!])).vectors, 0),
      };
      for (const m of ['text', 'image', 'audio'] as const) {
        const row = item.vectorRows[m]!;
        const dims = manifest.vectorFiles[m]!.dims;
        expect(cosine(decoded[m].subarray(row * dims, (row + 1) * dims), expected[m])).toBeGreaterThan(0.99);
      }
    }
  }, 120_000);

  it('trains a shared space in which each stamp finds itself across modalities', async () => {
    expect(manifest.sharedSpace).toMatchObject({ path: 'shared-space/weights.json', dims: 128, modalities: ['text', 'image', 'audio'] });
    // Served from the folder through the engine's loader (hashes checked, weights decoded).
    const base = 'https://shop.example/tuxpaint/';
    const fetch = async (url: string) => {
      const path = join(out, decodeURIComponent(url.slice(base.length)));
      return existsSync(path) ? new Response(new Uint8Array(readFileSync(path))) : new Response('not found', { status: 404 });
    };
    const files = await loadCatalogFiles(base, { fetch, caches: null });
    expect(files.sharedSpace!.spec.modalities.image).toEqual({
      inputDims: 1280,
      encoder: { name: manifest.encoders.image!.name, version: manifest.encoders.image!.version },
    });
    expect(files.sharedSpace!.spec.training).toMatchObject({ items: 12, pairs: { 'text-image': 12, 'text-audio': 10, 'image-audio': 10 } });
    // The item graph ships too (no interactions: content, category and keyword edges), checked and decoded by the loader.
    expect(manifest.graph).toMatchObject({ path: 'graph/item-graph.bin', bytes: statSync(join(out, 'graph/item-graph.bin')).size });
    expect(files.graph!.itemCount).toBe(12);
    expect(files.graph!.targets.length).toBe(manifest.graph!.edges);
    expect(files.graph!.labels.filter((l) => l.startsWith('category:')).length).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const catalog = new LoadedCatalog(files);
    const random = new SharedSpace(randomProjections({ text: 512, image: 1280, audio: manifest.vectorFiles.audio!.dims }, 128, 3));
    const hits = async (from: Modality, to: Modality, space?: SharedSpace) => {
      const targets = catalog.sharedOnBackend(to)!;
      let found = 0;
      let queries = 0;
      for (const item of manifest.items) {
        const vector = catalog.vector(item.id, from);
        if (!vector || item.vectorRows[to] === undefined) continue;
        queries++;
        if (space) {
          // The unaligned baseline: rank the random projections of `to` in JS.
          const q = space.projectVector(from, vector);
          const scores = manifest.items
            .filter((i) => i.vectorRows[to] !== undefined)
            .map((i) => {
              const t = space.projectVector(to, catalog.vector(i.id, to)!);
              return { id: i.id, score: q.reduce((s, v, j) => s + v * itemAt(t, j), 0) };
            });
          scores.sort((a, b) => b.score - a.score);
          if (itemAt(scores, 0).id === item.id) found++;
        } else {
          const top = await scoreTopK(targets, catalog.projectQuery(from, vector), 1);
          if (catalog.item(catalog.itemOfRow(to, itemAt(top.indices, 0)))!.id === item.id) found++;
        }
      }
      return found / queries;
    };
    for (const [from, to] of [
      ['text', 'image'],
      ['image', 'text'],
      ['audio', 'text'],
      ['audio', 'image'],
    ] as const) {
      const learnt = await hits(from, to);
      expect(learnt, `${from}→${to}`).toBeGreaterThanOrEqual(0.9);
      expect(learnt, `${from}→${to} vs random`).toBeGreaterThan(await hits(from, to, random));
    }
    catalog.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('adds the same shared space to a built catalog from its stored vectors, embedding nothing', async () => {
    const copy = join(temp, 'tuxpaint-copy');
    cpSync(out, copy, { recursive: true });
    const json = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
    delete json.sharedSpace;
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(json));
    rmSync(join(copy, 'shared-space'), { recursive: true });
    encoders.reset();
    const result = await addSharedSpaceToCatalog(copy);
    expect(encoders.inputs).toEqual({ text: [], image: [], audio: [] });
    expect(result.entry).toMatchObject({ dims: 128, modalities: ['text', 'image', 'audio'] });
    const again = parseCatalogManifest(JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8')), 'copy');
    expect(again.sharedSpace).toEqual(result.entry);
    expect(again.items).toEqual(manifest.items);
    expect(again.createdAt).toBe(manifest.createdAt);
    // Same vectors, same seed: the same weights as the builder's, bit for bit.
    expect(readFileSync(join(copy, 'shared-space', 'weights.bin')).equals(readFileSync(join(out, 'shared-space', 'weights.bin')))).toBe(true);
  }, 120_000);

  it('with interactions, trains the fusion model and ships it in the manifest', async () => {
    // A small hand-made log over the 12 stamps (plumbing test; the evaluation uses real logs):
    // 30 sessions that each walk 4 stamps in a fixed cyclic order.
    const rows = Array.from({ length: 30 }, (_, s) =>
      Array.from({ length: 4 }, (_, step) => ({
        session: `s${s}`,
        item: FIXTURE_STAMP_IDS[(s + step * 3) % FIXTURE_STAMP_IDS.length]!,
        timestamp: 1_700_000_000 + s * 1000 + step * 10,
        event: 'view',
      })),
    ).flat();
    const withLog = join(temp, 'tuxpaint-with-log');
    cpSync(join(out), withLog, { recursive: true });
    rmSync(join(withLog, 'manifest.json'));
    const summary = await buildCatalog(items, {
      outDir: withLog,
      encoders,
      batchSize: 4,
      name: 'test',
      interactions: { rows, options: { minSessions: 1 } },
      modalities: ['text', 'image'],
    });
    const built = parseCatalogManifest(JSON.parse(readFileSync(join(withLog, 'manifest.json'), 'utf8')), 'manifest.json');
    expect(built.signals!.events).toBe(120);
    expect(built.fusion).toBeDefined();
    expect(built.fusion!.head).toBe('late');
    expect(built.fusion!.training.cases).toBe(30);
    expect(summary.fusion).toEqual(built.fusion!.training);
    expect(Object.keys(built.fusion!.weights).sort()).toEqual([...FEATURES].sort());
    // The engine runs the shipped model; without one, the prior.
    expect(catalogFusionModel(built.fusion, undefined)).toMatchObject({ source: 'trained', weights: built.fusion!.weights });
    expect(catalogFusionModel(undefined, 'mlp')).toMatchObject({ source: 'prior', head: 'late' });
  }, 300_000);
});

describe('bad input', () => {
  const media = join(temp, 'media');
  beforeAll(() => {
    mkdirSync(media, { recursive: true });
    writeFileSync(join(media, 'silent.wav'), new Uint8Array(encodeWav({ sampleRate: 22050, channels: [new Float32Array(22050)] })));
  });

  it('names the line and field of a product with a missing required field', () => {
    const text = ['{"id":"a","title":"Hat","category":"clothes"}', '{"id":"b","category":"clothes"}'].join('\n');
    expect(() => parseShopJsonl(text, media, 'shop.jsonl')).toThrow(/shop\.jsonl line 2: missing field "title"/);
    expect(() => parseShopJsonl(text, media, 'shop.jsonl')).toThrow(CatalogInputError);
    expect(() => parseShopCsv('id,title,category,price\nx,Hat,clothes,cheap\n', media, 'shop.csv')).toThrow(/shop\.csv line 2: field "price" must be a number/);
    const csv = parseShopCsv('id,title,category,price,colour\nx,"Hat, red",clothes/hats,12.5,red\n', media, 'shop.csv');
    expect(csv[0]).toMatchObject({ id: 'x', title: 'Hat, red', category: 'clothes/hats', price: 12.5, metadata: { colour: 'red' } });
  });

  it('leaves out audio over the size limit, and reads Ogg durations', async () => {
    const ogg = join(stampsDir, 'animals/birds/blackbird.ogg');
    const seconds = containerDurationSeconds(new Uint8Array(readFileSync(ogg)), 'ogg-vorbis');
    expect(seconds).toBeGreaterThan(0.5);
    expect(seconds).toBeLessThan(30);
    const items: SourceItem[] = [{ id: 'bird', title: 'Bird whistle', category: 'toys', audioPath: ogg, metadata: {} }];
    const summary = await buildCatalog(items, { outDir: join(temp, 'big-audio'), encoders, maxAudioBytes: 1000 });
    expect(summary.refused).toEqual([expect.objectContaining({ id: 'bird', modality: 'audio', problem: 'audio-too-large' })]);
    const manifest = parseCatalogManifest(JSON.parse(readFileSync(join(temp, 'big-audio', 'manifest.json'), 'utf8')), 'manifest.json');
    expect(Object.keys(manifest.vectorFiles)).toEqual(['text']);
    expect(itemAt(manifest.items, 0).audio).toBeUndefined();
  });

  it('names a copied sound by its sniffed format: an Ogg polyglot named .html lands as .ogg', async () => {
    const polyglot = join(media, 'page.html');
    writeFileSync(polyglot, readFileSync(join(stampsDir, 'animals/birds/blackbird.ogg')));
    const items: SourceItem[] = [{ id: 'bird', title: 'Bird whistle', category: 'toys', audioPath: polyglot, metadata: {} }];
    await buildCatalog(items, { outDir: join(temp, 'polyglot'), encoders });
    const manifest = parseCatalogManifest(JSON.parse(readFileSync(join(temp, 'polyglot', 'manifest.json'), 'utf8')), 'manifest.json');
    expect(itemAt(manifest.items, 0).audio).toBe('media/audio/bird.ogg');
    expect(existsSync(join(temp, 'polyglot', 'media/audio/bird.ogg'))).toBe(true);
  }, 120_000);

  it('fails on a missing media file before embedding anything', async () => {
    const items = parseShopJsonl('{"id":"sku-1","title":"Hat","category":"clothes","image":"no/such.png"}\n', media, 'shop.jsonl');
    encoders.reset();
    const error = await inputError(buildCatalog(items, { outDir: join(temp, 'missing'), encoders }));
    expect(error.message).toMatch(/"sku-1"/);
    expect(error.message).toContain(join(media, 'no/such.png'));
    expect(encoders.inputs.text.length + encoders.inputs.image.length + encoders.inputs.audio.length).toBe(0);
  });

  it('fails on an item whose only modality is refused', async () => {
    const items = parseShopJsonl('{"id":"quiet","title":"Quiet box","category":"sounds","audio":"silent.wav"}\n', media, 'shop.jsonl');
    const error = await inputError(buildCatalog(items, { outDir: join(temp, 'silent'), encoders, modalities: ['audio'] }));
    expect(error.message).toMatch(/"quiet".*no usable modality.*silent-audio/);
    expect(existsSync(join(temp, 'silent', 'manifest.json'))).toBe(false);
  }, 60_000);
});
