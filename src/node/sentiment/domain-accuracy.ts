/**
 * Accuracy with a 95 % interval from the percentile bootstrap over sentences (the shared
 * bootstrap of src/node/eval/), and means over held-out domains from the same resamples: one
 * resample draws each domain's sentences anew (stratified by domain), so a mean's interval
 * and a paired difference (head − lexicon on the same draws) come out of the same replicates.
 */
import { estimate, pairedDifference, resampleWeights, type Estimate } from '../eval/bootstrap.ts';

export interface ScoredDomain {
  /** 1 where the prediction was right, per sentence. */
  correct: Float64Array;
}

export interface AccuracyWithReplicates {
  estimate: Estimate;
  value: number;
  replicates: Float64Array;
}

export function domainResamples(sentences: number, seed: number, resamples = 1000): Float64Array[] {
  return resampleWeights(sentences, { seed, resamples });
}

export function accuracy(correct: Float64Array, weights: readonly Float64Array[]): AccuracyWithReplicates {
  const statistic = (w: Float64Array) => {
    let right = 0;
    let all = 0;
    for (let i = 0; i < w.length; i++) {
      right += w[i]! * correct[i]!;
      all += w[i]!;
    }
    return right / all;
  };
  const { estimate: e, replicates } = estimate(statistic, correct.length, weights);
  return { estimate: e, value: e.value, replicates };
}

/** The mean of several domains' accuracies, replicate by replicate. */
export function meanAccuracy(parts: readonly AccuracyWithReplicates[]): AccuracyWithReplicates {
  const value = parts.reduce((s, p) => s + p.value, 0) / parts.length;
  const replicates = parts[0]!.replicates.map((_, r) => parts.reduce((s, p) => s + p.replicates[r]!, 0) / parts.length);
  const diff = pairedDifference({ value, replicates }, { value: 0, replicates: new Float64Array(replicates.length) });
  return { estimate: diff, value, replicates };
}

export function difference(a: AccuracyWithReplicates, b: AccuracyWithReplicates): Estimate {
  return pairedDifference(a, b);
}
