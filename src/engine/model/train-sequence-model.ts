import { itemAt } from '../../shared/item-at.ts';
/**
 * Training of the item tower and the user model together, with the log-likelihood of the next
 * item: at every position of every training window, a softmax cross-entropy over the catalog's
 * items that have interactions (items with none are never a target and are left out of the
 * softmax, so a new item's content vector is not pushed away from every user). Each user's last
 * event is held out for validation; training stops when the validation loss has not improved for
 * `patience` epochs, or when the time budget would be exceeded, and the best epoch's weights are
 * kept. The id embeddings start from PureSVD factors of the training matrix (a few epochs then
 * refine a good space), and an auxiliary loss teaches the content path where collaboration put
 * each warm item (a new item has only that path). Seeded throughout (initialisation, batch
 * order, dropout masks): the same inputs, seed and epoch count give the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../../shared/seeded-random.ts';
import type { ItemContentInputs } from './item-content-inputs.ts';
import { differentiableGather } from './differentiable-gather.ts';
import { itemVectors, type TowerInputs } from './item-tower.ts';
import type { SequenceModelConfig } from './model-config.ts';
import { ModelParameters } from './model-parameters.ts';
import { initialWeights, type ModelWeights } from './model-weights.ts';
import { historyRows, userStates } from './user-model.ts';
import { collaborativeItemFactors } from './collaborative-factors.ts';

export interface TrainingOptions {
  seed: number;
  /** Most epochs (default 40; `timeBudgetMs` usually ends training first). */
  epochs?: number;
  /** Epochs without a better validation loss before stopping (default 3). */
  patience?: number;
  /** Windows per step (default 64). */
  batchSize?: number;
  /**
   * Negatives per step for the sampled softmax, drawn from the items with training
   * interactions (see `negativePower`) and shared by the step's positions (default 128; 0 =
   * full softmax).
   */
  negatives?: number;
  /** Adam learning rate (default 5e-3). */
  learningRate?: number;
  /** Dropout in the user model (default 0.2). */
  dropout?: number;
  /** Chance that each modality of an item is hidden in a step (never all of them; default 0.2). */
  modalityDropout?: number;
  /** Chance that a warm item's id embedding is hidden in a step (default 0.5). */
  idDropout?: number;
  /**
   * Wide modality vectors are first multiplied by a fixed seeded random projection to this
   * many dims (default 64), so each training step projects the whole catalog cheaply; the
   * trained kernel is folded back (P·W) into the config's dims × d kernel, so the saved
   * weights read the raw vectors. 0 = train on the raw vectors.
   */
  inputRank?: number;
  /**
   * Wall-clock budget in ms: no epoch starts that would, at the last epoch's pace, end past it
   * (default 10 minutes, so a catalog build stays bounded; Infinity = only `epochs` bounds).
   * The first epoch always runs. With a budget the epoch count depends on the machine's speed,
   * so reproducible fits (tests) set `epochs` and an infinite budget.
   */
  timeBudgetMs?: number;
  /**
   * Start the id embeddings from the training matrix's PureSVD factors
   * (collaborative-factors.ts) instead of noise (default true).
   */
  warmStart?: boolean;
  /**
   * Negatives are drawn ∝ (training count)^power over the items with training interactions,
   * and every logit is corrected by −log(negatives · Q(item)) (the logQ correction of sampled
   * softmax), so popular items are pushed down as often as a full softmax would (default 0:
   * uniform, where the correction is a constant and drops out).
   */
  negativePower?: number;
  /**
   * Weight of an auxiliary loss that pulls each warm item's content-only vector (id hidden)
   * toward its full vector (held fixed in the step): 1 − cosine, averaged over warm items. It
   * teaches the content path the place collaboration gave an item, which is where a new item
   * (content only) should land (default 1; 0 = off).
   */
  contentAlignment?: number;
  /** Progress, once per epoch. */
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

/** Default wall-clock budget of one fit (catalog build on two cores). */
export const DEFAULT_TIME_BUDGET_MS = 10 * 60 * 1000;

export interface TrainingResult {
  weights: ModelWeights;
  epochs: number;
  bestEpoch: number;
  validationLoss: number;
}

interface Window {
  input: number[];
  target: number[];
}

