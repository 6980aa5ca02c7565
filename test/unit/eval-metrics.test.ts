import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { rankingMetrics } from '../../src/node/eval/metrics.ts';
import { topKUnseen } from '../../src/node/eval/top-k-unseen.ts';
import { itemAt } from '../../src/shared/item-at.ts';

const d = (rank: number) => 1 / Math.log2(rank + 2);

describe('rankingMetrics', () => {
  it('one target (protocol B): hit at rank 3 gives NDCG 1/log2(4) = 0.5', () => {
    const m = rankingMetrics([5, 3, 9, 1], [9], 10);
    expect(m).toEqual({ hr: 1, ndcg: 0.5, precision: 0.1, recall: 1, cappedRecall: 1 });
  });

  it('a miss, or a hit below k, scores zero', () => {
    expect(rankingMetrics([5, 3, 9, 1], [7], 10)).toEqual({ hr: 0, ndcg: 0, precision: 0, recall: 0, cappedRecall: 0 });
    expect(rankingMetrics([5, 3, 9, 1], [9], 2)).toEqual({ hr: 0, ndcg: 0, precision: 0, recall: 0, cappedRecall: 0 });
  });

  it('several targets (protocol A): ideal DCG over min(|targets|, k)', () => {
    // Top 3 = 1, 2, 3; of the targets {2, 5, 7} only 2 is there, at rank 2.
    const m = rankingMetrics([1, 2, 3, 4, 5], [2, 5, 7], 3);
    expect(m.hr).toBe(1);
    expect(m.ndcg).toBeCloseTo(d(1) / (d(0) + d(1) + d(2)), 12);
    expect(m.precision).toBeCloseTo(1 / 3, 12);
    expect(m.recall).toBeCloseTo(1 / 3, 12);
    // Four targets but k = 2: the ideal list holds only two hits, so two hits at the top are perfect.
    const full = rankingMetrics([8, 6, 1], [6, 8, 9, 10], 2);
    expect(full.ndcg).toBeCloseTo(1, 12);
    expect(full.precision).toBe(1);
    expect(full.recall).toBe(0.5);
    // Capped recall (protocol C) divides by min(k, |targets|) = 2: a full list of hits is 1.
    expect(full.cappedRecall).toBe(1);
    expect(m.cappedRecall).toBeCloseTo(1 / 3, 12);
    // 12 targets, k = 10, 3 hits: recall 3/12, capped recall 3/10.
    const many = rankingMetrics(
      [0, 1, 2, 50, 51, 52, 53, 54, 55, 56],
      Array.from({ length: 12 }, (_, i) => i),
      10,
    );
    expect(many.recall).toBeCloseTo(3 / 12, 12);
    expect(many.cappedRecall).toBeCloseTo(3 / 10, 12);
  });

  it('rejects an empty target list', () => {
    expect(() => rankingMetrics([1], [], 10)).toThrow('at least one target');
  });
});

describe('topKUnseen', () => {
  it('skips history items and breaks ties by the lower item index; NaN ranks last', () => {
    const scores = new Float32Array([0.5, 0.9, 0.9, 0.1, 0.9, Number.NaN]);
    expect([...topKUnseen(scores, [2], 3)]).toEqual([1, 4, 0]);
    expect([...topKUnseen(scores, [], 10)]).toEqual([1, 2, 4, 0, 3, 5]);
    expect([...topKUnseen(new Float32Array(4), [0, 3], 10)]).toEqual([1, 2]);
  });

  it('matches a full sort by (score desc, index asc) on tie-heavy random scores', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const scores = Float32Array.from({ length: 300 }, () => Math.round(random() * 8) / 8);
      const history = Array.from({ length: 40 }, () => Math.floor(random() * 300));
      const seen = new Set(history);
      const expected = [...scores.keys()]
        .filter((i) => !seen.has(i))
        .sort((a, b) => itemAt(scores, b) - itemAt(scores, a) || a - b)
        .slice(0, 10);
      expect([...topKUnseen(scores, history, 10)]).toEqual(expected);
    }
  });
});
