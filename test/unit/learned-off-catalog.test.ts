/**
 * Items the catalog lacks in the learned model (issue 10 item 5): the item tower places one from
 * its content alone (`contentVector`), and for-you's learned history carries it at its place in
 * time. On the committed learned-parity fixture (a sequence model with id embeddings, text +
 * image) and the pooling model built from the same numeric fixture without a log (no id
 * embeddings, so a catalog item's shipped vector is its tower output).
 *
 * The off-catalog item's "content" is handed over already embedded: a catalog item's own text
 * and image vectors stand in for what the encoders would make of its title and picture (that
 * path, with the real encoders, is off-catalog-items.test.ts and e2e/widget-off-catalog.spec.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import type { Modality } from '../../src/protocol/embedding.ts';
import { learnedHistory } from '../../src/engine/recommend/learned-ranker.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { loadSequenceAndPooling } from '../learned-model-fixture.ts';

const temp = mkdtempSync(join(tmpdir(), 'learned-off-catalog-'));
const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  for (let j = 0; j < a.length; j++) dot += a[j]! * b[j]!;
  return dot / (Math.hypot(...a) * Math.hypot(...b));
};
const MODALITIES: readonly Modality[] = ['text', 'image'];

let sequence: LoadedCatalogFiles;
let pooling: LoadedCatalogFiles;

beforeAll(async () => {
  await initNodeTf('wasm');
  ({ sequence, pooling } = await loadSequenceAndPooling(temp));
}, 300_000);

afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A catalog item's modality vectors, as the content of an item the catalog lacks. */
function contentOf(files: LoadedCatalogFiles, row: number): Partial<Record<Modality, Float32Array>> {
  const { space } = recommenderCatalog(files, undefined);
  const content = Object.fromEntries(MODALITIES.flatMap((m) => (space.vector(row, m) ? [[m, space.vector(row, m)!.slice()]] : [])));
  space.release(true);
  return content;
}

describe('contentVector: the item tower on content alone', () => {
  it('without id embeddings it gives each catalog item its shipped vector (int8 rounding apart)', () => {
    const ranker = recommenderCatalog(pooling, undefined).learned!;
    expect(ranker.config.idItems).toBe(0);
    for (const row of [0, 7, 12, 30]) {
      const vector = ranker.contentVector(contentOf(pooling, row))!;
      expect(vector).toHaveLength(ranker.config.dims);
      expect(cosine(vector, ranker.itemVector(row)), `row ${row}`).toBeGreaterThan(0.999);
    }
  });

  it('leaves out modalities the tower lacks or of other dims; null when none is left; no tensor left behind', () => {
    const ranker = recommenderCatalog(pooling, undefined).learned!;
    const { text, image } = contentOf(pooling, 3);
    expect(ranker.contentVector({})).toBeNull();
    expect(ranker.contentVector({ audio: new Float32Array(8).fill(1) })).toBeNull();
    expect(ranker.contentVector({ text: new Float32Array(text!.length + 1) })).toBeNull();
    // A vector's length does not matter (the tower reads unit vectors), only its direction.
    const scaled = ranker.contentVector({ text: text!.map((x) => x * 7), image: image! })!;
    expect(cosine(scaled, ranker.contentVector({ text: text!, image: image! })!)).toBeGreaterThan(0.99999);
    ranker.contentVector({ text: text! }); // warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) ranker.contentVector({ text: text!, image: image! });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('learnedHistory with items the catalog lacks', () => {
  it('keeps them in time order with their vector and key; without a vector they are left out', () => {
    const vector = new Float32Array([1, 2]);
    const events = [
      { type: 'view', itemId: 'b', at: 3 },
      { type: 'view', adhocId: 'offcat:x', at: 2 },
      { type: 'purchase', adhocId: 'offcat:y', at: 4 },
      { type: 'view', itemId: 'a', at: 1 },
      { type: 'dismiss', adhocId: 'offcat:x', at: 5 },
    ];
    const rows = new Map([
      ['a', 0],
      ['b', 1],
    ]);
    const history = learnedHistory(
      events,
      (id) => rows.get(id),
      (key) => (key === 'offcat:x' ? vector : undefined),
    );
    expect(history).toEqual([
      { item: 0, weight: 1 },
      { item: -1, weight: 1, vector, key: 'offcat:x' },
      { item: 1, weight: 1 },
    ]);
    expect(learnedHistory(events, (id) => rows.get(id))).toEqual([
      { item: 0, weight: 1 },
      { item: 1, weight: 1 },
    ]);
  });
});

describe('for-you with an item the catalog lacks', () => {
  it('the learned user state reads its tower vector in time order, and the explanation names it', async () => {
    const files: LoadedCatalogFiles = {
      ...sequence,
      learnedModel: { ...sequence.learnedModel!, entry: { ...sequence.learnedModel!.entry, blendWeight: 2 } },
    };
    const twinContent = contentOf(files, 13);
    const run = async (offCatalog: boolean) => {
      const profile = new MemoryProfileStore({}, 'test');
      const recommender = new OnDeviceRecommender(
        recommenderCatalog(files, undefined),
        async () => profile,
        async () => MODALITIES.map((modality) => ({ modality, vector: twinContent[modality]!, encoder: files.manifest.encoders[modality]! })),
      );
      for (const [i, id] of ['item1', 'item5', 'item9'].entries()) await recommender.track('view', id, { at: 1000 + i });
      if (offCatalog) await recommender.track('view', 'twin-of-13', { at: 1003, content: { title: 'A twin of item 13' } });
      const learned = await recommender.learnedTopK(10);
      const items = await recommender.recommend({ mode: 'for-you', k: 6 }, { record: false });
      const ranker = recommender.catalog.learned!;
      recommender.catalog.space.release(true);
      return { learned: learned!, items, ranker };
    };
    const without = await run(false);
    const withTwin = await run(true);

    // What the engine must have read: items 1, 5, 9, then the twin's tower vector.
    const { ranker } = withTwin;
    const twin = ranker.contentVector(twinContent)!;
    const expected = ranker.userVector([...[1, 5, 9].map((item) => ({ item, weight: 1 })), { item: -1, weight: 1, vector: twin }])!;
    const top = await ranker.topK(expected, 10, undefined);
    const seen = new Set([1, 5, 9]);
    expect([...withTwin.learned.rows.indices].slice(0, 5)).toEqual([...top.indices].filter((r) => !seen.has(r)).slice(0, 5));
    expect([...withTwin.learned.rows.indices]).not.toEqual([...without.learned.rows.indices]);

    const named = withTwin.items.flatMap((i) => i.explanation.learned?.from ?? []).filter((f) => f.adhoc);
    expect(named.length).toBeGreaterThan(0);
    expect(named[0]).toMatchObject({ id: 'offcat:twin-of-13', title: 'A twin of item 13', adhoc: true });
  });
});
