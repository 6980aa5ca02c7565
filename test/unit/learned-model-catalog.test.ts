/**
 * The learned model as a catalog ships it (learned-model-stage.ts → learned-model-format.ts →
 * the engine's loader → LearnedRanker → for-you): built with and without an interaction log,
 * read back through the same loader the worker uses, deterministic for a seed, refused with
 * CatalogFormatError when damaged, and free of tensor leaks across calls.
 *
 * A numeric fixture, not data: 48 items in 4 categories; "text" (16-d) and "image" (24-d)
 * vectors are seeded noise around a category direction (item 5 has no image); sessions walk
 * inside one category.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_SCHEMA_VERSION, type CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { loadCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { CatalogFormatError, encodeVectors, sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { LearnedRanker } from '../../src/engine/recommend/learned-ranker.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { ItemSpace } from '../../src/engine/recommend/item-space.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { aggregateInteractions, type InteractionRow } from '../../src/node/catalog/aggregate-interactions.ts';
import { buildLearnedModel, LEARNED_VECTORS_PATH, LEARNED_WEIGHTS_PATH } from '../../src/node/catalog/learned-model-stage.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

const N = 48;
const CATEGORIES = ['animals', 'food', 'vehicles', 'symbols'];
const temp = mkdtempSync(join(tmpdir(), 'learned-catalog-'));

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

/** A catalog folder with text + image vectors (no learned model yet). */
async function writeBaseCatalog(dir: string): Promise<{ manifest: CatalogManifest; stored: { text: Float32Array; image: Float32Array } }> {
  const random = mulberry32(3);
  const vec = (dims: number, c: number) => unit(Float32Array.from({ length: dims }, (_, d) => (d % 4 === c ? 1 : 0) + 0.5 * (random() - 0.5)));
  const text = Array.from({ length: N }, (_, i) => vec(16, i % 4));
  const image = Array.from({ length: N }, (_, i) => vec(24, i % 4)).filter((_, i) => i !== 5);
  const textBytes = encodeVectors(text, 'int8');
  const imageBytes = encodeVectors(image, 'int8');
  writeFileSync(join(dir, 'text.int8'), textBytes);
  writeFileSync(join(dir, 'image.int8'), imageBytes);
  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: 'fixture',
    createdAt: '2026-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 16 }, image: { modality: 'image', name: 'i', version: '1', dims: 24 } },
    vectorFiles: {
      text: { path: 'text.int8', format: 'int8', count: N, dims: 16, bytes: textBytes.byteLength, sha256: await sha256Hex(textBytes) },
      image: { path: 'image.int8', format: 'int8', count: N - 1, dims: 24, bytes: imageBytes.byteLength, sha256: await sha256Hex(imageBytes) },
    },
    items: Array.from({ length: N }, (_, i) => ({ id: `item${i}`, title: `Item ${i}`, category: CATEGORIES[i % 4]!, vectorRows: i === 5 ? { text: i } : { text: i, image: i < 5 ? i : i - 1 } })),
  };
  const decode = (rows: Float32Array[], dims: number) => {
    const out = new Float32Array(rows.length * dims);
    rows.forEach((r, i) => out.set(r, i * dims));
    return out;
  };
  return { manifest, stored: { text: decode(text, 16), image: decode(image, 24) } };
}

/** Sessions of 6 views inside one category. */
function log(): InteractionRow[] {
  const random = mulberry32(9);
  const rows: InteractionRow[] = [];
  for (let s = 0; s < 60; s++) {
    const c = s % 4;
    for (let t = 0; t < 6; t++) rows.push({ session: `s${s}`, item: `item${c + 4 * Math.floor(random() * 12)}`, timestamp: 1_700_000_000 + s * 1000 + t * 10, event: 'view' });
  }
  return rows;
}

/** Builds the learned model into `dir` and writes the manifest naming it. */
async function buildInto(dir: string, withLog: boolean, seed = 1): Promise<CatalogManifest> {
  const { manifest, stored } = await writeBaseCatalog(dir);
  const rows = log();
  if (withLog) manifest.signals = aggregateInteractions(rows, manifest.items.map((i) => i.id)).signals;
  const space = new ItemSpace(manifest, { text: { data: stored.text, dims: 16 }, image: { data: stored.image, dims: 24 } }, undefined);
  const built = await buildLearnedModel({ outDir: dir, manifest, stored, space, ...(withLog ? { interactions: { rows } } : {}) }, { seed, epochs: 2, towerSteps: 30, dims: 8 });
  space.release(true);
  manifest.learnedModel = built.entry;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}

