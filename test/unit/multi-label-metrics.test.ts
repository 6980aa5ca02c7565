import { describe, expect, it } from 'vitest';
import { multiLabelReport } from '../../src/node/classification/multi-label-metrics.ts';

describe('multiLabelReport', () => {
  // Hand-checked case, labels A, B, C:
  //   item 0: true {A,B}, predicted {A}    → A tp, B fn
  //   item 1: true {B},   predicted {B,C}  → B tp, C fp
  //   item 2: true {C},   predicted {A}    → A fp, C fn
  //   item 3: true {A},   predicted {A}    → A tp (exact match)
  // A: tp 2 fp 1 fn 0 → P 2/3, R 1, F1 0.8
  // B: tp 1 fp 0 fn 1 → P 1, R 1/2, F1 2/3
  // C: tp 0 fp 1 fn 1 → P 0, R 0, F1 0
  // micro: tp 3 fp 2 fn 2 → P 3/5, R 3/5, F1 3/5; exact 1/4; Hamming: 4 wrong (item, label) decisions of 12.
  const labels = ['A', 'B', 'C'];
  const actual = [['A', 'B'], ['B'], ['C'], ['A']];
  const predicted = [['A'], ['B', 'C'], ['A'], ['A']];

  it('gives per-label, macro and micro scores of a hand-checked case', () => {
    const r = multiLabelReport(labels, actual, predicted);
    expect(r.labels.map((c) => c.precision)).toEqual([2 / 3, 1, 0]);
    expect(r.labels.map((c) => c.recall)).toEqual([1, 0.5, 0]);
    expect(r.labels[0]!.f1).toBeCloseTo(0.8, 12);
    expect(r.labels[1]!.f1).toBeCloseTo(2 / 3, 12);
    expect(r.labels.map((c) => c.support)).toEqual([2, 2, 1]);
    expect(r.macro.precision).toBeCloseTo((2 / 3 + 1) / 3, 12);
    expect(r.macro.recall).toBeCloseTo(0.5, 12);
    expect(r.macro.f1).toBeCloseTo((0.8 + 2 / 3) / 3, 12);
    expect(r.micro.precision).toBeCloseTo(0.6, 12);
    expect(r.micro.recall).toBeCloseTo(0.6, 12);
    expect(r.micro.f1).toBeCloseTo(0.6, 12);
    expect(r.exactMatch).toBe(0.25);
    expect(r.hammingLoss).toBeCloseTo(1 / 3, 12);
    expect(r.items).toBe(4);
  });

  it('counts an item `weight` times (bootstrap resamples) and skips weight 0', () => {
    // Item 3 twice, item 2 left out: A tp 3 fp 0 → P 1; C: tp 0 fp 1 fn 0.
    const r = multiLabelReport(labels, actual, predicted, [1, 1, 0, 2]);
    expect(r.labels[0]!.precision).toBe(1);
    expect(r.labels[0]!.support).toBe(3);
    expect(r.labels[2]!.support).toBe(0);
    expect(r.exactMatch).toBe(0.5);
    expect(r.items).toBe(4);
    expect(r.micro.precision).toBeCloseTo(4 / 5, 12);
  });

  it('a perfect prediction scores 1 everywhere', () => {
    const r = multiLabelReport(labels, actual, actual);
    expect(r.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(r.micro.f1).toBe(1);
    expect(r.hammingLoss).toBe(0);
  });

  it('rejects unknown labels and mismatched lengths with a clear error', () => {
    expect(() => multiLabelReport(labels, [['D']], [['A']])).toThrow(/unknown label "D"/);
    expect(() => multiLabelReport(labels, actual, predicted.slice(1))).toThrow(/4 true sets but 3 predicted/);
  });
});
