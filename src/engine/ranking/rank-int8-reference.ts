/**
 * Exact top-k over an int8 matrix in plain JS: score = scale × Σ code × query (float64 sums),
 * equal scores by lower row. The reference every int8 kernel is tested against, and the
 * kernel of last resort.
 */
import type { Int8Matrix, Int8Ranker, RankedRows } from './int8-matrix.ts';

export function rankInt8Reference(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): RankedRows {
  const { count, dims, scales, codes } = matrix;
  if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, the matrix has ${dims}`);
  if (mask && mask.length !== count) throw new RangeError(`mask has ${mask.length} entries, the matrix has ${count} rows`);
  const limit = Math.max(0, Math.min(Math.floor(k), count));
  // A sorted buffer of the best `limit`: k is small next to count, so insertion beats a sort.
  const bestIdx = new Int32Array(limit);
  const bestScore = new Float64Array(limit);
  let filled = 0;
  for (let row = 0; row < count; row++) {
    if (mask && mask[row] === 0) continue;
    const base = row * dims;
    let sum = 0;
    for (let j = 0; j < dims; j++) sum += codes[base + j]! * query[j]!;
    const score = sum * scales[row]!;
    if (filled === limit && (limit === 0 || score <= bestScore[limit - 1]!)) continue;
    let pos = filled < limit ? filled++ : limit - 1;
    while (pos > 0 && bestScore[pos - 1]! < score) {
      bestScore[pos] = bestScore[pos - 1]!;
      bestIdx[pos] = bestIdx[pos - 1]!;
      pos--;
    }
    bestScore[pos] = score;
    bestIdx[pos] = row;
  }
  return { indices: bestIdx.slice(0, filled), scores: Float32Array.from(bestScore.subarray(0, filled)) };
}

export const referenceInt8Ranker: Int8Ranker = { name: 'js', rank: rankInt8Reference };
