/**
 * The two held-out classifiers of the classification report, on L2-normalised vectors:
 * - kNN: the k nearest training items by cosine vote, each with its similarity; ties go to
 *   the label first in label order.
 * - linear probe: multinomial logistic regression (softmax over w·x + b, L2 penalty), fitted by
 *   full-batch gradient descent from zero weights, so it is deterministic. Hand-written rather
 *   than tfjs: a few hundred items × a few hundred dims fit in milliseconds and leave no
 *   tensors to dispose.
 * And stratified k-fold splitting, so every item gets a prediction from a model that never saw it.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import { itemAt } from '../../shared/item-at.ts';

export type Predictor = (train: { vectors: Float32Array[]; labels: number[] }, test: Float32Array[], classes: number) => number[];

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function knnPredictor(k = 5): Predictor {
  return (train, test, classes) =>
    test.map((x) => {
      const sims = train.vectors.map((v, i) => [dot(x, v), i] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
      const votes = new Float64Array(classes);
      for (const [sim, i] of sims.slice(0, k)) votes[train.labels[i]!] = itemAt(votes, train.labels[i]!) + (1 + 1e-6 * sim);
      let best = 0;
      for (let c = 1; c < classes; c++) if (votes[c]! > votes[best]!) best = c;
      return best;
    });
}

export function linearProbePredictor(options: { steps?: number; learningRate?: number; l2?: number } = {}): Predictor {
  const steps = options.steps ?? 300;
  const lr = options.learningRate ?? 2;
  const l2 = options.l2 ?? 1e-3;
  return (train, test, classes) => {
    const d = train.vectors[0]?.length ?? 0;
    const n = train.vectors.length;
    const w = new Float64Array(classes * d);
    const b = new Float64Array(classes);
    const logits = new Float64Array(classes);
    const gw = new Float64Array(classes * d);
    const gb = new Float64Array(classes);
    for (let step = 0; step < steps; step++) {
      gw.fill(0);
      gb.fill(0);
      for (let i = 0; i < n; i++) {
        const x = train.vectors[i]!;
        let max = -Infinity;
        for (let c = 0; c < classes; c++) {
          let z = b[c]!;
          for (let j = 0; j < d; j++) z += w[c * d + j]! * x[j]!;
          logits[c] = z;
          if (z > max) max = z;
        }
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c]! - max);
        for (let c = 0; c < classes; c++) {
          const g = logits[c]! / sum - (train.labels[i] === c ? 1 : 0);
          gb[c] = itemAt(gb, c) + g;
          for (let j = 0; j < d; j++) gw[c * d + j] = itemAt(gw, c * d + j) + g * x[j]!;
        }
      }
      for (let c = 0; c < classes; c++) b[c] = itemAt(b, c) - (lr * gb[c]!) / n;
      for (let q = 0; q < w.length; q++) w[q] = itemAt(w, q) - lr * (gw[q]! / n + l2 * w[q]!);
    }
    return test.map((x) => {
      let best = 0;
      let bestZ = -Infinity;
      for (let c = 0; c < classes; c++) {
        let z = b[c]!;
        for (let j = 0; j < d; j++) z += w[c * d + j]! * x[j]!;
        if (z > bestZ) [best, bestZ] = [c, z];
      }
      return best;
    });
  };
}

/** Fold of each item (0…folds−1): each class's items shuffled (seeded) and dealt round-robin. */
export function stratifiedFolds(labels: readonly number[], folds: number, seed: number): number[] {
  const random = mulberry32(seed);
  const out = new Array<number>(labels.length).fill(0);
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  let offset = 0;
  for (const members of [...byClass.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1])) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    members.forEach((item, r) => (out[item] = (offset + r) % folds));
    offset += members.length;
  }
  return out;
}

/** Held-out predictions for every item: fold f is predicted by a model fitted on the other folds. */
export function crossValidatedPredictions(
  vectors: Float32Array[],
  labels: number[],
  classes: number,
  predictor: Predictor,
  folds: number,
  seed: number,
): number[] {
  const fold = stratifiedFolds(labels, folds, seed);
  const out = new Array<number>(labels.length).fill(-1);
  for (let f = 0; f < folds; f++) {
    const trainIdx = labels.map((_, i) => i).filter((i) => fold[i] !== f);
    const testIdx = labels.map((_, i) => i).filter((i) => fold[i] === f);
    if (testIdx.length === 0) continue;
    const predicted = predictor(
      { vectors: trainIdx.map((i) => vectors[i]!), labels: trainIdx.map((i) => labels[i]!) },
      testIdx.map((i) => vectors[i]!),
      classes,
    );
    testIdx.forEach((i, r) => (out[i] = predicted[r]!));
  }
  return out;
}
