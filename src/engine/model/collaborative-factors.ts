/**
 * Collaborative item factors for the learned model's warm start: the truncated SVD of the
 * binary user × item matrix of the training sequences (PureSVD), X ≈ U·Σ·Vᵀ, found as the top
 * eigenvectors of XᵀX by subspace iteration on the sparse X. Starting the id embeddings from
 * V·Σ^½ puts warm items where co-consumption says from the first step, so the few epochs a
 * build can afford refine a good space instead of finding one from noise.
 */
import { itemAt } from '../../shared/item-at.ts';
import { topEigenpairs } from '../../shared/symmetric-eigen.ts';

/**
 * itemCount × dims row-major factors V·Σ^½ (rows of items never seen are 0), rescaled so the
 * mean norm of the seen items' rows is `meanNorm`. Deterministic for a seed.
 */
export function collaborativeItemFactors(
  sequences: ReadonlyArray<ReadonlyArray<number>>,
  itemCount: number,
  dims: number,
  { meanNorm = 1, seed = 1, iterations = 20 } = {},
): Float32Array {
  const users = sequences.map((seq) => [...new Set(seq)]);
  const rank = Math.min(dims, itemCount);
  // Xᵀ·(X·Q): per user, the sum of Q's rows over their items, added back to those rows.
  const apply = (q: Float64Array, m: number): Float64Array => {
    const out = new Float64Array(itemCount * m);
    const row = new Float64Array(m);
    for (const items of users) {
      row.fill(0);
      for (const i of items) for (let j = 0; j < m; j++) row[j] = itemAt(row, j) + itemAt(q, i * m + j);
      for (const i of items) for (let j = 0; j < m; j++) out[i * m + j] = itemAt(out, i * m + j) + itemAt(row, j);
    }
    return out;
  };
  const pairs = topEigenpairs(apply, itemCount, rank, { iterations, seed });
  const out = new Float32Array(itemCount * dims);
  let normSum = 0;
  let seen = 0;
  for (let i = 0; i < itemCount; i++) {
    let norm = 0;
    for (let j = 0; j < rank; j++) {
      // Eigenvalues of XᵀX are σ²: the row is scaled by σ^½ = λ^¼.
      const v = pairs.vectors[i * rank + j]! * Math.max(0, pairs.values[j]!) ** 0.25;
      out[i * dims + j] = v;
      norm += v * v;
    }
    if (norm > 0) {
      normSum += Math.sqrt(norm);
      seen++;
    }
  }
  const scale = seen > 0 && normSum > 0 ? (meanNorm * seen) / normSum : 1;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * scale;
  return out;
}
