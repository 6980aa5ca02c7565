/**
 * 95 % intervals of a held-out classification's accuracy and macro F1: a bootstrap over the
 * items (each resample draws the items with replacement, the same seeded stream as the
 * evaluation's bootstrap over users), recomputing the report from the resample's weighted
 * confusion matrix. Pure; the predictions are fixed (the classifier is not refitted), so the
 * interval is the test-set sampling error of the numbers reported, as for the other metrics.
 */
import { percentileInterval, resampleWeights, type BootstrapOptions } from '../eval/bootstrap.ts';
import { classificationReport } from './classification-metrics.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface ClassificationIntervals {
  accuracy: { low: number; high: number };
  macroF1: { low: number; high: number };
}

export function classificationIntervals(
  labels: readonly string[],
  actual: readonly string[],
  predicted: readonly string[],
  options: BootstrapOptions = {},
): ClassificationIntervals {
  if (actual.length !== predicted.length) throw new RangeError(`classificationIntervals: ${actual.length} true labels but ${predicted.length} predictions`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const cell = (label: string) => {
    const at = index.get(label);
    if (at === undefined) throw new RangeError(`classificationIntervals: unknown label ${JSON.stringify(label)}`);
    return at;
  };
  const rows = actual.map(cell);
  const columns = predicted.map(cell);
  const accuracy: number[] = [];
  const macroF1: number[] = [];
  for (const weights of resampleWeights(actual.length, options)) {
    const counts = labels.map(() => labels.map(() => 0));
    rows.forEach((row, i) => {
      const line = itemAt(counts, row);
      const column = itemAt(columns, i);
      line[column] = itemAt(line, column) + itemAt(weights, i);
    });
    const report = classificationReport({ labels: [...labels], counts });
    accuracy.push(report.accuracy);
    macroF1.push(report.macro.f1);
  }
  const level = options.level ?? 0.95;
  return { accuracy: percentileInterval(accuracy, level), macroF1: percentileInterval(macroF1, level) };
}