/** Windows of maxLength + 1 events, from each sequence's end back, so every event is a target once. */
function trainingWindows(sequences: ReadonlyArray<ReadonlyArray<number>>, maxLength: number): Window[] {
  const windows: Window[] = [];
  for (const seq of sequences) {
    for (let end = seq.length; end >= 2; end -= maxLength) {
      const start = Math.max(0, end - maxLength - 1);
      const part = seq.slice(start, end);
      windows.push({ input: part.slice(0, -1), target: part.slice(1) });
    }
  }
  return windows;
}

/** A dims × rank Gaussian matrix scaled by 1/√rank (norms are kept on average). */
function randomProjection(dims: number, rank: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(dims * rank);
  const scale = 1 / Math.sqrt(rank);
  for (let i = 0; i < out.length; i++) out[i] = scale * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}

function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** (rows × inner) · (inner × cols), row-major. */
function matMul(a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < inner; k++) {
      const x = itemAt(a, r * inner + k);
      for (let c = 0; c < cols; c++) out[r * cols + c] = itemAt(out, r * cols + c) + x * itemAt(b, k * cols + c);
    }
  }
  return out;
}

/** Seeded Fisher–Yates. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/**
 * Train on `sequences` (per user, item rows oldest first) over the items of `content`.
 * Returns the best epoch's weights; every tensor made here is disposed.
 */
