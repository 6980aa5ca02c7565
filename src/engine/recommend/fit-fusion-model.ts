/**
 * Fits the global fusion weights with a BPR loss (Rendle et al. 2009): for training cases
 * (a history, the item that came next, items that did not), maximise
 * Σ log σ(s(pos) − s(neg)) − ½·l2·‖w − prior‖². Pure JS on precomputed feature rows: the
 * rows come from score-items.ts, so what is fitted is exactly what the engine computes.
 *
 * `fitLinear` gives the `late`/`attention` heads' weights; `fitMlp` the `mlp` head (one ReLU
 * hidden layer over the same features, initialised to reproduce the linear fit).
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import { type FeatureWeights } from './fusion-model.ts';
import { FEATURES } from '../catalog/fusion-features.ts';
import type { FeatureRow } from './personal-learning.ts';

export interface PairwiseCase {
  positive: FeatureRow;
  negatives: FeatureRow[];
  /** Every candidate's features (FEATURES order, row-major), the positive at row 0: for the listwise fit. */
  candidates?: Float32Array;
}

export interface FitOptions {
  iterations?: number;
  learningRate?: number;
  /** Pull towards the prior (keeps weights of features the data never exercises). */
  l2?: number;
  /** Features to keep at 0 (e.g. a variant without collaborative signals). */
  frozenAtZero?: readonly string[];
}

export interface FitReport {
  /** Mean BPR log-likelihood per pair, before and after. */
  before: number;
  after: number;
  /** Share of pairs ranked right, before and after. */
  pairAccuracyBefore: number;
  pairAccuracyAfter: number;
}

const vector = (row: FeatureRow) => FEATURES.map((f) => row[f]);
const logSigmoid = (x: number) => (x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)));

function evaluate(cases: readonly PairwiseCase[], score: (x: number[]) => number): { ll: number; accuracy: number } {
  let ll = 0;
  let right = 0;
  let pairs = 0;
  for (const c of cases) {
    const sp = score(vector(c.positive));
    for (const n of c.negatives) {
      const d = sp - score(vector(n));
      ll += logSigmoid(d);
      if (d > 0) right++;
      pairs++;
    }
  }
  return { ll: ll / Math.max(1, pairs), accuracy: right / Math.max(1, pairs) };
}

/** Full-batch gradient ascent with Adam on the linear weights. */
export function fitLinear(cases: readonly PairwiseCase[], prior: FeatureWeights, options: FitOptions = {}): { weights: FeatureWeights; report: FitReport } {
  const iterations = options.iterations ?? 300;
  const lr = options.learningRate ?? 0.05;
  const l2 = options.l2 ?? 0.01;
  const frozen = new Set(options.frozenAtZero ?? []);
  const p = FEATURES.map((f) => (frozen.has(f) ? 0 : prior[f]));
  const w = [...p];
  const dims = w.length;
  const diffs: number[][] = [];
  for (const c of cases) {
    const xp = vector(c.positive);
    for (const n of c.negatives) {
      const xn = vector(n);
      diffs.push(xp.map((v, k) => v - xn[k]!));
    }
  }
  const linear = (x: number[]) => x.reduce((s, v, k) => s + v * w[k]!, 0);
  const before = evaluate(cases, linear);
  const m = new Array<number>(dims).fill(0);
  const v = new Array<number>(dims).fill(0);
  for (let t = 1; t <= iterations; t++) {
    const grad = new Array<number>(dims).fill(0);
    for (const d of diffs) {
      const s = d.reduce((acc, x, k) => acc + x * w[k]!, 0);
      const g = 1 / (1 + Math.exp(s)); // d/ds log σ(s) = σ(−s)
      for (let k = 0; k < dims; k++) grad[k]! += (g * d[k]!) / diffs.length;
    }
    for (let k = 0; k < dims; k++) {
      if (frozen.has(FEATURES[k]!)) continue;
      const gk = grad[k]! - l2 * (w[k]! - p[k]!);
      m[k] = 0.9 * m[k]! + 0.1 * gk;
      v[k] = 0.999 * v[k]! + 0.001 * gk * gk;
      const mHat = m[k]! / (1 - 0.9 ** t);
      const vHat = v[k]! / (1 - 0.999 ** t);
      w[k]! += (lr * mHat) / (Math.sqrt(vHat) + 1e-8);
    }
  }
  const after = evaluate(cases, linear);
  const weights = Object.fromEntries(FEATURES.map((f, k) => [f, Math.round(w[k]! * 1e4) / 1e4])) as FeatureWeights;
  return { weights, report: { before: before.ll, after: after.ll, pairAccuracyBefore: before.accuracy, pairAccuracyAfter: after.accuracy } };
}

