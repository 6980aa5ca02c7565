/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the closed-form
 * item-item model min ‖X − XB‖² + λ‖B‖² with diag(B) = 0, whose solution is
 * B = I − P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, i.e. B_ij = −P_ij / P_jj off the diagonal.
 * score = x_u·B. A strong, simple collaborative baseline on MovieLens.
 */
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import { itemCooccurrence } from './item-cooccurrence.ts';
import { invertSpd } from './spd-inverse.ts';
import { sumItemRows } from './sum-item-rows.ts';
import { itemAt } from '../../shared/item-at.ts';

/** EASE's weight matrix B (row-major n×n) from the Gram matrix XᵀX. */
export function easeWeights(gram: Float64Array, n: number, lambda: number): Float64Array {
  if (!(lambda > 0)) throw new Error(`EASE λ must be positive, got ${lambda}`);
  const g = gram.slice();
  for (let i = 0; i < n; i++) g[i * n + i] = itemAt(g, i * n + i) + lambda;
  const p = invertSpd(g, n);
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (i !== j) b[i * n + j] = -itemAt(p, i * n + j) / itemAt(p, j * n + j);
  }
  return b;
}

export class EaseBaseline implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'baseline';
  private weights = new Float32Array(0);
  private itemCount = 0;

  constructor(private readonly lambda = 500) {
    this.name = lambda === 500 ? 'ease' : `ease-${lambda}`;
  }

  fit(train: TrainData): void {
    this.itemCount = train.itemCount;
    this.weights = Float32Array.from(easeWeights(itemCooccurrence(train), train.itemCount, this.lambda));
  }

  score(user: UserCase): Float32Array {
    return sumItemRows(this.weights, this.itemCount, user.history);
  }

  dispose(): void {
    this.weights = new Float32Array(0);
  }
}
