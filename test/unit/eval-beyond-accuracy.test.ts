import { describe, expect, it } from 'vitest';
import { activityThirds } from '../../src/node/eval/activity-groups.ts';
import type { UserCase } from '../../src/node/eval/eval-types.ts';
import { catalogCoverage, giniCoefficient } from '../../src/node/eval/exposure.ts';
import { categoryDistance, embeddingDistance, intraListDiversity } from '../../src/node/eval/list-diversity.ts';
import { listNovelty, selfInformation } from '../../src/node/eval/novelty.ts';
import { runStatistics } from '../../src/node/eval/run-statistics.ts';

const ALL4 = [0, 1, 2, 3];

describe('intra-list diversity', () => {
  it('by category: mean pairwise 1 − Jaccard of the genre sets', () => {
    const byGenre = categoryDistance([['Action', 'Comedy'], ['Comedy'], ['Drama'], []]);
    // d(0,1) = 1 − 1/2, d(0,2) = 1, d(1,2) = 1 → 2.5 / 3.
    expect(intraListDiversity([0, 1, 2], byGenre)).toBeCloseTo(2.5 / 3, 12);
    expect(byGenre(3, 3)).toBe(0);
    expect(intraListDiversity([1, 1], byGenre)).toBe(0);
    expect(intraListDiversity([2], byGenre)).toBeNaN();
  });

  it('by embedding: mean pairwise 1 − cosine, pairs with a missing vector left out', () => {
    const h = Math.SQRT1_2;
    const byText = embeddingDistance({ dims: 2, rows: [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(h, h), undefined] });
    // d(0,1) = 1, d(0,2) = d(1,2) = 1 − √½; pairs with item 3 are skipped.
    expect(intraListDiversity([0, 1, 2, 3], byText)).toBeCloseTo((1 + 2 * (1 - h)) / 3, 6);
    expect(intraListDiversity([0, 3], byText)).toBeNaN();
  });
});

describe('novelty', () => {
  it('is the mean of −log2 p(i), p(i) = (users(i) + 1) / (users + 1)', () => {
    const info = selfInformation([9, 0, 3], 9);
    expect(info[0]).toBeCloseTo(0, 12);
    expect(info[1]).toBeCloseTo(Math.log2(10), 12);
    expect(info[2]).toBeCloseTo(Math.log2(10 / 4), 12);
    expect(listNovelty([0, 1], info)).toBeCloseTo(Math.log2(10) / 2, 12);
    expect(listNovelty([], info)).toBeNaN();
  });
});

describe('exposure', () => {
  it('coverage: the share of the universe shown at least once', () => {
    expect(catalogCoverage([2, 0, 1, 0], ALL4)).toBe(0.5);
    expect(catalogCoverage([2, 0, 1, 0], [1, 3])).toBe(0);
    expect(() => catalogCoverage([1], [])).toThrow('empty universe');
  });

  it('Gini: 0 for equal exposure, (n − 1)/n for one item taking all, 0.25 for 1, 2, 3, 4', () => {
    expect(giniCoefficient([1, 1, 1, 1], ALL4)).toBe(0);
    expect(giniCoefficient([0, 0, 10, 0], ALL4)).toBeCloseTo(0.75, 12);
    expect(giniCoefficient([4, 1, 3, 2], ALL4)).toBeCloseTo(0.25, 12);
    expect(giniCoefficient([0, 0, 0, 0], ALL4)).toBe(0);
    // Only the universe counts: the heavy item 2 is outside it.
    expect(giniCoefficient([1, 1, 100, 1], [0, 1, 3])).toBe(0);
  });
});

describe('light and heavy users', () => {
  it('thirds by history length, ties by user order', () => {
    const g = activityThirds([5, 1, 3, 9, 7, 2]);
    expect([...g.third]).toEqual([1, 0, 1, 2, 2, 0]);
    expect(g.lightMax).toBe(2);
    expect(g.heavyMin).toBe(7);
    expect([...activityThirds([4, 4, 4, 4]).third]).toEqual([0, 1, 1, 2]);
  });
});

