/**
 * Precision, recall and F1 per class, their macro averages (the mean over classes, each class
 * equal) and micro averages (pooled counts: for single-label data all three equal accuracy),
 * from a confusion matrix. Pure: numbers in, numbers out. A class with no prediction has
 * precision 0 (and one with no true item recall 0), the convention of scikit-learn's
 * `zero_division=0`, so a classifier cannot score by never predicting a hard class.
 */
import type { ConfusionMatrix } from './confusion-matrix.ts';

export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** True items of the class. */
  support: number;
}

export interface ClassificationReport {
  classes: ClassScores[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  accuracy: number;
  items: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const f1Of = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

export function classificationReport(confusion: ConfusionMatrix): ClassificationReport {
  const { labels, counts } = confusion;
  const n = labels.length;
  let correct = 0;
  let total = 0;
  let tpSum = 0;
  let fpSum = 0;
  let fnSum = 0;
  const classes = labels.map((label, c) => {
    const tp = counts[c]![c]!;
    let predicted = 0;
    let actual = 0;
    for (let o = 0; o < n; o++) {
      predicted += counts[o]![c]!;
      actual += counts[c]![o]!;
    }
    correct += tp;
    total += actual;
    tpSum += tp;
    fpSum += predicted - tp;
    fnSum += actual - tp;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, actual);
    return { label, precision, recall, f1: f1Of(precision, recall), support: actual };
  });
  const mean = (pick: (c: ClassScores) => number) => (n > 0 ? classes.reduce((s, c) => s + pick(c), 0) / n : 0);
  const microP = ratio(tpSum, tpSum + fpSum);
  const microR = ratio(tpSum, tpSum + fnSum);
  return {
    classes,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    micro: { precision: microP, recall: microR, f1: f1Of(microP, microR) },
    accuracy: ratio(correct, total),
    items: total,
  };
}
