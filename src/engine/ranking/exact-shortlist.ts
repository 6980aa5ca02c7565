/**
 * The exact end of every fast int8 kernel: a kernel proposes a shortlist of rows ranked by an upper
 * bound on their score; these rows are scored exactly as `rankInt8Reference` scores them (float64,
 * the same order of summation), and the result stands when the k-th exact score beats the bound of
 * every row the shortlist left out. Equal scores keep the lower row first, as in the reference.
 */
import type { Int8Matrix, RankedRows } from './int8-matrix.ts';

export interface ExactTop {
  indices: Int32Array;
  /** Float64, as the reference computes them before it rounds to float32. */
  scores: Float64Array;
}

/** Exact scores of `rows`, best `k` of them, equal scores by lower row. */
export function exactTopOfRows(matrix: Int8Matrix, query: Float32Array, rows: Int32Array, k: number): ExactTop {
  const { dims, codes, scales } = matrix;
  const n = rows.length;
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    const base = row * dims;
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += codes[base + j]! * query[j]!;
    scores[i] = sum * scales[row]!;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]! || rows[a]! - rows[b]!);
  const take = Math.min(k, n);
  const indices = new Int32Array(take);
  const best = new Float64Array(take);
  for (let i = 0; i < take; i++) {
    indices[i] = rows[order[i]!]!;
    best[i] = scores[order[i]!]!;
  }
  return { indices, scores: best };
}

/** True when the k-th exact score is above `bound` (the best score any left-out row can have). */
export function shortlistHolds(top: ExactTop, k: number, bound: number): boolean {
  return top.indices.length === k && top.scores[k - 1]! > bound;
}

export function toRankedRows(top: ExactTop): RankedRows {
  return { indices: top.indices, scores: Float32Array.from(top.scores) };
}

/**
 * The query quantised to integers of at most `qmax` in magnitude, and the step: q ≈ step × Q with
 * |q − step × Q| ≤ step / 2. `qmax` keeps the kernel's integer sums (dims × 127 × qmax) in range.
 */
export function quantizeQuery(query: Float32Array, maxAbs: number, qmax: number, out: Int16Array | Int32Array): number {
  const step = maxAbs / qmax;
  for (let j = 0; j < query.length; j++) out[j] = Math.max(-qmax, Math.min(qmax, Math.round(query[j]! / step)));
  return step;
}

/** Largest |value| of the query (0 for a zero query, NaN or Infinity propagate as not finite). */
export function maxAbsOf(query: Float32Array): number {
  let maxAbs = 0;
  for (let j = 0; j < query.length; j++) {
    const a = Math.abs(query[j]!);
    if (!(a <= maxAbs)) maxAbs = a; // NaN wins, so a bad query is caught
  }
  return maxAbs;
}

/** A bound on the reference's own float64 rounding for any row: dims × 2^-50 × max scale × 127 × dims × max|q|. */
export function roundingSlack(dims: number, maxScale: number, maxAbsQuery: number): number {
  return dims * 2 ** -50 * maxScale * 127 * dims * maxAbsQuery;
}

/** Per row, in units of the kernel's integer dot product: what the query's rounding can add (63.5 × dims, with margin). */
export function quantizationSlack(dims: number): number {
  return 63.5 * dims * (1 + 1e-9) + 1;
}

/** How a fast kernel answered: from its shortlist, or (bound not proven, or nothing to shortlist) by the exact reference. */
export interface KernelPathCounts {
  shortlist: number;
  reference: number;
}
