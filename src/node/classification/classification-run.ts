/**
 * The held-out classification report of one labelled set: 5-fold stratified cross-validation
 * (seeded), kNN and the linear probe, each with its per-class precision / recall / F1, macro
 * and micro averages, confusion matrix and the most confused pairs with their item ids.
 */
import { classificationReport, type ClassificationReport } from './classification-metrics.ts';
import { crossValidatedPredictions, knnPredictor, linearProbePredictor, type Predictor } from './classifiers.ts';
import { confusionMatrix, mostConfusedPairs, type ConfusedPair, type ConfusionMatrix } from './confusion-matrix.ts';
import type { LabelledVectors } from './labelled-vectors.ts';
import { classificationIntervals, type ClassificationIntervals } from './classification-intervals.ts';

export interface ClassifierResult {
  classifier: string;
  report: ClassificationReport;
  /** 95 % bootstrap intervals over the items (classification-intervals.ts). */
  intervals: ClassificationIntervals;
  confusion: ConfusionMatrix;
  mostConfused: ConfusedPair[];
  /** Majority-class accuracy, the floor a classifier must beat. */
  majorityAccuracy: number;
}

export const CLASSIFIERS: Array<[name: string, predictor: Predictor]> = [
  ['kNN (k=5, cosine)', knnPredictor(5)],
  ['linear probe (softmax regression)', linearProbePredictor()],
];

export function classifyHeldOut(set: LabelledVectors, options: { folds?: number; seed?: number } = {}): ClassifierResult[] {
  const labels = [...new Set(set.labels)].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const y = set.labels.map((l) => index.get(l)!);
  const majority = Math.max(...labels.map((l) => set.labels.filter((x) => x === l).length)) / set.labels.length;
  return CLASSIFIERS.map(([classifier, predictor]) => {
    const predicted = crossValidatedPredictions(set.vectors, y, labels.length, predictor, options.folds ?? 5, options.seed ?? 42).map((c) => labels[c]!);
    const confusion = confusionMatrix(labels, set.labels, predicted);
    return {
      classifier,
      report: classificationReport(confusion),
      intervals: classificationIntervals(labels, set.labels, predicted),
      confusion,
      mostConfused: mostConfusedPairs(set.ids, set.labels, predicted, 10, 5),
      majorityAccuracy: majority,
    };
  });
}