describe('runStatistics on a hand-computed run', () => {
  // Six users, one case each, items 0…5; histories of lengths 5, 1, 3, 9, 7, 2 (item 5 repeated: only the length matters here).
  const lengths = [5, 1, 3, 9, 7, 2];
  const targets = [0, 1, 2, 3, 4, 0];
  const cases: UserCase[] = lengths.map((n, u) => ({ user: u + 1, history: new Array(n).fill(5), historyTimes: new Array(n).fill(0), targets: [targets[u]!] }));
  // Lists of 2: hits for users 1, 2 (light: user 2), 4, 5 (heavy); misses for users 3 and 6 (light: user 6).
  const lists = [
    [0, 1],
    [1, 0],
    [0, 1],
    [3, 0],
    [4, 0],
    [1, 2],
  ];
  const content = {
    categories: [['A'], ['A', 'B'], ['C'], ['A'], ['B'], []],
    text: {
      dims: 2,
      rows: [Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(1, 0), Float32Array.of(0, 1), Float32Array.of(1, 0), Float32Array.of(0, 1)],
    },
  };
  const stats = runStatistics(cases, [{ name: 'hand', group: 'x', lists }], {
    protocol: 'B',
    k: 2,
    itemCount: 6,
    universe: Int32Array.from({ length: 6 }, (_, i) => i),
    itemTrainCounts: Int32Array.from([5, 3, 1, 0, 0, 1]),
    trainUsers: 5,
    content,
    bootstrap: { resamples: 200 },
  }).results[0]!.stats;

  it('accuracy, light / heavy thirds and the gap', () => {
    expect(stats.hr!.value).toBeCloseTo(4 / 6, 12);
    // Lightest third = users 2 (1 item) and 6 (2 items): HR 1 and 0; heaviest = users 4 (9) and 5 (7): both hit.
    expect(stats.lightAccuracy!.value).toBeCloseTo(0.5, 12);
    expect(stats.heavyAccuracy!.value).toBe(1);
    expect(stats.lightHeavyGap!.value).toBeCloseTo(0.5, 12);
    // Cold-target slice: targets 1, 2, 3, 4 have < 5 training ratings (users 2–5); users 2, 4 and 5 hit.
    expect(stats.coldHr!.value).toBeCloseTo(3 / 4, 12);
  });

  it('coverage, Gini, ILD and novelty of the pooled lists', () => {
    // Exposure: item 0 ×5, 1 ×4, 2 ×1, 3 ×1, 4 ×1, 5 ×0.
    expect(stats.coverage!.value).toBeCloseTo(5 / 6, 12);
    const x = [0, 1, 1, 1, 4, 5];
    const gini = x.reduce((s, v, i) => s + (2 * (i + 1) - 6 - 1) * v, 0) / (6 * 12);
    expect(stats.gini!.value).toBeCloseTo(gini, 12);
    // Genre distance per list: {A}{A,B} .5, {A,B}{A} .5, {A}{A,B} .5, {A}{A} 0, {B}{A} 1, {A,B}{C} 1 → mean 3.5 / 6.
    expect(stats.ildCategory!.value).toBeCloseTo(3.5 / 6, 12);
    // Text distance: orthogonal pairs 1, same vector 0: lists 1–3 orthogonal, 4 (3,0) 1, 5 (4,0) 0, 6 (1,2) 1 → 5 / 6.
    expect(stats.ildEmbedding!.value).toBeCloseTo(5 / 6, 6);
    const info = selfInformation([5, 3, 1, 0, 0, 1], 5);
    const novelty = lists.reduce((s, l) => s + (info[l[0]!]! + info[l[1]!]!) / 2, 0) / 6;
    expect(stats.novelty!.value).toBeCloseTo(novelty, 12);
    for (const e of Object.values(stats)) expect(e!.low).toBeLessThanOrEqual(e!.high);
  });
});
