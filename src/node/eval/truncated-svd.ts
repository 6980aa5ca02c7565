/**
 * Truncated SVD of the binary user × item training matrix X (PureSVD, Cremonesi et al. 2010):
 * X ≈ U·Σ·Vᵀ with the top `factors` singular triplets, found as the top eigenvectors of XᵀX
 * by subspace iteration, each step Xᵀ·(X·Q) on the sparse X (never forming XᵀX). The item
 * factors V are the collaborative item space protocol C's ridge baseline maps content into;
 * a user's factor is the fold-in x_u·V, so score = x_u·V·Vᵀ.
 */
import type { TrainData } from './eval-types.ts';
import { userItemSets } from './item-cooccurrence.ts';
import { topEigenpairs } from '../../shared/symmetric-eigen.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface ItemFactors {
  /** itemCount × factors, row-major: item i's row is V[i]. */
  factors: Float64Array;
  count: number;
  /** Singular values σ, largest first. */
  singularValues: Float64Array;
}

export function truncatedSvdItemFactors(train: TrainData, factors: number, options: { iterations?: number; seed?: number } = {}): ItemFactors {
  const n = train.itemCount;
  const users = userItemSets(train);
  // Xᵀ·(X·Q): per user, the sum of Q's rows over their items, added back to those rows.
  const apply = (q: Float64Array, m: number): Float64Array => {
    const out = new Float64Array(n * m);
    const row = new Float64Array(m);
    for (const items of users) {
      row.fill(0);
      for (const i of items) for (let j = 0; j < m; j++) row[j] = itemAt(row, j) + q[i * m + j]!;
      for (const i of items) for (let j = 0; j < m; j++) out[i * m + j] = itemAt(out, i * m + j) + row[j]!;
    }
    return out;
  };
  const pairs = topEigenpairs(apply, n, factors, { iterations: options.iterations ?? 40, seed: options.seed ?? 1 });
  return { factors: pairs.vectors, count: factors, singularValues: pairs.values.map((v) => Math.sqrt(Math.max(0, v))) };
}
