/**
 * Explanations from the learned model (issue 10 item 7): attention over the history ("came
 * from"), modality shares by ablation through the item tower, and their merge into the
 * explanation for-you returns. On the committed learned-parity fixture (a sequence model,
 * text + image, item 5 without an image) and a pooling model built from the same numeric
 * fixture without a log. Golden numbers come from running the real model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import type { Modality } from '../../src/protocol/embedding.ts';
import type { Explanation } from '../../src/protocol/recommend.ts';
import { type ItemContent } from '../../src/engine/recommend/learned-ranker.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { loadSequenceAndPooling } from '../learned-model-fixture.ts';

const temp = mkdtempSync(join(tmpdir(), 'learned-explain-'));
const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

function setup(files: LoadedCatalogFiles) {
  const catalog = recommenderCatalog(files, undefined);
  const ranker = catalog.learned!;
  const content: ItemContent = (row, m) => catalog.space.vector(row, m);
  return { catalog, ranker, content };
}

describe('learned-model explanations', () => {
  let sequence: LoadedCatalogFiles;
  let pooling: LoadedCatalogFiles;

  beforeAll(async () => {
    await initNodeTf('wasm');
    ({ sequence, pooling } = await loadSequenceAndPooling(temp));
  }, 300_000);

  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('sequence model: attention over the history sums to 1, shares sum to 1, golden values', () => {
    const { ranker, content } = setup(sequence);
    const history = [1, 5, 9, 13].map((item) => ({ item, weight: 1 }));
    const state = ranker.userState(history)!;
    expect(sum(state.attention)).toBeCloseTo(1, 6);
    expect([...state.attention].map((a) => Math.round(a * 1e4) / 1e4)).toEqual([0.2475, 0.3247, 0.2104, 0.2174]);
    expect([...state.vector]).toEqual([...ranker.userVector(history)!]);
    const scores = ranker.scores(state.vector);
    const out = ranker.explain(state, [17, 21, 5, 2], content);
    expect(out.map((a) => a.item)).toEqual([17, 21, 5, 2]);
    for (const a of out) {
      expect(Math.abs(sum(Object.values(a.modalities)) + a.id - 1)).toBeLessThan(1e-6);
      expect(Math.abs(sum(a.from.map((f) => f.share)) - 1)).toBeLessThan(1e-6);
      expect(a.from.every((f) => [1, 5, 9, 13].includes(f.item))).toBe(true);
      // The tower recomputes the shipped vector (int8 rounding apart).
      expect(Math.abs(a.score - scores[a.item]!)).toBeLessThan(0.02 * Math.abs(scores[a.item]!) + 0.01);
    }
    const [a17, , a5] = out;
    expect(a17!.score).toBeCloseTo(2.75205, 4);
    expect(a17!.modalities.text).toBeCloseTo(0.50282, 4);
    expect(a17!.modalities.image).toBeCloseTo(0.49718, 4);
    expect(a17!.from.map((f) => f.item)).toEqual([1, 5, 13, 9]);
    expect(a17!.from[0]!.share).toBeCloseTo(0.2789, 4);
    // Item 5 has no image: the model cannot credit one; the item itself is in the history, so it leads.
    expect(a5!.modalities).toEqual({ text: 1 });
    expect(a5!.from[0]).toMatchObject({ item: 5 });
    expect(a5!.from[0]!.share).toBeCloseTo(0.42624, 4);
  });

  it('an item whose image is ablated loses its image share (text and id take all of it)', () => {
    const { ranker, content } = setup(sequence);
    const state = ranker.userState([1, 5, 9, 13].map((item) => ({ item, weight: 1 })))!;
    const withImage = ranker.explain(state, [17], content)[0]!;
    const noImage: ItemContent = (row, m) => (row === 17 && m === 'image' ? undefined : content(row, m));
    const without = ranker.explain(state, [17], noImage)[0]!;
    expect(withImage.modalities.image!).toBeGreaterThan(0.4);
    expect(without.modalities.image).toBeUndefined();
    expect(without.modalities.text! + without.id).toBeCloseTo(1, 6);
    expect(without.score).not.toBeCloseTo(withImage.score, 3);
  });

  it('pooling model: the "came from" parts are exactly each event’s part of user · item', () => {
    const { ranker, content } = setup(pooling);
    expect(ranker.entry.userModel).toBe('pooling');
    const history = [0, 4, 8, 16].map((item, i) => ({ item, weight: i === 3 ? 4 : 1 }));
    const state = ranker.userState(history)!;
    expect(sum(state.attention)).toBeCloseTo(1, 6);
    const d = ranker.config.dims;
    // u = Σ a_i h_i / |Σ a_i h_i|: so user · v = Σ a_i (h_i · v) / |Σ a_i h_i|.
    const pooled = new Float32Array(d);
    history.forEach((e, i) => ranker.itemVector(e.item).forEach((x, j) => (pooled[j] = pooled[j]! + state.attention[i]! * x)));
    const norm = Math.hypot(...pooled);
    const [a] = ranker.explain(state, [12], content);
    const v = ranker.itemVector(12);
    const parts = history.map((e, i) => state.attention[i]! * ranker.itemVector(e.item).reduce((s, x, j) => s + x * v[j]!, 0));
    expect(parts.every((p) => p > 0)).toBe(true);
    expect(sum(parts) / norm).toBeCloseTo(ranker.scores(state.vector)[12]!, 5);
    for (const f of a!.from) expect(f.share).toBeCloseTo(sum(parts.filter((_, i) => history[i]!.item === f.item)) / sum(parts), 6);
    expect(a!.id).toBe(0); // no id embeddings without a log
    expect(sum(Object.values(a!.modalities))).toBeCloseTo(1, 6);
  });

  it('leaves no tensor behind across calls', () => {
    const { ranker, content } = setup(sequence);
    const history = [2, 6, 10].map((item) => ({ item, weight: 1 }));
    ranker.explain(ranker.userState(history)!, [14], content); // first call: backend warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) ranker.explain(ranker.userState(history)!, [14, 18, 22], content);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('for-you: blend weight 0 gives the explanation as before; a positive one merges the model in, shares still ≈ 100 %', async () => {
    const withWeight = (w: number | undefined): LoadedCatalogFiles =>
      w === undefined
        ? { ...sequence, learnedModel: undefined }
        : { ...sequence, learnedModel: { ...sequence.learnedModel!, entry: { ...sequence.learnedModel!.entry, blendWeight: w } } };
    const run = async (files: LoadedCatalogFiles) => {
      const profile = new MemoryProfileStore({}, 'test');
      const recommender = new OnDeviceRecommender(recommenderCatalog(files, undefined), async () => profile);
      for (const [i, id] of ['item1', 'item5', 'item9', 'item13'].entries()) await recommender.track('view', id, { at: 1000 + i });
      await recommender.recommend({ mode: 'for-you', k: 6 }, { record: false });
      const before = tf.memory().numTensors;
      const items = await recommender.recommend({ mode: 'for-you', k: 6 }, { record: false });
      expect(tf.memory().numTensors).toBe(before);
      recommender.catalog.space.release(true);
      return items;
    };
    const none = await run(withWeight(undefined));
    const zero = await run(withWeight(0));
    expect(JSON.stringify(zero)).toBe(JSON.stringify(none));
    expect(zero.every((i) => i.explanation.learned === undefined && i.explanation.signals.learned === undefined)).toBe(true);

    const blended = await run(withWeight(2));
    const total = (e: Explanation) => sum(Object.values(e.modalities)) + e.collaborative + (e.graph ?? 0);
    const learnedOnes = blended.filter((i) => i.explanation.learned);
    expect(learnedOnes.length).toBeGreaterThan(0);
    for (const { explanation: e } of blended) {
      // Rounded to 3 decimals part by part: 1 within the rounding.
      expect(Math.abs(total(e) - 1)).toBeLessThan(0.006);
      expect(Math.abs(e.signals.sequential + e.signals.coOccurrence + e.signals.popularity + (e.signals.learned ?? 0) - e.collaborative)).toBeLessThan(0.003);
      if (!e.learned) continue;
      expect(e.learned.share).toBeGreaterThan(0);
      expect(e.learned.share).toBeLessThanOrEqual(1);
      expect(Math.abs(sum(Object.values(e.learned.modalities)) + e.learned.id - 1)).toBeLessThan(0.003);
      expect(e.learned.from.length).toBeGreaterThan(0);
      expect(e.learned.from.every((f) => ['item1', 'item5', 'item9', 'item13'].includes(f.id))).toBe(true);
      expect(e.because.every((b) => ['item1', 'item5', 'item9', 'item13'].includes(b.id))).toBe(true);
      expect(sum(e.because.map((b) => b.share))).toBeLessThan(1.003);
      for (const m of Object.keys(e.learned.modalities)) expect(e.modalities[m as Modality]).toBeGreaterThan(0);
    }
    // Golden (the real model on the fixture): item 21 is mostly the model's, partly its id embedding.
    const e21 = blended.find((i) => i.id === 'item21')!.explanation;
    expect(e21.learned).toMatchObject({ share: 0.73, modalities: { text: 0.482, image: 0.294 }, id: 0.224 });
    expect(e21.signals.learned).toBe(0.163);
    expect(e21.learned!.from.map((f) => f.id)).toEqual(['item1', 'item13', 'item5']);
    // The learned part changes the explanation of the same item.
    const same = blended.find((i) => i.explanation.learned && none.some((n) => n.id === i.id));
    if (same) expect(same.explanation).not.toEqual(none.find((n) => n.id === same.id)!.explanation);
  });
});
