/**
 * A second stage over two fitted rows: each row's scores are standardised over the items
 * (mean 0, standard deviation 1) and added with weights. It tells whether the collaborative
 * aggregates still add something to the learned model (issue 10 item 2: keep them as a second
 * stage only where the evaluation shows they do). The parts are the registry's own row
 * objects; fitting one already fitted on the same training data is skipped.
 */
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';

export class ScoreBlendRecommender implements EvaluatedRecommender {
  readonly group = 'learned';
  private fittedOn = new WeakMap<EvaluatedRecommender, TrainData>();

  constructor(
    readonly name: string,
    private readonly parts: ReadonlyArray<{ recommender: EvaluatedRecommender; weight: number }>,
  ) {}

  /** Called by the runner on every row; the parts remember what they were fitted on. */
  static track(recommender: EvaluatedRecommender, blends: ScoreBlendRecommender[]): EvaluatedRecommender {
    const fit = recommender.fit.bind(recommender);
    recommender.fit = async (train: TrainData) => {
      await fit(train);
      for (const blend of blends) blend.fittedOn.set(recommender, train);
    };
    return recommender;
  }

  async fit(train: TrainData): Promise<void> {
    for (const { recommender } of this.parts) if (this.fittedOn.get(recommender) !== train) await recommender.fit(train);
  }

  async score(user: UserCase): Promise<Float32Array> {
    let out: Float32Array | undefined;
    for (const { recommender, weight } of this.parts) {
      const scores = await recommender.score(user);
      const items = user.candidates ?? Int32Array.from(scores.keys());
      let mean = 0;
      for (const i of items) mean += scores[i]!;
      mean /= items.length;
      let variance = 0;
      for (const i of items) variance += (scores[i]! - mean) ** 2;
      const scale = weight / Math.sqrt(variance / items.length || 1);
      out ??= new Float32Array(scores.length);
      for (let i = 0; i < scores.length; i++) out[i] += (scores[i]! - mean) * scale;
    }
    return out!;
  }
}
