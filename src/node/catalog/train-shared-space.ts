/**
 * Trains a catalog's shared space at build time (Node, tfjs on whatever backend is active;
 * the builder and CLIs use `initNodeTf('wasm')`): one linear projection per modality into
 * `dims` dimensions, L2-normalised, learnt on the catalog's own items so that an item's
 * text, image and sound land close together.
 *
 * Loss, per minibatch of items, averaged over every pair of modalities (a, b) that at least
 * two items of the batch both have (z = normalised projections, s = 1 / temperature):
 *
 *   item     symmetric InfoNCE: row i of s·z_a·z_bᵀ should pick column i (the same item), and
 *            column i row i (CLIP's loss);
 *   category + categoryWeight × supervised-contrastive term: the softmax of each row should
 *            also put mass on other items of a related category, with targets graded by how
 *            much of the `/` path they share (same folder 1, same top level ½ for two-level
 *            paths, …), normalised per row; symmetric as above;
 *   signals  + coOccurrenceWeight × the same with the catalog's aggregated co-occurrence
 *            scores as targets (only when the catalog has `signals`);
 *   + weightDecay × Σ‖kernel‖².
 *
 * Inputs are centred and scaled per modality (mean and RMS norm of the training rows); both
 * are folded into kernel and bias on export, so the stored projection takes the encoder's
 * vectors as they are. During training 20 % of the input values are dropped (seeded), the
 * regulariser that measurably helped on held-out items (`npm run eval:shared-space`). Adam, minibatches drawn epoch by epoch in a seeded order, seeded
 * initialisation: the same data, options and backend give the same weights. Every tensor is
 * created inside tf.tidy or disposed explicitly.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import * as tf from '@tensorflow/tfjs';
import { MODALITIES, rowItems, type CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import type { SharedSpaceWeights } from '../../engine/catalog/shared-space-format.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface SharedSpaceModalityData {
  /** Row-major, `rowItem.length × dims`. */
  data: Float32Array;
  dims: number;
  /** Row → index of its item in `items`. */
  rowItem: Int32Array;
}

export interface SharedSpaceTrainingData {
  items: ReadonlyArray<{ id: string; category: string }>;
  modalities: Partial<Record<Modality, SharedSpaceModalityData>>;
  /** Aggregated co-occurrence (manifest.signals.coOccurrence): item id → related items with a score in [0, 1]. */
  coOccurrence?: Record<string, ReadonlyArray<{ item: string; score: number }>>;
}

export interface TrainSharedSpaceOptions {
  /** Dimensions of the shared space (default 128). */
  dims?: number;
  /** Optimiser steps (default 200). */
  steps?: number;
  /** Items per minibatch (default 256, or all training items when fewer). */
  batchSize?: number;
  /** Adam learning rate (default 0.005). */
  learningRate?: number;
  /** Softmax temperature (default 0.05); the starting value when `learnTemperature`. */
  temperature?: number;
  /** Learn the temperature too, kept within [0.025, 1] (default false: measured no better). */
  learnTemperature?: boolean;
  /** Weight of the same-category term (default 0.5; 0 turns it off). */
  categoryWeight?: number;
  /** Weight of the co-occurrence term when the data has co-occurrence (default 0.5). */
  coOccurrenceWeight?: number;
  /** L2 penalty on the kernels (default 0.0003). */
  weightDecay?: number;
  /** Share of input values zeroed (and the rest scaled up) in each training batch, seeded (default 0.2). */
  inputDropout?: number;
  /** Seed of the initialisation and the minibatch order (default 1). */
  seed?: number;
  /** Indices in `items` to train on (default all); the others are never seen. */
  trainItems?: readonly number[];
  /** Called every `progressEvery` steps (default 50) and after the last. */
  onProgress?: (step: number, loss: number) => void;
  progressEvery?: number;
}