const load = (dir: string) => loadCatalogFiles(`${pathToFileURL(dir).href}/`, { caches: null, fetch: async (url) => new Response(new Uint8Array(readFileSync(new URL(url.split('?')[0]!)))) });

describe('learned model in the catalog (builder, loader, for-you)', () => {
  const logDir = join(temp, 'with-log');
  const noLogDir = join(temp, 'no-log');

  beforeAll(async () => {
    await initNodeTf('wasm');
    for (const d of [logDir, noLogDir]) mkdirSync(d);
    await buildInto(logDir, true);
    await buildInto(noLogDir, false);
  }, 300_000);

  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('ships a sequence model with a log and a pooling tower without one, both readable by the engine loader', async () => {
    const withLog = await load(logDir);
    const entry = withLog.manifest.learnedModel!;
    expect(entry.userModel).toBe('sequence');
    expect(entry.itemVectors).toMatchObject({ format: 'int8', count: N, dims: 8, bytes: N * (8 + 4) });
    expect([0, 0.1, 0.25, 0.5, 1, 2]).toContain(entry.blendWeight);
    expect(entry.training.source).toBe('interaction-log');
    expect(typeof entry.training.validationTop10Fusion).toBe('number');
    const noLog = await load(noLogDir);
    expect(noLog.manifest.learnedModel).toMatchObject({ userModel: 'pooling', blendWeight: 0, idItems: 0 });
    expect(noLog.manifest.learnedModel!.training.source).toBe('shared-space-contrastive+categories');
    // Pooling ships the tower only: smaller than the sequence model's file.
    expect(noLog.manifest.learnedModel!.bytes).toBeLessThan(entry.bytes);
  });

  it('the no-log tower puts items of the same category together', async () => {
    const files = await load(noLogDir);
    const ranker = new LearnedRanker(files.learnedModel!, { text: 16, image: 24 });
    let same = 0;
    for (let i = 0; i < N; i++) {
      const top = await ranker.topK(ranker.itemVector(i), 4);
      same += [...top.indices].filter((j) => j !== i && j % 4 === i % 4).length;
    }
    // 3 neighbours per item; chance would put about a quarter in the same category.
    expect(same / (3 * N)).toBeGreaterThan(0.8);
  });

  it('training and the files are deterministic for a seed', async () => {
    const again = join(temp, 'again');
    mkdirSync(again);
    const a = (await load(logDir)).manifest.learnedModel!;
    const b = await buildInto(again, true, 1);
    expect(b.learnedModel!.sha256).toBe(a.sha256);
    expect(b.learnedModel!.itemVectors.sha256).toBe(a.itemVectors.sha256);
    expect(b.learnedModel!.blendWeight).toBe(a.blendWeight);
  }, 300_000);

  it('the user vector and scores: no tensor left behind across calls', async () => {
    const files = await load(logDir);
    const ranker = new LearnedRanker(files.learnedModel!, { text: 16, image: 24 });
    const history = [0, 4, 8, 12].map((item) => ({ item, weight: 1 }));
    ranker.userVector(history);
    const before = tf.memory().numTensors;
    const u1 = ranker.userVector(history)!;
    const u2 = ranker.userVector(history)!;
    expect(tf.memory().numTensors).toBe(before);
    expect([...u1]).toEqual([...u2]);
    expect(u1.every(Number.isFinite)).toBe(true);
    const scores = ranker.scores(u1);
    const top = await ranker.topK(u1, 10);
    // The int8 ranker and the full score scan agree on the order.
    const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 10);
    expect([...top.indices]).toEqual(order);
  });

  it('for-you blends the learned score with its fitted weight, with explanations and no tensor leak', async () => {
    const files = await load(logDir);
    const forced = { ...files, learnedModel: { ...files.learnedModel!, entry: { ...files.learnedModel!.entry, blendWeight: 2 } } };
    const lists: string[][] = [];
    const counts: number[] = [];
    for (const f of [{ ...files, learnedModel: { ...files.learnedModel!, entry: { ...files.learnedModel!.entry, blendWeight: 0 } } }, forced]) {
      const profile = new MemoryProfileStore({}, 'test');
      const recommender = new OnDeviceRecommender(recommenderCatalog(f, undefined), async () => profile);
      for (const [i, id] of ['item1', 'item5', 'item9'].entries()) await recommender.track('view', id, { at: 1000 + i });
      const first = await recommender.recommend({ mode: 'for-you', k: 5 }, { record: false });
      const before = tf.memory().numTensors;
      const items = await recommender.recommend({ mode: 'for-you', k: 5 }, { record: false });
      counts.push(tf.memory().numTensors - before);
      expect(items.map((i) => i.id)).toEqual(first.map((i) => i.id));
      expect(items.every((i) => i.explanation.summary.length > 0)).toBe(true);
      lists.push(items.map((i) => i.id));
      recommender.catalog.space.release(true);
    }
    expect(counts).toEqual([0, 0]);
    expect(lists[1]).not.toEqual(lists[0]);
  });

  describe('damaged or mismatched model files are refused with CatalogFormatError', () => {
    const damaged = async (change: (dir: string, manifest: CatalogManifest) => void | Promise<void>): Promise<unknown> => {
      const dir = mkdtempSync(join(temp, 'bad-'));
      cpSync(logDir, dir, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CatalogManifest;
      await change(dir, manifest);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      return load(dir).then(() => 'loaded', (error: unknown) => error);
    };
    const flip = (path: string, at: number, value: (bytes: Uint8Array) => void) => {
      const bytes = new Uint8Array(readFileSync(path));
      value(bytes.subarray(at));
      writeFileSync(path, bytes);
    };

    it('a truncated weights file', async () => {
      const error = await damaged((dir) => writeFileSync(join(dir, LEARNED_WEIGHTS_PATH), readFileSync(join(dir, LEARNED_WEIGHTS_PATH)).subarray(0, 100)));
      expect(error).toBeInstanceOf(CatalogFormatError);
      expect(String(error)).toMatch(/truncated/);
    });

    it('a weights file whose hash does not match', async () => {
      const error = await damaged((dir) => flip(join(dir, LEARNED_WEIGHTS_PATH), 40, (b) => (b[0] = b[0]! ^ 1)));
      expect(error).toBeInstanceOf(CatalogFormatError);
      expect(String(error)).toMatch(/sha256 mismatch/);
    });

    it('a NaN weight (with a matching hash)', async () => {
      const error = await damaged(async (dir, manifest) => {
        const path = join(dir, LEARNED_WEIGHTS_PATH);
        flip(path, 8, (b) => new DataView(b.buffer, b.byteOffset, 4).setFloat32(0, Number.NaN, true));
        manifest.learnedModel!.sha256 = await sha256Hex(new Uint8Array(readFileSync(path)));
      });
      expect(error).toBeInstanceOf(CatalogFormatError);
      expect(String(error)).toMatch(/must be finite/);
    });

    it('wrong dims in the manifest', async () => {
      const error = await damaged((_, manifest) => {
        manifest.learnedModel!.dims = 16;
      });
      expect(error).toBeInstanceOf(CatalogFormatError);
      expect(String(error)).toMatch(/dims/);
    });

    it('item vectors for the wrong number of items, truncated or damaged', async () => {
      const count = await damaged((_, manifest) => {
        manifest.learnedModel!.itemVectors.count = N - 1;
      });
      expect(count).toBeInstanceOf(CatalogFormatError);
      const truncated = await damaged((dir) => writeFileSync(join(dir, LEARNED_VECTORS_PATH), readFileSync(join(dir, LEARNED_VECTORS_PATH)).subarray(0, 10)));
      expect(truncated).toBeInstanceOf(CatalogFormatError);
      const scale = await damaged(async (dir, manifest) => {
        const path = join(dir, LEARNED_VECTORS_PATH);
        flip(path, 0, (b) => new DataView(b.buffer, b.byteOffset, 4).setFloat32(0, Number.POSITIVE_INFINITY, true));
        manifest.learnedModel!.itemVectors.sha256 = await sha256Hex(new Uint8Array(readFileSync(path)));
      });
      expect(scale).toBeInstanceOf(CatalogFormatError);
    });
  });
});
