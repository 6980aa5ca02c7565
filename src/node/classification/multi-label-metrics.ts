/**
 * One-vs-rest precision, recall and F1 per label for multi-label data (a movie has several
 * genres), their macro averages (mean over labels, each label equal) and micro averages (counts
 * pooled over labels), plus the exact-match ratio and the Hamming loss. Pure: label sets in,
 * numbers out. Same zero-division convention as classification-metrics.ts (0, as scikit-learn's
 * `zero_division=0`).
 */
import type { ClassScores } from './classification-metrics.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface MultiLabelReport {
  labels: ClassScores[];
  macro: { precision: number; recall: number; f1: number };
  micro: { precision: number; recall: number; f1: number };
  /** Items whose predicted set equals the true set exactly. */
  exactMatch: number;
  /** Wrong (item, label) decisions over all of them. */
  hammingLoss: number;
  items: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const f1Of = (p: number, r: number) => (p + r > 0 ? (2 * p * r) / (p + r) : 0);

/**
 * `actual[i]` and `predicted[i]` are item i's label sets; `weights[i]` (default 1) counts the
 * item that many times (bootstrap resamples). Labels outside `labels` are an error.
 */
export function multiLabelReport(
  labels: readonly string[],
  actual: ReadonlyArray<readonly string[]>,
  predicted: ReadonlyArray<readonly string[]>,
  weights?: ArrayLike<number>,
): MultiLabelReport {
  if (actual.length !== predicted.length) throw new Error(`multiLabelReport: ${actual.length} true sets but ${predicted.length} predicted`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const tp = new Float64Array(labels.length);
  const fp = new Float64Array(labels.length);
  const fn = new Float64Array(labels.length);
  let exact = 0;
  let wrong = 0;
  let items = 0;
  const bits = (set: readonly string[], where: string) => {
    const b = new Uint8Array(labels.length);
    for (const l of set) {
      const i = index.get(l);
      if (i === undefined) throw new Error(`multiLabelReport: unknown label ${JSON.stringify(l)} in ${where}`);
      b[i] = 1;
    }
    return b;
  };
  actual.forEach((set, item) => {
    const w = weights ? weights[item]! : 1;
    if (w === 0) return;
    const a = bits(set, `true set ${item}`);
    const p = bits(predicted[item]!, `predicted set ${item}`);
    let errors = 0;
    for (let l = 0; l < labels.length; l++) {
      if (a[l] && p[l]) tp[l] = itemAt(tp, l) + w;
      else if (p[l]) {
        fp[l] = itemAt(fp, l) + w;
        errors++;
      } else if (a[l]) {
        fn[l] = itemAt(fn, l) + w;
        errors++;
      }
    }
    if (errors === 0) exact += w;
    wrong += w * errors;
    items += w;
  });
  const scores = labels.map((label, l) => {
    const precision = ratio(tp[l]!, tp[l]! + fp[l]!);
    const recall = ratio(tp[l]!, tp[l]! + fn[l]!);
    return { label, precision, recall, f1: f1Of(precision, recall), support: tp[l]! + fn[l]! };
  });
  const mean = (pick: (c: ClassScores) => number) => (labels.length > 0 ? scores.reduce((s, c) => s + pick(c), 0) / labels.length : 0);
  const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
  const microP = ratio(sum(tp), sum(tp) + sum(fp));
  const microR = ratio(sum(tp), sum(tp) + sum(fn));
  return {
    labels: scores,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    micro: { precision: microP, recall: microR, f1: f1Of(microP, microR) },
    exactMatch: ratio(exact, items),
    hammingLoss: ratio(wrong, items * labels.length),
    items,
  };
}
