import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { collaborativeItemFactors } from '../../src/engine/model/collaborative-factors.ts';
import { differentiableGather } from '../../src/engine/model/differentiable-gather.ts';
import { contentInputs, disposeTowerInputs, towerTensors, type ItemContentInputs } from '../../src/engine/model/item-content-inputs.ts';
import { itemVectors } from '../../src/engine/model/item-tower.ts';
import { modelConfig } from '../../src/engine/model/model-config.ts';
import { ModelParameters } from '../../src/engine/model/model-parameters.ts';
import { checkWeights, initialWeights } from '../../src/engine/model/model-weights.ts';
import { trainSequenceModel } from '../../src/engine/model/train-sequence-model.ts';
import { historyRows, PAD, userVectors } from '../../src/engine/model/user-model.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

// A numeric fixture for the maths, not data: 12 items in 3 groups; "text" (6-d) and "image"
// (4-d) vectors are seeded noise around a group direction; item 3 has no image, item 7 no text.
// Users walk inside one group, so the next item is predictable from the group.
const N = 12;
const config = modelConfig({
  modalities: [
    { name: 'text', dims: 6 },
    { name: 'image', dims: 4 },
  ],
  dims: 8,
  maxLength: 5,
  blocks: 1,
  idItems: N,
});

function fixture(): { content: ItemContentInputs; sequences: number[][] } {
  const random = mulberry32(11);
  const noise = (dims: number, group: number): Float32Array =>
    Float32Array.from({ length: dims }, (_, d) => (d % 3 === group ? 1 : 0) + 0.3 * (random() - 0.5));
  const text = Array.from({ length: N }, (_, i) => (i === 7 ? undefined : noise(6, i % 3)));
  const image = Array.from({ length: N }, (_, i) => (i === 3 ? undefined : noise(4, i % 3)));
  const hasId = new Uint8Array(N).fill(1);
  hasId[11] = 0; // a new item: content only
  const sequences = Array.from({ length: 9 }, (_, u) => Array.from({ length: 7 }, (_, t) => ((u % 3) + 3 * ((u + t) % 3)) % 11));
  return { content: contentInputs(config, [text, image], N, hasId), sequences };
}

const training = { seed: 7, epochs: 3, batchSize: 4, negatives: 5, patience: 5, learningRate: 2e-3, timeBudgetMs: Number.POSITIVE_INFINITY };

