import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { estimate, pairedDifference, percentileInterval, ratioStatistic, resampleWeights } from '../../src/node/eval/bootstrap.ts';
import type { UserCase } from '../../src/node/eval/eval-types.ts';
import { runStatistics, STAT_NAMES } from '../../src/node/eval/run-statistics.ts';
import { itemAt } from '../../src/shared/item-at.ts';

describe('bootstrap over users', () => {
  it('resamples users with replacement, seeded: each resample draws as many users as there are', () => {
    const w = resampleWeights(30, { resamples: 200, seed: 3 });
    expect(w.length).toBe(200);
    for (const r of w) expect(r.reduce((s, x) => s + x, 0)).toBe(30);
    expect(resampleWeights(30, { resamples: 200, seed: 3 })).toEqual(w);
    expect(resampleWeights(30, { resamples: 200, seed: 4 })).not.toEqual(w);
    // About 1 − 1/e ≈ 63 % distinct users per resample.
    const distinct = w.reduce((s, r) => s + r.filter((x) => x > 0).length, 0) / (200 * 30);
    expect(distinct).toBeGreaterThan(0.58);
    expect(distinct).toBeLessThan(0.68);
    expect(() => resampleWeights(30, { resamples: 50 })).toThrow('resamples must be a whole number ≥ 100');
  });

  it('percentile interval: linear interpolation between order statistics, NaN ignored', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    const i95 = percentileInterval(values);
    expect(i95.low).toBeCloseTo(2.5, 12);
    expect(i95.high).toBeCloseTo(97.5, 12);
    const i90 = percentileInterval([...values, Number.NaN], 0.9);
    expect(i90.low).toBeCloseTo(5, 12);
    expect(i90.high).toBeCloseTo(95, 12);
    expect(percentileInterval([Number.NaN])).toEqual({ low: Number.NaN, high: Number.NaN });
  });

  it("a ratio statistic is the mean over the drawn users' cases (a user drawn twice counts twice)", () => {
    // User 0: two cases summing to 1; user 1: one case of 1; user 2: one case of 0.
    const stat = ratioStatistic(Float64Array.from([1, 1, 0]), Float64Array.from([2, 1, 1]));
    expect(stat(Float64Array.from([1, 1, 1]))).toBeCloseTo(2 / 4, 12);
    expect(stat(Float64Array.from([2, 0, 1]))).toBeCloseTo(2 / 5, 12);
    expect(stat(Float64Array.from([0, 0, 0]))).toBeNaN();
  });

  it('identical rows give a paired interval of exactly [0, 0]', () => {
    const random = mulberry32(9);
    const cases: UserCase[] = Array.from({ length: 120 }, (_, i) => ({
      user: Math.floor(i / 3),
      history: [0, 1, 2].slice(0, 1 + (i % 3)),
      historyTimes: [1, 2, 3].slice(0, 1 + (i % 3)),
      targets: [3 + Math.floor(random() * 30)],
    }));
    const lists = cases.map(() => Array.from({ length: 10 }, () => 3 + Math.floor(random() * 30)).filter((x, i, a) => a.indexOf(x) === i));
    const context = {
      protocol: 'B' as const,
      k: 10,
      itemCount: 40,
      universe: Int32Array.from({ length: 40 }, (_, i) => i),
      itemTrainCounts: new Int32Array(40).fill(3),
      trainUsers: 40,
      bootstrap: { resamples: 200 },
    };
    const stats = runStatistics(
      cases,
      [
        { name: 'a', group: 'x', lists },
        { name: 'b', group: 'y', lists: lists.map((l) => l.slice()) },
      ],
      context,
      [['a', 'b']],
    );
    expect(stats.users).toBe(40);
    expect(stats.cases).toBe(120);
    const diff = stats.comparisons.find((c) => c.a === 'a' && c.b === 'b')!;
    const names = Object.keys(diff.stats);
    expect(names).toEqual(expect.arrayContaining(['hr', 'ndcg', 'coverage', 'gini', 'novelty', 'lightHeavyGap']));
    for (const name of names) expect(diff.stats[name as (typeof STAT_NAMES)[number]]).toEqual({ value: 0, low: 0, high: 0 });
    expect(stats.results[0]!.stats.hr).toEqual(stats.results[1]!.stats.hr);
  });

  it('on synthetic users with a known mean, the 95 % interval covers it about 95 % of the time', () => {
    // 150 datasets of 200 users; each user has 1–3 cases, each a hit with probability 0.3, so the mean is 0.3.
    const random = mulberry32(17);
    let covered = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const users = 200;
      const num = new Float64Array(users);
      const den = new Float64Array(users);
      for (let u = 0; u < users; u++) {
        den[u] = 1 + Math.floor(random() * 3);
        for (let c = 0; c < den[u]!; c++) num[u] = itemAt(num, u) + (random() < 0.3 ? 1 : 0);
      }
      const weights = resampleWeights(users, { resamples: 400, seed: 1000 + t });
      const { estimate: e } = estimate(ratioStatistic(num, den), users, weights);
      expect(e.low).toBeLessThanOrEqual(e.value);
      expect(e.high).toBeGreaterThanOrEqual(e.value);
      if (e.low <= 0.3 && 0.3 <= e.high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(0.99);
  });

  it('paired differences use the same resamples; the set-level bias shift recentres an interval on its value', () => {
    const users = 100;
    const weights = resampleWeights(users, { resamples: 300, seed: 5 });
    const a = estimate(ratioStatistic(new Float64Array(users).fill(1), new Float64Array(users).fill(2)), users, weights);
    const b = estimate(
      ratioStatistic(
        Float64Array.from({ length: users }, (_, u) => u % 2),
        new Float64Array(users).fill(2),
      ),
      users,
      weights,
    );
    const d = pairedDifference({ value: a.estimate.value, replicates: a.replicates }, { value: b.estimate.value, replicates: b.replicates });
    expect(d.value).toBeCloseTo(0.25, 12);
    expect(d.low).toBeGreaterThan(0);
    // The share of users drawn at least once is biased low (≈ 0.63 of the value 1): shifted, the interval holds 1.
    const share = (w: Float64Array) => w.filter((x) => x > 0).length / users;
    const plain = estimate(share, users, weights);
    expect(plain.estimate.high).toBeLessThan(1);
    const shifted = estimate(share, users, weights, { biasShift: true });
    expect(shifted.estimate.low).toBeLessThanOrEqual(1);
    expect(shifted.estimate.high).toBeGreaterThanOrEqual(1);
    expect(shifted.estimate.high - shifted.estimate.low).toBeCloseTo(plain.estimate.high - plain.estimate.low, 12);
    // Clipped to the statistic's range (a share cannot exceed 1).
    expect(shifted.estimate.high).toBeGreaterThan(1);
    const clipped = estimate(share, users, weights, { biasShift: true, range: [0, 1] });
    expect(clipped.estimate.high).toBe(1);
    expect(clipped.estimate.low).toBe(shifted.estimate.low);
    expect(() => pairedDifference({ value: 0, replicates: new Float64Array(3) }, { value: 0, replicates: new Float64Array(4) })).toThrow('same resamples');
  });
});