export interface SharedSpaceTrainingStats {
  seed: number;
  dims: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  temperature: number;
  learnTemperature: boolean;
  categoryWeight: number;
  coOccurrenceWeight: number;
  weightDecay: number;
  inputDropout: number;
  /** Items trained on (with at least two modalities). */
  items: number;
  /** Per modality pair (`text-image`, …): training items that have both. */
  pairs: Record<string, number>;
  /** Mean loss over the first and the last 10 % of steps (at least one step each). */
  initialLoss: number;
  finalLoss: number;
  /** Wall time of the training. */
  seconds: number;
  backend: string;
}

export interface TrainedSharedSpace {
  /** Float32 weights with the input normalisation folded in. */
  weights: SharedSpaceWeights;
  temperature: number;
  stats: SharedSpaceTrainingStats;
  /** Loss of every step (for tests and plots). */
  losses: number[];
}

type TrainingSettings = Required<Omit<TrainSharedSpaceOptions, 'trainItems' | 'onProgress' | 'progressEvery'>>;

export const SHARED_SPACE_DEFAULTS: Readonly<TrainingSettings> = {
  dims: 128,
  steps: 200,
  batchSize: 256,
  learningRate: 0.005,
  temperature: 0.05,
  learnTemperature: false,
  categoryWeight: 0.5,
  coOccurrenceWeight: 0.5,
  weightDecay: 0.0003,
  inputDropout: 0.2,
  seed: 1,
};

/** Training data from a catalog's manifest and decoded vectors (row-major per modality). */
export function sharedSpaceDataFromCatalog(manifest: CatalogManifest, vectors: Partial<Record<Modality, Float32Array>>): SharedSpaceTrainingData {
  const modalities: SharedSpaceTrainingData['modalities'] = {};
  for (const modality of MODALITIES) {
    const file = manifest.vectorFiles[modality];
    const data = vectors[modality];
    if (!file || !data || file.count === 0) continue;
    if (data.length !== file.count * file.dims) throw new RangeError(`${modality}: ${data.length} values, expected ${file.count} × ${file.dims}`);
    modalities[modality] = { data, dims: file.dims, rowItem: rowItems(manifest, modality) };
  }
  const out: SharedSpaceTrainingData = { items: manifest.items.map((i) => ({ id: i.id, category: i.category })), modalities };
  if (manifest.signals) out.coOccurrence = manifest.signals.coOccurrence;
  return out;
}

/** mulberry32 (the engine's seeded PRNG), uniform in [0, 1). */
export const seededRandom = mulberry32;

/** `count` normal samples with standard deviation `std` (Box–Muller), from a seeded uniform source. */
export function gaussian(random: () => number, count: number, std = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function shuffle<T>(list: T[], random: () => number): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [itemAt(list, j), itemAt(list, i)];
  }
  return list;
}

/** Graded category overlap: shared leading path segments ÷ the longer path's segments. */
export function categoryAffinity(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  while (shared < a.length && shared < b.length && a[shared] === b[shared]) shared++;
  return shared / Math.max(a.length, b.length);
}

/**
 * Trains the projections. Throws a RangeError when fewer than two modalities have vectors
 * or fewer than two training items have two modalities.
 */
