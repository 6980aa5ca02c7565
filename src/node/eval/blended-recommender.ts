/**
 * A second stage over two or more evaluated recommenders: each one's scores are standardised
 * over the case's rankable items (mean 0, standard deviation 1: the candidates, or every item
 * not in the history) and summed with fixed weights. It measures whether a collaborative
 * aggregate still adds something to the learned model (issue 10: "collaborative aggregates stay
 * available as inputs or a second stage only where the evaluation shows they still add
 * something"). The weights are set before the run, never fitted on the evaluated targets.
 */
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';

export class BlendedRecommender implements EvaluatedRecommender {
  readonly group = 'learned';

  constructor(
    readonly name: string,
    private readonly parts: ReadonlyArray<{ recommender: EvaluatedRecommender; weight: number }>,
  ) {
    if (parts.length < 2) throw new Error(`${name}: a blend needs at least two recommenders`);
    for (const p of parts) if (!Number.isFinite(p.weight)) throw new Error(`${name}: weight of ${p.recommender.name} must be finite, got ${p.weight}`);
  }

  async fit(train: TrainData): Promise<void> {
    for (const p of this.parts) await p.recommender.fit(train);
  }

  async score(user: UserCase): Promise<Float32Array> {
    let out: Float32Array | undefined;
    const seen = new Set(user.history);
    for (const p of this.parts) {
      const scores = await p.recommender.score(user);
      out ??= new Float32Array(scores.length);
      const rankable = user.candidates
        ? Array.from(user.candidates).filter((i) => !seen.has(i))
        : Array.from({ length: scores.length }, (_, i) => i).filter((i) => !seen.has(i));
      let mean = 0;
      for (const i of rankable) mean += scores[i]!;
      mean /= Math.max(rankable.length, 1);
      let variance = 0;
      for (const i of rankable) variance += (scores[i]! - mean) ** 2;
      const sd = Math.sqrt(variance / Math.max(rankable.length, 1)) || 1;
      for (let i = 0; i < scores.length; i++) out[i] = out[i]! + (p.weight * (scores[i]! - mean)) / sd;
    }
    return out!;
  }

  dispose(): void {
    for (const p of this.parts) p.recommender.dispose?.();
  }
}
