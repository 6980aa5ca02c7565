import { describe, expect, it } from 'vitest';
import { classificationIntervals } from '../../src/node/classification/classification-intervals.ts';

// The ten items of classification-metrics.test.ts: accuracy 6/10, macro F1 38/63.
const labels = ['a', 'b', 'c'];
const actual = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
const predicted = ['a', 'a', 'b', 'c', 'b', 'b', 'a', 'c', 'c', 'b'];

describe('classificationIntervals', () => {
  it('brackets the point values, stays inside [0, 1] and is repeatable for a seed', () => {
    const once = classificationIntervals(labels, actual, predicted, { resamples: 500, seed: 7 });
    expect(once.accuracy.low).toBeLessThan(0.6);
    expect(once.accuracy.high).toBeGreaterThan(0.6);
    expect(once.macroF1.low).toBeLessThan(38 / 63);
    expect(once.macroF1.high).toBeGreaterThan(38 / 63);
    for (const { low, high } of [once.accuracy, once.macroF1]) {
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
    }
    expect(classificationIntervals(labels, actual, predicted, { resamples: 500, seed: 7 })).toEqual(once);
  });

  it('is a single point when every prediction is right (every resample has accuracy 1)', () => {
    const perfect = classificationIntervals(labels, actual, actual, { resamples: 200 });
    expect(perfect.accuracy).toEqual({ low: 1, high: 1 });
  });

  it('names a label it does not know, and a length mismatch', () => {
    expect(() => classificationIntervals(labels, actual, [...predicted.slice(1), 'z'])).toThrow(/unknown label "z"/);
    expect(() => classificationIntervals(labels, actual, predicted.slice(1))).toThrow(RangeError);
  });
});