export async function trainSharedSpace(data: SharedSpaceTrainingData, options: TrainSharedSpaceOptions = {}): Promise<TrainedSharedSpace> {
  const started = performance.now();
  const o = { ...SHARED_SPACE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as TrainingSettings &
    TrainSharedSpaceOptions;
  const { dims, steps, learningRate, weightDecay, seed } = o;
  if (!(Number.isSafeInteger(dims) && dims >= 1)) throw new RangeError(`dims must be a positive integer, got ${dims}`);
  if (!(Number.isSafeInteger(steps) && steps >= 1)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(o.temperature > 0)) throw new RangeError(`temperature must be positive, got ${o.temperature}`);

  const modalities = MODALITIES.filter((m) => (data.modalities[m]?.rowItem.length ?? 0) > 0);
  if (modalities.length < 2) throw new RangeError(`a shared space needs vectors of at least two modalities (got ${modalities.join(', ') || 'none'})`);
  const itemCount = data.items.length;
  /** Per modality: item index → row, or −1. */
  const rowOf = new Map<Modality, Int32Array>();
  for (const m of modalities) {
    const { rowItem, data: values, dims: d } = data.modalities[m]!;
    if (values.length !== rowItem.length * d) throw new RangeError(`${m}: ${values.length} values, expected ${rowItem.length} × ${d}`);
    const rows = new Int32Array(itemCount).fill(-1);
    rowItem.forEach((item, row) => {
      if (item >= 0 && item < itemCount) rows[item] = row;
    });
    rowOf.set(m, rows);
  }
  const has = (m: Modality, item: number) => itemAt(rowOf.get(m)!, item) >= 0;
  const trainItems = (o.trainItems ?? data.items.map((_, i) => i)).filter((i) => modalities.filter((m) => has(m, i)).length >= 2);
  if (trainItems.length < 2) throw new RangeError(`a shared space needs at least two items with two modalities (got ${trainItems.length})`);
  const batchSize = Math.min(o.batchSize, trainItems.length);
  const pairs: Array<[Modality, Modality]> = [];
  const pairCounts: Record<string, number> = {};
  for (let a = 0; a < modalities.length; a++) {
    for (let b = a + 1; b < modalities.length; b++) {
      const count = trainItems.filter((i) => has(itemAt(modalities, a), i) && has(itemAt(modalities, b), i)).length;
      if (count >= 2) {
        const pair: [Modality, Modality] = [itemAt(modalities, a), itemAt(modalities, b)];
        pairs.push(pair);
        pairCounts[`${pair[0]}-${pair[1]}`] = count;
      }
    }
  }

  // Input normalisation from the training rows: centre, then scale to unit RMS norm.
  const norm = new Map<Modality, { mean: Float64Array; scale: number }>();
  for (const m of modalities) {
    const { data: values, dims: d } = data.modalities[m]!;
    const rows = trainItems.filter((i) => has(m, i)).map((i) => itemAt(rowOf.get(m)!, i));
    const mean = new Float64Array(d);
    for (const r of rows) for (let j = 0; j < d; j++) mean[j] = itemAt(mean, j) + itemAt(values, r * d + j);
    for (let j = 0; j < d; j++) mean[j] = itemAt(mean, j) / Math.max(1, rows.length);
    let sq = 0;
    for (const r of rows) for (let j = 0; j < d; j++) sq += (itemAt(values, r * d + j) - itemAt(mean, j)) ** 2;
    const rms = Math.sqrt(sq / Math.max(1, rows.length));
    norm.set(m, { mean, scale: rms > 0 ? rms : 1 });
  }

  const cooc = new Map<string, number>();
  const indexById = new Map(data.items.map((item, i) => [item.id, i] as const));
  let hasCooc = false;
  if (data.coOccurrence && o.coOccurrenceWeight > 0) {
    for (const [id, list] of Object.entries(data.coOccurrence)) {
      const a = indexById.get(id);
      if (a === undefined) continue;
      for (const { item, score } of list) {
        const b = indexById.get(item);
        if (b === undefined || b === a || !(score > 0)) continue;
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        cooc.set(key, Math.max(cooc.get(key) ?? 0, score));
        hasCooc = true;
      }
    }
  }

  const random = seededRandom(seed);
  const dropoutRandom = seededRandom(seed ^ 0x5eed);
  if (!(o.inputDropout >= 0 && o.inputDropout < 1)) throw new RangeError(`inputDropout must be in [0, 1), got ${o.inputDropout}`);
  // Normalised inputs (JS heap; each step uploads its minibatch rows).
  const inputs = new Map<Modality, Float32Array>();
  const kernels = new Map<Modality, tf.Variable>();
  const biases = new Map<Modality, tf.Variable>();
  for (const m of modalities) {
    const { data: values, dims: d, rowItem } = data.modalities[m]!;
    const { mean, scale } = norm.get(m)!;
    const normalised = new Float32Array(values.length);
    for (let r = 0; r < rowItem.length; r++) for (let j = 0; j < d; j++) normalised[r * d + j] = (itemAt(values, r * d + j) - itemAt(mean, j)) / scale;
    inputs.set(m, normalised);
    // tidy disposes the initial values; the variables themselves are kept.
    const init = gaussian(random, d * dims, 1 / Math.sqrt(d));
    kernels.set(
      m,
      tf.tidy(() => tf.variable(tf.tensor2d(init, [d, dims]), true)),
    );
    biases.set(
      m,
      tf.tidy(() => tf.variable(tf.zeros([dims]), true)),
    );
  }
  /**
   * a·b whose gradients are plain products too (dy·bᵀ, aᵀ·dy with explicit transposes):
   * tfjs-wasm runs matMul with transposeA/transposeB, which the default gradient uses,
   * about 10× slower than a transpose followed by a plain matMul.
   */
  const plainMatMul = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [
        tf.matMul(dy, tf.transpose(saved[1] as tf.Tensor2D)),
        tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

  /**
   * The projected, L2-normalised rows of `items` in modality `m` (inside the caller's tidy),
   * differentiable in the kernel and bias. The kernel's gradient xᵀ·dy is a plain product with
   * a transposed copy of the rows made in JS (see plainMatMul).
   */
  const projectRows = (m: Modality, items: readonly number[]): tf.Tensor2D => {
    const d = data.modalities[m]!.dims;
    const source = inputs.get(m)!;
    const rows = rowOf.get(m)!;
    const n = items.length;
    const x = new Float32Array(n * d);
    const xT = new Float32Array(d * n);
    const drop = o.inputDropout;
    const keep = 1 / (1 - drop);
    items.forEach((item, k) => {
      const at = itemAt(rows, item) * d;
      for (let j = 0; j < d; j++) {
        const v = drop > 0 ? (dropoutRandom() < drop ? 0 : itemAt(source, at + j) * keep) : itemAt(source, at + j);
        x[k * d + j] = v;
        xT[j * n + k] = v;
      }
    });
    const xTensor = tf.tensor2d(x, [n, d]);
    const xTTensor = tf.tensor2d(xT, [d, n]);
    // `save` keeps xᵀ for the backward pass (the forward pass's other tensors are freed first).
    const linear = tf.customGrad(((w: tf.Tensor2D, save: tf.GradSaveFunc) => {
      save([xTTensor]);
      return { value: tf.matMul(xTensor, w), gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => tf.matMul(saved[0] as tf.Tensor2D, dy) };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    const y = tf.add(linear(kernels.get(m)!), biases.get(m)!) as tf.Tensor2D;
    return tf.div(y, tf.sqrt(tf.maximum(tf.sum(tf.square(y), 1, true), 1e-12))) as tf.Tensor2D;
  };
  const logScale = tf.tidy(() => tf.variable(tf.scalar(Math.log(1 / o.temperature)), o.learnTemperature));
  const optimizer = tf.train.adam(learningRate);
  const varList = [...kernels.values(), ...biases.values(), ...(o.learnTemperature ? [logScale] : [])];

  /**
   * Targets of one direction of one modality pair, rows = the batch items with modality a,
   * columns = those with b: the same item (InfoNCE; weight 1 / rows that have it) plus, per
   * extra term, the row-normalised affinities to other items (weight w / rows that have any).
   * The loss of the direction is then −Σ targets ⊙ logSoftmax(logits): a sum of mean
   * cross-entropies, in one multiply.
   */
  const directionTargets = (rowItems: readonly number[], columnItems: readonly number[]): Float32Array | undefined => {
    const nr = rowItems.length;
    const nc = columnItems.length;
    const out = new Float32Array(nr * nc);
    const column = new Map(columnItems.map((item, j) => [item, j] as const));
    const matched = rowItems.filter((item) => column.has(item)).length;
    if (matched === 0) return undefined;
    rowItems.forEach((item, i) => {
      const j = column.get(item);
      if (j !== undefined) out[i * nc + j] = 1 / matched;
    });
    const row = new Float32Array(nc);
    for (const [weight, affinity] of extraTerms) {
      const sums = new Float64Array(nr);
      const rowsWith: number[] = [];
      for (let i = 0; i < nr; i++) {
        let sum = 0;
        for (let j = 0; j < nc; j++) if (columnItems[j] !== rowItems[i]) sum += affinity(itemAt(rowItems, i), itemAt(columnItems, j));
        sums[i] = sum;
        if (sum > 0) rowsWith.push(i);
      }
      for (const i of rowsWith) {
        const scale = weight / rowsWith.length / itemAt(sums, i);
        for (let j = 0; j < nc; j++) row[j] = columnItems[j] === rowItems[i] ? 0 : affinity(itemAt(rowItems, i), itemAt(columnItems, j));
        for (let j = 0; j < nc; j++) out[i * nc + j] = itemAt(out, i * nc + j) + itemAt(row, j) * scale;
      }
    }
    return out;
  };
  const extraTerms: Array<[number, (a: number, b: number) => number]> = [];
  if (o.categoryWeight > 0) {
    // Category affinity by item pair, through the few distinct categories.
    const categoryIds = new Map<string, number>();
    const itemCategory = data.items.map((item) => {
      let id = categoryIds.get(item.category);
      if (id === undefined) categoryIds.set(item.category, (id = categoryIds.size));
      return id;
    });
    const list = [...categoryIds.keys()].map((c) => c.split('/'));
    const table = new Float32Array(list.length * list.length);
    for (let a = 0; a < list.length; a++) for (let b = 0; b < list.length; b++) table[a * list.length + b] = categoryAffinity(itemAt(list, a), itemAt(list, b));
    extraTerms.push([o.categoryWeight, (a, b) => itemAt(table, itemAt(itemCategory, a) * list.length + itemAt(itemCategory, b))]);
  }
  if (hasCooc) extraTerms.push([o.coOccurrenceWeight, (a, b) => cooc.get(a < b ? `${a},${b}` : `${b},${a}`) ?? 0]);

  const losses: number[] = [];
  let order: number[] = [];
  let cursor = 0;
  const progressEvery = o.progressEvery ?? 50;
  try {
    for (let step = 0; step < steps; step++) {
      if (cursor + batchSize > order.length) {
        order = shuffle([...trainItems], random);
        cursor = 0;
      }
      const batch = order.slice(cursor, cursor + batchSize);
      cursor += batchSize;
      // minimize runs the loss in the engine's own tidy; intermediates are freed after the step.
      const cost = optimizer.minimize(
        () =>
          tf.tidy(() => {
            const scale = tf.exp(logScale);
            const present = new Map(modalities.map((m) => [m, batch.filter((i) => has(m, i))] as const));
            const z = new Map(modalities.filter((m) => present.get(m)!.length > 0).map((m) => [m, projectRows(m, present.get(m)!)] as const));
            const pairLosses: tf.Scalar[] = [];
            for (const [a, b] of pairs) {
              const rowsA = present.get(a)!;
              const rowsB = present.get(b)!;
              const forward = directionTargets(rowsA, rowsB);
              const backward = directionTargets(rowsB, rowsA);
              if (!forward || !backward || Math.min(rowsA.length, rowsB.length) < 2) continue;
              // One similarity matrix per pair (rows a, columns b). Row-wise log-softmax as usual;
              // the column-wise one through a ones-row product (one matrix serves both
              // directions). |logits| ≤ scale, so exp(logits − scale) neither overflows nor,
              // with scale ≤ 40, underflows to 0.
              const na = rowsA.length;
              const nb = rowsB.length;
              const logits = tf.mul(plainMatMul(z.get(a)!, tf.transpose(z.get(b)!)), scale) as tf.Tensor2D;
              const rowLogSoftmax = tf.logSoftmax(logits);
              const columnLogSumExp = tf.add(tf.log(plainMatMul(tf.ones([1, na]), tf.exp(tf.sub(logits, scale)) as tf.Tensor2D)), scale);
              const columnLogSoftmax = tf.sub(logits, columnLogSumExp);
              const backwardT = new Float32Array(na * nb);
              for (let i = 0; i < nb; i++) for (let j = 0; j < na; j++) backwardT[j * nb + i] = itemAt(backward, i * na + j);
              const lossAB = tf.neg(tf.sum(tf.mul(tf.tensor2d(forward, [na, nb]), rowLogSoftmax)));
              const lossBA = tf.neg(tf.sum(tf.mul(tf.tensor2d(backwardT, [na, nb]), columnLogSoftmax)));
              pairLosses.push(tf.div(tf.add(lossAB, lossBA), 2) as tf.Scalar);
            }
            // (A batch where no pair has two items: a zero loss that still reaches the variables.)
            let total = (
              pairLosses.length > 0 ? tf.div(tf.addN(pairLosses), pairLosses.length) : tf.mul(0, tf.addN([...kernels.values()].map((k) => tf.sum(k))))
            ) as tf.Scalar;
            if (weightDecay > 0) {
              const penalty = tf.addN([...kernels.values()].map((k) => tf.sum(tf.square(k))));
              total = tf.add(total, tf.mul(weightDecay, penalty)) as tf.Scalar;
            }
            return total;
          }),
        true,
        varList,
      );
      const value = itemAt(await cost!.data(), 0);
      cost!.dispose();
      if (o.learnTemperature) {
        tf.tidy(() => logScale.assign(tf.clipByValue(logScale, Math.log(1), Math.log(40))));
      }
      if (!Number.isFinite(value)) throw new Error(`shared-space training diverged at step ${step} (loss ${value})`);
      losses.push(value);
      if ((step + 1) % progressEvery === 0 || step === steps - 1) o.onProgress?.(step + 1, value);
    }

    // Export: fold the input normalisation into kernel and bias.
    const projections: SharedSpaceWeights['projections'] = {};
    for (const m of modalities) {
      const d = data.modalities[m]!.dims;
      const { mean, scale } = norm.get(m)!;
      const w = (await kernels.get(m)!.data()) as Float32Array;
      const b = (await biases.get(m)!.data()) as Float32Array;
      const kernel = new Float32Array(d * dims);
      const bias = new Float64Array(b);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < dims; j++) {
          const v = itemAt(w, i * dims + j) / scale;
          kernel[i * dims + j] = v;
          bias[j] = itemAt(bias, j) - itemAt(mean, i) * v;
        }
      }
      projections[m] = { inputDims: d, kernel, bias: Float32Array.from(bias) };
    }
    const temperature = o.learnTemperature ? 1 / Math.exp(itemAt(await logScale.data(), 0)) : o.temperature;
    const tenth = Math.max(1, Math.round(losses.length / 10));
    const mean = (list: number[]) => list.reduce((s, v) => s + v, 0) / list.length;
    return {
      weights: { dims, projections },
      temperature,
      losses,
      stats: {
        seed,
        dims,
        steps,
        batchSize,
        learningRate,
        temperature,
        learnTemperature: o.learnTemperature,
        categoryWeight: o.categoryWeight,
        coOccurrenceWeight: hasCooc ? o.coOccurrenceWeight : 0,
        weightDecay,
        inputDropout: o.inputDropout,
        items: trainItems.length,
        pairs: pairCounts,
        initialLoss: mean(losses.slice(0, tenth)),
        finalLoss: mean(losses.slice(-tenth)),
        seconds: (performance.now() - started) / 1000,
        backend: tf.getBackend(),
      },
    };
  } finally {
    for (const v of [...kernels.values(), ...biases.values(), logScale]) v.dispose();
    optimizer.dispose();
  }
}
