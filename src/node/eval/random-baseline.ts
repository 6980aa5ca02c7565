/**
 * Random scores: the floor every recommender must clear. Seeded per user, so a run is
 * reproducible and a user's list does not depend on which other users are evaluated.
 */
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import { userStream } from './seeded-stream.ts';

export class RandomBaseline implements EvaluatedRecommender {
  readonly name = 'random';
  readonly group = 'baseline';
  private itemCount = 0;

  constructor(private readonly seed = 7) {}

  fit(train: TrainData): void {
    this.itemCount = train.itemCount;
  }

  score(user: UserCase): Float32Array {
    const random = userStream(this.seed, user.user, 0xb);
    const scores = new Float32Array(this.itemCount);
    for (let i = 0; i < scores.length; i++) scores[i] = random();
    return scores;
  }
}
