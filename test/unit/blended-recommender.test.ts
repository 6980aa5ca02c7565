import { describe, expect, it } from 'vitest';
import { BlendedRecommender } from '../../src/node/eval/blended-recommender.ts';
import type { EvaluatedRecommender, TrainData, UserCase } from '../../src/node/eval/eval-types.ts';

/** A recommender with fixed scores that records its fits. */
function fixed(name: string, scores: number[]): EvaluatedRecommender & { fits: number } {
  return {
    name,
    group: 'test',
    fits: 0,
    fit() {
      this.fits++;
    },
    score: () => Float32Array.from(scores),
  };
}

const train: TrainData = { itemCount: 5, ratings: [] };

describe('blended recommender (standardised scores, fixed weights)', () => {
  it("fits every part and sums the parts' standardised scores over the rankable items", async () => {
    // Item 0 is in the history: it does not enter the mean and deviation.
    const a = fixed('a', [100, 1, 2, 3, 4]);
    const b = fixed('b', [-100, 40, 30, 20, 10]);
    const blend = new BlendedRecommender('a + b', [
      { recommender: a, weight: 1 },
      { recommender: b, weight: 2 },
    ]);
    await blend.fit(train);
    expect([a.fits, b.fits]).toEqual([1, 1]);
    const user: UserCase = { user: 1, history: [0], historyTimes: [0], targets: [4] };
    const out = await blend.score(user);
    // a over items 1–4: mean 2.5, sd √1.25; b: mean 25, sd √125 = 10·√1.25.
    const z = (v: number, mean: number, sd: number): number => (v - mean) / sd;
    const sd = Math.sqrt(1.25);
    const expected = [1, 2, 3, 4].map((i) => z([100, 1, 2, 3, 4][i]!, 2.5, sd) + 2 * z([-100, 40, 30, 20, 10][i]!, 25, 10 * sd));
    expect(Array.from(out.slice(1))).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    // The CF-like part weighs twice: the blend ranks item 1 first.
    expect(out.indexOf(Math.max(...out.slice(1)))).toBe(1);
  });

  it("standardises over the case's candidates when it has them", async () => {
    const blend = new BlendedRecommender('c', [
      { recommender: fixed('a', [0, 10, 0, 20, 0]), weight: 1 },
      { recommender: fixed('b', [0, 1, 0, 3, 0]), weight: 1 },
    ]);
    const out = await blend.score({ user: 1, history: [], historyTimes: [], targets: [3], candidates: Int32Array.from([1, 3]) });
    expect(out[1]).toBeCloseTo(-2, 5);
    expect(out[3]).toBeCloseTo(2, 5);
  });

  it('refuses a blend of one part or a non-finite weight', () => {
    expect(() => new BlendedRecommender('x', [{ recommender: fixed('a', []), weight: 1 }])).toThrow(/at least two/);
    expect(
      () =>
        new BlendedRecommender('x', [
          { recommender: fixed('a', []), weight: 1 },
          { recommender: fixed('b', []), weight: Number.NaN },
        ]),
    ).toThrow(/finite/);
  });
});