export async function trainSequenceModel(
  config: SequenceModelConfig,
  content: ItemContentInputs,
  sequences: ReadonlyArray<ReadonlyArray<number>>,
  options: TrainingOptions,
): Promise<TrainingResult> {
  const epochs = options.epochs ?? 40;
  const patience = options.patience ?? 3;
  const budget = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  const batchSize = options.batchSize ?? 64;
  const negativeCount = options.negatives ?? 128;
  const dropout = options.dropout ?? 0.2;
  const modalityDropout = options.modalityDropout ?? 0.2;
  const idDropout = options.idDropout ?? 0.5;
  const negativePower = options.negativePower ?? 0.75;
  const alignment = options.contentAlignment ?? 1;
  const started = Date.now();
  const n = content.count;
  const m = config.modalities.length;
  const l = config.maxLength;
  const random = mulberry32(options.seed ^ 0x5eed);

  // Hold out each user's last event (users with at least 3) for validation.
  const trainSeqs: number[][] = [];
  const validation: { history: number[]; target: number }[] = [];
  for (const seq of sequences) {
    if (seq.length >= 3) {
      trainSeqs.push(seq.slice(0, -1));
      validation.push({ history: seq.slice(0, -1), target: seq[seq.length - 1]! });
    } else trainSeqs.push([...seq]);
  }
  // Softmax over items with training interactions only.
  const seen = new Uint8Array(n);
  for (const seq of trainSeqs) for (const item of seq) seen[item] = 1;
  const seenItems = Int32Array.from([...seen.keys()].filter((i) => seen[i]));
  // A validation target never seen in training has no place in the softmax: it is skipped.
  const checked = validation.filter((v) => seen[v.target]);
  const windows = trainingWindows(trainSeqs, l);
  if (windows.length === 0) throw new Error('training needs at least one sequence of 2 or more events');

  const rank = options.inputRank ?? 64;
  const projections = config.modalities.map((shape) =>
    rank > 0 && shape.dims > rank ? randomProjection(shape.dims, rank, options.seed ^ hashName(shape.name)) : undefined,
  );
  const trainConfig: SequenceModelConfig = {
    ...config,
    modalities: config.modalities.map((shape, k) => ({ ...shape, dims: projections[k] ? rank : shape.dims })),
  };
  /** The trained weights in the config's own shapes (projections folded into the kernels). */
  const folded = (weights: ModelWeights): ModelWeights => {
    const out: ModelWeights = new Map(weights);
    config.modalities.forEach((shape, k) => {
      const p = projections[k];
      if (p) out.set(`tower.${shape.name}.kernel`, matMul(p, shape.dims, rank, weights.get(`tower.${shape.name}.kernel`)!, config.dims));
    });
    return out;
  };
  const start = initialWeights(trainConfig, options.seed);
  if (config.idItems > 0 && (options.warmStart ?? true))
    start.set('tower.id', collaborativeItemFactors(trainSeqs, config.idItems, config.dims, { seed: options.seed }));
  const params = ModelParameters.fromWeights(trainConfig, start, true);
  // Negative sampling distribution Q over the seen items (cumulative, for a binary search).
  const counts = new Float64Array(n);
  for (const seq of trainSeqs) for (const item of seq) counts[item] = itemAt(counts, item) + 1;
  const cumulative = new Float64Array(seenItems.length);
  let mass = 0;
  seenItems.forEach((item, k) => (cumulative[k] = mass += counts[item]! ** negativePower));
  const probability = (item: number): number => counts[item]! ** negativePower / mass;
  const drawNegative = (): number => {
    const u = random() * mass;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return seenItems[lo]!;
  };
  const optimizer = tf.train.adam(options.learningRate ?? 5e-3);
  const matrices = config.modalities.map((shape, k) =>
    tf.tidy(() => {
      const raw = tf.tensor2d(content.matrices[k]!, [n, shape.dims]);
      const p = projections[k];
      return (p ? tf.matMul(raw, tf.tensor2d(p, [shape.dims, rank])) : raw) as tf.Tensor2D;
    }),
  );
  const softmaxMask = tf.tensor1d(Float32Array.from(seen, (s) => (s ? 0 : -1e9)));
  const fullInputs: TowerInputs = { modalities: matrices, present: tf.tensor2d(Float32Array.from(content.present), [n, m]) };
  if (config.idItems > 0 && config.idItems < n) throw new Error(`training: ${n} items but only ${config.idItems} id embeddings`);
  const hasId = Float32Array.from({ length: n }, (_, i) => (content.hasId?.[i] && i < config.idItems ? 1 : 0));
  if (config.idItems > 0) fullInputs.idMask = tf.tensor2d(hasId, [n, 1]);
  const warmCount = hasId.reduce((a, b) => a + b, 0);
  const alignWeight = alignment > 0 && warmCount > 0 ? tf.tensor1d(hasId.map((h) => (h * alignment) / warmCount)) : undefined;

  /** Mean cross-entropy of the validation targets (no dropout, full content). */
  const validationLoss = (): number => {
    if (checked.length === 0) return Number.NaN;
    let total = 0;
    for (let start = 0; start < checked.length; start += 256) {
      const part = checked.slice(start, start + 256);
      total += tf.tidy(() => {
        const items = itemVectors(params, fullInputs);
        const rows = tf.tensor2d(
          historyRows(
            part.map((v) => v.history),
            l,
          ),
          [part.length, l],
          'int32',
        );
        const states = userStates(params, items, rows);
        const last = tf.squeeze(tf.slice(states, [0, l - 1, 0], [-1, 1, -1]), [1]);
        const logp = tf.logSoftmax(tf.add(tf.matMul(last, items, false, true), softmaxMask));
        const picked = tf.mul(
          logp,
          tf.oneHot(
            tf.tensor1d(
              part.map((v) => v.target),
              'int32',
            ),
            n,
          ),
        );
        return -tf.sum(picked).dataSync()[0]!;
      });
    }
    return total / checked.length;
  };

  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, weights: params.read() };
  let epoch: number;
  let step = 0;
  let epochStarted = Date.now();
  try {
    for (epoch = 1; epoch <= epochs; epoch++) {
      if (epoch > 1 && 2 * Date.now() - epochStarted - started > budget) {
        epoch--;
        break;
      }
      epochStarted = Date.now();
      const order = shuffle(windows.slice(), random);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const batch = order.slice(start, start + batchSize);
        const b = batch.length;
        const inputRows = historyRows(
          batch.map((w) => w.input),
          l,
        );
        const targetRows = historyRows(
          batch.map((w) => w.target),
          l,
        );
        // Modality dropout: hide each present modality with some chance, never all of an item's.
        const present = Float32Array.from(content.present);
        for (let i = 0; i < n; i++) {
          const kept: number[] = [];
          for (let k = 0; k < m; k++) if (present[i * m + k] && random() >= modalityDropout) kept.push(k);
          if (kept.length === 0) continue;
          for (let k = 0; k < m; k++) if (!kept.includes(k)) present[i * m + k] = 0;
        }
        const idMask = hasId.map((h) => (h && random() >= idDropout ? 1 : 0));
        const seed = options.seed * 1000 + step++;
        const loss = tf.tidy(() => {
          const stepInputs: TowerInputs = { modalities: matrices, present: tf.tensor2d(present, [n, m]) };
          if (config.idItems > 0) {
            stepInputs.idMask = tf.tensor2d(idMask, [n, 1]);
          }
          const rows = tf.tensor2d(inputRows, [b, l], 'int32');
          const weight = tf.tensor1d(Float32Array.from(targetRows, (t) => (t >= 0 ? 1 : 0)));
          const positives = targetRows.map((t) => Math.max(t, 0));
          const full = negativeCount <= 0 || negativeCount >= seenItems.length;
          const negatives = full ? seenItems : Int32Array.from({ length: negativeCount }, drawNegative);
          // logQ: −log(K·Q(item)) on every sampled logit, the positive's included (a no-op when uniform).
          const corrected = !full && negativePower !== 0;
          const negativeShift = corrected
            ? tf.tensor2d(
                Float32Array.from(negatives, (j) => -Math.log(negatives.length * probability(j))),
                [1, negatives.length],
              )
            : undefined;
          const positiveShift = corrected
            ? tf.tensor2d(
                Float32Array.from(positives, (j) => -Math.log(negatives.length * Math.max(probability(j), 1e-12))),
                [b * l, 1],
              )
            : undefined;
          // The content-only vectors are pulled toward the full ones as they stand before the step.
          const alignTarget = alignWeight ? itemVectors(params, fullInputs) : undefined;
          // A sampled negative equal to the position's own target is masked out.
          const collisions = tf.tensor2d(
            Float32Array.from({ length: b * l * negatives.length }, (_, k) =>
              negatives[k % negatives.length] === positives[Math.floor(k / negatives.length)] ? -1e9 : 0,
            ),
            [b * l, negatives.length],
          );
          return optimizer.minimize(
            () => {
              const items = itemVectors(params, stepInputs);
              const states = userStates(params, items, rows, { dropout: { rate: dropout, seed }, rowValues: inputRows }).reshape([
                b * l,
                config.dims,
              ]) as tf.Tensor2D;
              let positive: tf.Tensor = tf.sum(tf.mul(states, differentiableGather(items, positives)), 1, true);
              let negative: tf.Tensor = tf.add(tf.matMul(states, differentiableGather(items, negatives), false, true), collisions);
              if (positiveShift && negativeShift) {
                positive = tf.add(positive, positiveShift);
                negative = tf.add(negative, negativeShift);
              }
              const picked = tf.squeeze(tf.slice(tf.logSoftmax(tf.concat([positive, negative], 1)), [0, 0], [-1, 1]), [1]);
              const likelihood = tf.div(tf.neg(tf.sum(tf.mul(picked, weight))), tf.maximum(tf.sum(weight), 1)) as tf.Scalar;
              if (!alignWeight || !alignTarget) return likelihood;
              const contentOnly = itemVectors(params, { modalities: matrices, present: stepInputs.present });
              const gap = tf.sum(tf.mul(tf.sub(1, tf.sum(tf.mul(contentOnly, alignTarget), 1)), alignWeight));
              return tf.add(likelihood, gap) as tf.Scalar;
            },
            true,
            params.variables(),
          )!;
        });
        lossSum += (await loss.data())[0]!;
        loss.dispose();
        batches++;
      }
      const valLoss = validationLoss();
      options.onEpoch?.(epoch, lossSum / batches, valLoss);
      if (valLoss < best.loss || Number.isNaN(valLoss)) best = { loss: valLoss, epoch, weights: params.read() };
      else if (epoch - best.epoch >= patience) break;
    }
  } finally {
    params.dispose();
    optimizer.dispose();
    for (const t of matrices) t.dispose();
    softmaxMask.dispose();
    alignWeight?.dispose();
    fullInputs.present.dispose();
    fullInputs.idMask?.dispose();
  }
  return { weights: folded(best.weights), epochs: Math.min(epoch, epochs), bestEpoch: best.epoch, validationLoss: best.loss };
}