export interface MlpWeights {
  hidden: number;
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number;
}

/**
 * One hidden ReLU layer, trained by SGD on BPR pairs. Initialised so that it starts as the
 * linear fit (hidden unit 0 carries w·x + c, the others start small and seeded), so it can
 * only improve on it in training likelihood.
 */
export function fitMlp(
  cases: readonly PairwiseCase[],
  linear: FeatureWeights,
  options: FitOptions & { hidden?: number; seed?: number } = {},
): { mlp: MlpWeights; report: FitReport } {
  const hidden = options.hidden ?? 8;
  const epochs = options.iterations ?? 30;
  const lr = options.learningRate ?? 0.01;
  const dims = FEATURES.length;
  const uniform = mulberry32(options.seed ?? 7);
  const random = () => (uniform() - 0.5) * 0.2;
  const w1 = Array.from({ length: dims * hidden }, random);
  const b1 = Array.from({ length: hidden }, () => 0);
  const w2 = Array.from({ length: hidden }, random);
  FEATURES.forEach((f, k) => (w1[k * hidden] = linear[f]));
  b1[0] = 10; // keeps unit 0 in its linear range
  w2[0] = 1;
  let b2 = 0;
  const forward = (x: number[]) => {
    const a = new Array<number>(hidden);
    let out = b2;
    for (let h = 0; h < hidden; h++) {
      let z = b1[h]!;
      for (let k = 0; k < dims; k++) z += x[k]! * w1[k * hidden + h]!;
      a[h] = z > 0 ? z : 0;
      out += a[h]! * w2[h]!;
    }
    return { out, a };
  };
  const score = (x: number[]) => forward(x).out;
  const before = evaluate(cases, score);
  const pairs: Array<[number[], number[]]> = [];
  for (const c of cases) for (const n of c.negatives) pairs.push([vector(c.positive), vector(n)]);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [xp, xn] of pairs) {
      const fp = forward(xp);
      const fn = forward(xn);
      const g = 1 / (1 + Math.exp(fp.out - fn.out)); // ascent direction weight
      for (let h = 0; h < hidden; h++) {
        const gp = fp.a[h]! > 0 ? w2[h]! : 0;
        const gn = fn.a[h]! > 0 ? w2[h]! : 0;
        w2[h]! += lr * g * (fp.a[h]! - fn.a[h]!);
        b1[h]! += lr * g * (gp - gn);
        for (let k = 0; k < dims; k++) w1[k * hidden + h]! += lr * g * (gp * xp[k]! - gn * xn[k]!);
      }
    }
  }
  b2 = 0;
  const after = evaluate(cases, score);
  return {
    mlp: { hidden, w1, b1, w2, b2 },
    report: { before: before.ll, after: after.ll, pairAccuracyBefore: before.accuracy, pairAccuracyAfter: after.accuracy },
  };
}

/** Share of cases whose positive ranks in the top k among all its candidates under linear weights `w`. */
export function topKRate(cases: readonly PairwiseCase[], w: FeatureWeights, k = 10): number {
  return topKRateOf(cases, (x) => FEATURES.reduce((s, f, j) => s + w[f] * x[j]!, 0), k);
}

/** The same for any scoring function of a feature vector (FEATURES order). */
export function topKRateOf(cases: readonly PairwiseCase[], score: (x: Float32Array) => number, k = 10): number {
  const dims = FEATURES.length;
  const usable = cases.filter((c) => c.candidates);
  let hits = 0;
  for (const c of usable) {
    const x = c.candidates!;
    const target = score(x.subarray(0, dims));
    let above = 0;
    for (let i = 1; i < x.length / dims && above < k; i++) if (score(x.subarray(i * dims, (i + 1) * dims)) > target) above++;
    if (above < k) hits++;
  }
  return usable.length ? hits / usable.length : 0;
}
