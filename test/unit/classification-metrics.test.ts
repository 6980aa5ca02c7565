import { describe, expect, it } from 'vitest';
import { classificationReport } from '../../src/node/classification/classification-metrics.ts';
import { confusionMatrix, mostConfusedPairs } from '../../src/node/classification/confusion-matrix.ts';

/**
 * Ten items, three classes, worked by hand:
 *   true:      a a a a b b b c c c
 *   predicted: a a b c b b a c c b
 * Confusion (rows true, columns predicted, order a b c):
 *   a: 2 1 1    b: 1 2 0    c: 0 1 2
 * a: tp 2, predicted 3, actual 4 → P 2/3, R 1/2, F1 = 2·(2/3)(1/2)/(2/3 + 1/2) = 4/7
 * b: tp 2, predicted 4, actual 3 → P 1/2, R 2/3, F1 4/7
 * c: tp 2, predicted 3, actual 3 → P 2/3, R 2/3, F1 2/3
 * macro P = (2/3 + 1/2 + 2/3)/3 = 11/18; macro R = (1/2 + 2/3 + 2/3)/3 = 11/18;
 * macro F1 = (4/7 + 4/7 + 2/3)/3 = 38/63; micro P = R = F1 = accuracy = 6/10.
 */
const ids = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9'];
const actual = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
const predicted = ['a', 'a', 'b', 'c', 'b', 'b', 'a', 'c', 'c', 'b'];

describe('confusion matrix and classification report', () => {
  const confusion = confusionMatrix(['a', 'b', 'c'], actual, predicted);

  it('counts true × predicted', () => {
    expect(confusion.counts).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
  });

  it('gives per-class precision, recall, F1 and the macro and micro averages', () => {
    const report = classificationReport(confusion);
    const [a, b, c] = report.classes;
    expect(a).toMatchObject({ label: 'a', support: 4 });
    expect(a!.precision).toBeCloseTo(2 / 3, 12);
    expect(a!.recall).toBeCloseTo(1 / 2, 12);
    expect(a!.f1).toBeCloseTo(4 / 7, 12);
    expect(b!.precision).toBeCloseTo(1 / 2, 12);
    expect(b!.recall).toBeCloseTo(2 / 3, 12);
    expect(b!.f1).toBeCloseTo(4 / 7, 12);
    expect(c!.f1).toBeCloseTo(2 / 3, 12);
    expect(report.macro.precision).toBeCloseTo(11 / 18, 12);
    expect(report.macro.recall).toBeCloseTo(11 / 18, 12);
    expect(report.macro.f1).toBeCloseTo(38 / 63, 12);
    expect(report.micro.precision).toBeCloseTo(0.6, 12);
    expect(report.micro.f1).toBeCloseTo(0.6, 12);
    expect(report.accuracy).toBeCloseTo(0.6, 12);
    expect(report.items).toBe(10);
  });

  it('scores a class never predicted at precision 0, not NaN', () => {
    const report = classificationReport(confusionMatrix(['a', 'b'], ['a', 'b'], ['a', 'a']));
    expect(report.classes[1]).toEqual({ label: 'b', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(report.classes[0]!.precision).toBe(0.5);
  });

  it('lists the most confused pairs with their items', () => {
    const noisy = [...predicted];
    noisy[0] = 'c'; // a→c now twice (i0, i3)
    expect(mostConfusedPairs(ids, actual, noisy, 3)).toEqual([
      { actual: 'a', predicted: 'c', count: 2, items: ['i0', 'i3'] },
      { actual: 'a', predicted: 'b', count: 1, items: ['i2'] },
      { actual: 'b', predicted: 'a', count: 1, items: ['i6'] },
    ]);
  });

  it('refuses mismatched lengths and unknown labels', () => {
    expect(() => confusionMatrix(['a'], ['a'], [])).toThrow('1 true labels but 0 predictions');
    expect(() => confusionMatrix(['a'], ['a'], ['z'])).toThrow('unknown label "z"');
  });
});
