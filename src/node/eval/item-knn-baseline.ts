/**
 * ItemKNN: cosine similarity between items' binary user vectors,
 * sim(i, j) = |users(i) ∩ users(j)| / √(|users(i)|·|users(j)|), self-similarity 0;
 * score(j) = Σ over the user's history items h of sim(h, j).
 *
 * By default every neighbour counts (as DATA.md's reference ItemKNN-cosine). With
 * `neighbours: k`, the classic item-based rule applies: candidate j only sums over history
 * items that are among j's k most similar items (ties to the lower item index).
 */
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import { itemCooccurrence } from './item-cooccurrence.ts';
import { sumItemRows } from './sum-item-rows.ts';
import { topKUnseen } from './top-k-unseen.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface ItemKnnOptions {
  /** Neighbours kept per candidate item (default: all). */
  neighbours?: number;
  name?: string;
}

export class ItemKnnBaseline implements EvaluatedRecommender {
  readonly name: string;
  readonly group = 'baseline';
  private readonly neighbours: number;
  /** Row h, column j: how much history item h adds to candidate j. */
  private weights = new Float32Array(0);
  private itemCount = 0;

  constructor(options: ItemKnnOptions = {}) {
    this.neighbours = options.neighbours ?? Infinity;
    if (!(this.neighbours >= 1)) throw new Error(`ItemKNN neighbours must be at least 1, got ${options.neighbours}`);
    this.name = options.name ?? (Number.isFinite(this.neighbours) ? `item-knn-${this.neighbours}` : 'item-knn');
  }

  fit(train: TrainData): void {
    const n = (this.itemCount = train.itemCount);
    const gram = itemCooccurrence(train);
    const sim = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const both = itemAt(gram, i * n + j);
        if (i !== j && both > 0) sim[i * n + j] = both / Math.sqrt(itemAt(gram, i * n + i) * itemAt(gram, j * n + j));
      }
    }
    if (!Number.isFinite(this.neighbours) || this.neighbours >= n - 1) {
      this.weights = sim;
      return;
    }
    // Keep sim(h, j) only where h is one of j's top neighbours (sim is symmetric: row j = column j).
    this.weights = new Float32Array(n * n);
    for (let j = 0; j < n; j++) {
      const row = sim.subarray(j * n, (j + 1) * n);
      for (const h of topKUnseen(row, [j], this.neighbours)) this.weights[h * n + j] = itemAt(row, h);
    }
  }

  score(user: UserCase): Float32Array {
    return sumItemRows(this.weights, this.itemCount, user.history);
  }

  dispose(): void {
    this.weights = new Float32Array(0);
  }
}
