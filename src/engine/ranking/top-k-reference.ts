import { itemAt } from '../../shared/item-at.ts';
/**
 * Exact top-k by dot product in plain JS (float64 accumulation).
 * The reference every tfjs backend is checked against, and the CPU path of last resort.
 */
export interface TopK {
  indices: number[];
  scores: number[];
}

export function topKReference(items: Float32Array, dims: number, query: Float32Array, k: number): TopK {
  if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, items have ${dims}`);
  const count = items.length / dims;
  const limit = Math.min(k, count);
  // Keep a small sorted buffer: k is tiny next to count, so insertion beats a full sort.
  const bestIdx: number[] = [];
  const bestScore: number[] = [];
  for (let row = 0; row < count; row++) {
    let sum = 0;
    const base = row * dims;
    for (let j = 0; j < dims; j++) sum += itemAt(items, base + j) * itemAt(query, j);
    if (bestIdx.length === limit && sum <= itemAt(bestScore, limit - 1)) continue;
    let pos = bestIdx.length === limit ? limit - 1 : bestIdx.length;
    while (pos > 0 && itemAt(bestScore, pos - 1) < sum) {
      bestScore[pos] = itemAt(bestScore, pos - 1);
      bestIdx[pos] = itemAt(bestIdx, pos - 1);
      pos--;
    }
    bestScore[pos] = sum;
    bestIdx[pos] = row;
  }
  return { indices: bestIdx.slice(0, limit), scores: bestScore.slice(0, limit) };
}

/** True when two rankings name the same items in the same order and their scores agree within `tolerance`. */
export function sameRanking(a: TopK, b: TopK, tolerance: number): boolean {
  if (a.indices.length !== b.indices.length) return false;
  return a.indices.every((index, i) => index === b.indices[i] && Math.abs(itemAt(a.scores, i) - itemAt(b.scores, i)) <= tolerance);
}
