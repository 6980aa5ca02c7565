/**
 * Most popular: every user gets the items with the most training users (ties to the lower
 * item index via the runner's top-k). Non-personalised, and on MovieLens hard to beat by much.
 */
import type { EvaluatedRecommender, TrainData } from './eval-types.ts';
import { userItemSets } from './item-cooccurrence.ts';
import { itemAt } from '../../shared/item-at.ts';

export class MostPopularBaseline implements EvaluatedRecommender {
  readonly name = 'most-popular';
  readonly group = 'baseline';
  private counts = new Float32Array(0);

  fit(train: TrainData): void {
    this.counts = new Float32Array(train.itemCount);
    for (const items of userItemSets(train)) for (const item of items) this.counts[item] = itemAt(this.counts, item) + 1;
  }

  score(): Float32Array {
    // A copy, so nothing downstream can change the model.
    return this.counts.slice();
  }
}
