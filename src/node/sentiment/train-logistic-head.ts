/**
 * L2-regularised logistic regression, fitted by full-batch Adam on standardised features and
 * folded back to one weight vector and bias on the raw vectors (so the served head is a plain
 * dot product). A convex problem of encoder-dims + 1 parameters: starting from zero with no
 * sampling it is deterministic, so the same vectors give the same head on every machine, with
 * no seed and no backend in the way (hand-written in plain TypeScript for that reason, rather
 * than a tfjs model whose kernels differ slightly between backends).
 */
import { itemAt } from '../../shared/item-at.ts';

export interface LogisticOptions {
  /** L2 penalty on the standardised weights (default 0.01). */
  l2?: number;
  /** Adam steps over the whole batch (default 300). */
  iterations?: number;
  /** Adam step size (default 0.05). */
  learningRate?: number;
}

export interface LogisticFit {
  weights: number[];
  bias: number;
  /** Mean regularised log-loss on the training rows at the end. */
  loss: number;
}

export function trainLogisticHead(vectors: readonly Float32Array[], labels: readonly number[], options: LogisticOptions = {}): LogisticFit {
  const n = vectors.length;
  if (n === 0 || labels.length !== n) throw new RangeError(`trainLogisticHead: ${n} vectors and ${labels.length} labels`);
  const d = vectors[0]!.length;
  const l2 = options.l2 ?? 0.01;
  const iterations = options.iterations ?? 300;
  const lr = options.learningRate ?? 0.05;
  // Standardise: the encoder's dimensions differ in scale by orders of magnitude.
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] = itemAt(mean, j) + v[j]! / n;
  for (const v of vectors) for (let j = 0; j < d; j++) std[j] = itemAt(std, j) + (v[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const z = vectors.map((v) => Float64Array.from(v, (x, j) => (x - mean[j]!) / std[j]!));

  const w = new Float64Array(d + 1); // last = bias
  const m = new Float64Array(d + 1);
  const s = new Float64Array(d + 1);
  const grad = new Float64Array(d + 1);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  let loss = 0;
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0);
    loss = 0;
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let logit = w[d]!;
      for (let j = 0; j < d; j++) logit += w[j]! * row[j]!;
      const p = 1 / (1 + Math.exp(-logit));
      const y = labels[i]!;
      loss += -(y * Math.log(p + 1e-12) + (1 - y) * Math.log(1 - p + 1e-12));
      const e = (p - y) / n;
      for (let j = 0; j < d; j++) grad[j] = itemAt(grad, j) + e * row[j]!;
      grad[d] = itemAt(grad, d) + e;
    }
    loss /= n;
    for (let j = 0; j < d; j++) {
      grad[j] = itemAt(grad, j) + l2 * w[j]!;
      loss += 0.5 * l2 * w[j]! ** 2;
    }
    for (let j = 0; j <= d; j++) {
      m[j] = beta1 * m[j]! + (1 - beta1) * grad[j]!;
      s[j] = beta2 * s[j]! + (1 - beta2) * grad[j]! ** 2;
      const mHat = m[j]! / (1 - beta1 ** t);
      const sHat = s[j]! / (1 - beta2 ** t);
      w[j] = itemAt(w, j) - (lr * mHat) / (Math.sqrt(sHat) + eps);
    }
  }
  // Fold the standardisation in: w·((x − μ)/σ) + b = (w/σ)·x + (b − Σ w μ/σ).
  const weights = Array.from({ length: d }, (_, j) => w[j]! / std[j]!);
  let bias = w[d]!;
  for (let j = 0; j < d; j++) bias -= (w[j]! * mean[j]!) / std[j]!;
  return { weights, bias, loss };
}
