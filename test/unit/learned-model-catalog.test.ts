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
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { CatalogFormatError, sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { LearnedRanker } from '../../src/engine/recommend/learned-ranker.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { LEARNED_VECTORS_PATH, LEARNED_WEIGHTS_PATH } from '../../src/node/catalog/learned-model-stage.ts';
import { buildInto, N, PARITY_FIXTURE_DIR } from '../learned-model-fixture.ts';
import { cosine, parityResults, type ParityResult } from '../learned-parity-cases.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { loadCatalogFolder } from '../load-catalog-folder.ts';

const temp = mkdtempSync(join(tmpdir(), 'learned-catalog-'));

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
    const withLog = await loadCatalogFolder(logDir);
    const entry = withLog.manifest.learnedModel!;
    expect(entry.userModel).toBe('sequence');
    expect(entry.itemVectors).toMatchObject({ format: 'int8', count: N, dims: 8, bytes: N * (8 + 4) });
    expect([0, 0.1, 0.25, 0.5, 1, 2]).toContain(entry.blendWeight);
    expect(entry.training.source).toBe('interaction-log');
    expect(typeof entry.training.validationTop10Fusion).toBe('number');
    const noLog = await loadCatalogFolder(noLogDir);
    expect(noLog.manifest.learnedModel).toMatchObject({ userModel: 'pooling', blendWeight: 0, idItems: 0 });
    expect(noLog.manifest.learnedModel!.training.source).toBe('shared-space-contrastive+categories');
    // Pooling ships the tower only: smaller than the sequence model's file.
    expect(noLog.manifest.learnedModel!.bytes).toBeLessThan(entry.bytes);
  });

  it('the no-log tower puts items of the same category together', async () => {
    const files = await loadCatalogFolder(noLogDir);
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
    const a = (await loadCatalogFolder(logDir)).manifest.learnedModel!;
    const b = await buildInto(again, true, 1);
    expect(b.learnedModel!.sha256).toBe(a.sha256);
    expect(b.learnedModel!.itemVectors.sha256).toBe(a.itemVectors.sha256);
    expect(b.learnedModel!.blendWeight).toBe(a.blendWeight);
  }, 300_000);

  it('the user vector and scores: no tensor left behind across calls', async () => {
    const files = await loadCatalogFolder(logDir);
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
    const files = await loadCatalogFolder(logDir);
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

  it('Node computes exactly the committed parity fixture (the browser-worker test compares against it)', async () => {
    const dir = PARITY_FIXTURE_DIR;
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ParityResult[];
    const got = await parityResults(await loadCatalogFolder(dir));
    expect(got.map((r) => r.top10)).toEqual(expected.map((r) => r.top10));
    got.forEach((r, i) => expect(cosine(r.user, expected[i]!.user)).toBeGreaterThan(0.999999));
  });

  describe('damaged or mismatched model files are refused with CatalogFormatError', () => {
    const damaged = async (change: (dir: string, manifest: CatalogManifest) => void | Promise<void>): Promise<unknown> => {
      const dir = mkdtempSync(join(temp, 'bad-'));
      cpSync(logDir, dir, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CatalogManifest;
      await change(dir, manifest);
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
      return loadCatalogFolder(dir).then(
        () => 'loaded',
        (error: unknown) => error,
      );
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