describe('learned model (item tower + causal self-attention user model)', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('refuses weights of the wrong size or with a NaN', () => {
    const weights = initialWeights(config, 1);
    expect(() => checkWeights(config, weights)).not.toThrow();
    const short = new Map(weights);
    short.set('tower.text.kernel', new Float32Array(5));
    expect(() => checkWeights(config, short)).toThrow(/tower.text.kernel has 5 values, expected 48/);
    const nan = new Map(weights);
    const bad = weights.get('user.position')!.slice();
    bad[3] = Number.NaN;
    nan.set('user.position', bad);
    expect(() => checkWeights(config, nan)).toThrow(/user.position\[3\] is not finite/);
    const missing = new Map(weights);
    missing.delete('user.norm.beta');
    expect(() => checkWeights(config, missing)).toThrow(/user.norm.beta is missing/);
  });

  it("gives gather a gradient equal to the one-hot product's (repeated rows add up)", () => {
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const indices = Int32Array.from([2, 0, 2]);
    const weights = tf.tensor2d([
      [1, -1],
      [0.5, 2],
      [3, 0],
    ]);
    const viaGather = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(differentiableGather(t as tf.Tensor2D, indices), weights)))(table);
    const viaOneHot = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(tf.tensor1d(indices, 'int32'), 3).toFloat(), t as tf.Tensor2D), weights)))(
      table,
    );
    expect(viaGather.arraySync()).toEqual([
      [0.5, 2],
      [0, 0],
      [4, -1],
    ]);
    expect(viaGather.arraySync()).toEqual(viaOneHot.arraySync());
    tf.dispose([table, weights, viaGather, viaOneHot]);
  });

  it('pads histories on the left and keeps the most recent events', () => {
    expect([
      ...historyRows(
        [
          [1, 2],
          [1, 2, 3, 4, 5, 6, 7],
        ],
        5,
      ),
    ]).toEqual([PAD, PAD, PAD, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('gives unit item vectors for any subset of modalities, and none leaks a tensor', () => {
    const { content } = fixture();
    const params = ModelParameters.fromWeights(config, initialWeights(config, 3));
    const before = tf.memory().numTensors;
    const inputs = towerTensors(config, content);
    const items = itemVectors(params, inputs);
    disposeTowerInputs(inputs);
    const values = items.arraySync();
    items.dispose();
    for (const row of values) expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    const single = tf.tidy(() => tf.oneHot(tf.tensor1d([0], 'int32'), config.dims).toFloat()) as tf.Tensor2D;
    const user = userVectors(params, single, [[0, 0, 0]]);
    expect(user.shape).toEqual([1, config.dims]);
    tf.dispose([single, user]);
    expect(tf.memory().numTensors).toBe(before);
    params.dispose();
  });

  it('trains deterministically for a seed, without leaking tensors, and learns the groups', async () => {
    const { content, sequences } = fixture();
    const before = tf.memory().numTensors;
    const a = await trainSequenceModel(config, content, sequences, training);
    expect(tf.memory().numTensors).toBe(before);
    const b = await trainSequenceModel(config, content, sequences, training);
    for (const [name, values] of a.weights) expect(b.weights.get(name)).toEqual(values);
    const params = ModelParameters.fromWeights(config, a.weights);
    const inputs = towerTensors(config, content);
    const items = itemVectors(params, inputs);
    disposeTowerInputs(inputs);
    const user = userVectors(params, items, [[0, 3, 6]]);
    const scores = tf.matMul(user, items, false, true);
    const row = scores.dataSync();
    const userRow = user.dataSync();
    tf.dispose([items, user, scores]);
    params.dispose();
    // Golden values from running this seeded fixture (wasm backend).
    expect(a.bestEpoch).toBe(GOLDEN.bestEpoch);
    expect(a.validationLoss).toBeCloseTo(GOLDEN.validationLoss, 4);
    expect(Array.from(userRow.slice(0, 4))).toEqual(GOLDEN.userHead.map((v) => expect.closeTo(v, 4)));
    // The walk 0 → 3 → 6 stays in group 0: its items outscore the other groups on average.
    const groupMean = (g: number): number => [...row].filter((_, i) => i % 3 === g).reduce((s, v) => s + v, 0) / 4;
    expect(groupMean(0)).toBeGreaterThan(Math.max(groupMean(1), groupMean(2)));
  });

  it('folds the training-time input projection back into kernels that read the raw vectors', async () => {
    const { content, sequences } = fixture();
    // Both modalities (6 and 4 dims) are wider than 3: training sees projected inputs.
    const result = await trainSequenceModel(config, content, sequences, { ...training, inputRank: 3 });
    expect(result.weights.get('tower.text.kernel')!.length).toBe(6 * config.dims);
    expect(result.weights.get('tower.image.kernel')!.length).toBe(4 * config.dims);
    const params = ModelParameters.fromWeights(config, result.weights);
    const inputs = towerTensors(config, content);
    const items = itemVectors(params, inputs);
    disposeTowerInputs(inputs);
    const user = userVectors(params, items, [[1, 4, 7]]);
    const row = tf.tidy(() => tf.matMul(user, items, false, true).dataSync());
    tf.dispose([items, user]);
    params.dispose();
    // The folded model still prefers the walk's group (1) on average.
    const groupMean = (g: number): number => [...row].filter((_, i) => i % 3 === g).reduce((s, v) => s + v, 0) / 4;
    expect(groupMean(1)).toBeGreaterThan(Math.max(groupMean(0), groupMean(2)));
  });
});

const GOLDEN = {
  bestEpoch: 1,
  validationLoss: 1.3319577111138239,
  userHead: [-2.37823224067688, 0.041661906987428665, 0.11538339406251907, 1.3243589401245117],
};

describe('learned model training options', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('starts id embeddings from collaborative factors: co-consumed items align, unseen items are zero', () => {
    // Users 0–4 consume {0, 1, 2}, users 5–7 consume {3, 4, 5} (distinct singular values, so
    // the factors are unique up to sign); item 6 is never seen.
    const sequences = Array.from({ length: 8 }, (_, u) => (u < 5 ? [0, 1, 2] : [3, 4, 5]));
    const factors = collaborativeItemFactors(sequences, 7, 4, { meanNorm: 2 });
    const row = (i: number): number[] => Array.from(factors.slice(i * 4, i * 4 + 4));
    const cosine = (a: number[], b: number[]): number => a.reduce((s, v, k) => s + v * b[k]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
    expect(cosine(row(0), row(1))).toBeCloseTo(1, 5);
    expect(Math.abs(cosine(row(0), row(3)))).toBeLessThan(1e-2);
    expect(row(6)).toEqual([0, 0, 0, 0]);
    const meanNorm = [0, 1, 2, 3, 4, 5].reduce((s, i) => s + Math.hypot(...row(i)), 0) / 6;
    expect(meanNorm).toBeCloseTo(2, 5);
  });

  it('stops after the first epoch when the time budget is spent, and trains with logQ-corrected popularity negatives without leaks', async () => {
    const { content, sequences } = fixture();
    const before = tf.memory().numTensors;
    const budgeted = await trainSequenceModel(config, content, sequences, { ...training, timeBudgetMs: 0 });
    expect(budgeted.epochs).toBe(1);
    const a = await trainSequenceModel(config, content, sequences, { ...training, negativePower: 0.75, contentAlignment: 0 });
    const b = await trainSequenceModel(config, content, sequences, { ...training, negativePower: 0.75, contentAlignment: 0 });
    expect(tf.memory().numTensors).toBe(before);
    for (const [name, values] of a.weights) expect(b.weights.get(name)).toEqual(values);
    expect(Number.isFinite(a.validationLoss)).toBe(true);
  });

  it("the content alignment loss brings a warm item's content-only vector toward its full vector", async () => {
    const { content, sequences } = fixture();
    const alignment = async (weight: number): Promise<number> => {
      const result = await trainSequenceModel(config, content, sequences, { ...training, contentAlignment: weight });
      const params = ModelParameters.fromWeights(config, result.weights);
      const full = towerTensors(config, content);
      const contentOnly = towerTensors(config, content, content.present, new Uint8Array(N));
      const a = itemVectors(params, full);
      const c = itemVectors(params, contentOnly);
      // Mean cosine over the warm items (0–10).
      const mean = tf.tidy(() => tf.mean(tf.slice(tf.sum(tf.mul(a, c), 1), [0], [11])).dataSync()[0]!);
      tf.dispose([a, c]);
      disposeTowerInputs(full);
      disposeTowerInputs(contentOnly);
      params.dispose();
      return mean;
    };
    expect(await alignment(5)).toBeGreaterThan(await alignment(0));
  });
});
