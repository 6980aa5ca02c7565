/**
 * The harness's adapter replay row (adapter-replay-recommender.ts) on a tiny seeded fit of the
 * learned model: it replays each user's events in time order, only what precedes a case,
 * deterministically, and leaves no tensor behind. Numeric fixture, not data: 24 items with
 * seeded 8-d "text" vectors around 4 category directions; users walk inside a category.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdapterReplayRecommender } from '../../src/node/eval/adapter-replay-recommender.ts';
import type { ItemContent, Rating, TrainData, UserCase } from '../../src/node/eval/eval-types.ts';
import { LearnedModelRecommender } from '../../src/node/eval/learned-model-recommender.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';

const ITEMS = 24;
const random = mulberry32(11);
const content: ItemContent = {
  text: {
    dims: 8,
    rows: Array.from({ length: ITEMS }, (_, i) => {
      const v = Float32Array.from({ length: 8 }, (_, j) => (j === i % 4 ? 1 : 0) + (random() - 0.5) * 0.3);
      const n = Math.hypot(...v);
      return v.map((x) => x / n);
    }),
  },
  image: { dims: 1, rows: Array.from({ length: ITEMS }, () => undefined) },
  categories: Array.from({ length: ITEMS }, (_, i) => [`c${i % 4}`]),
};
/** User u walks category u % 4: items u%4, u%4 + 4, … in a seeded order. */
const walks = Array.from({ length: 16 }, (_, u) => {
  const items = Array.from({ length: 6 }, (_, k) => (u % 4) + 4 * k);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
});
const train: TrainData = {
  itemCount: ITEMS,
  ratings: walks.flatMap((items, user) => items.slice(0, 4).map((item, t): Rating => ({ user, item, rating: 5, time: t }))),
  content,
};
/** Protocol B's shape: each user's last two steps, oldest first. */
const cases: UserCase[] = walks.flatMap((items, user) =>
  [4, 5].map((t) => ({ user, history: items.slice(0, t), historyTimes: items.slice(0, t).map((_, i) => i), targets: [items[t]!] })),
);
const base = () =>
  new LearnedModelRecommender({ seed: 3, config: { dims: 8, maxLength: 8 }, training: { epochs: 2, timeBudgetMs: Number.POSITIVE_INFINITY }, log: () => {} });

describe('adapter replay row', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  it('replays only what precedes each case, deterministically and without tensor leaks', async () => {
    const plain = base();
    await plain.fit(train);
    const plainScores = cases.map((c) => plain.score(c));
    plain.dispose();

    const run = async (window: number | undefined) => {
      const row = new AdapterReplayRecommender(base(), { ...(window !== undefined ? { window } : {}), learningRate: 0.5 });
      await row.fit(train);
      const before = tf.memory().numTensors;
      const scores = cases.map((c) => row.score(c));
      expect(tf.memory().numTensors).toBe(before);
      const steps = row.steps;
      row.dispose();
      return { scores, steps };
    };
    const a = await run(undefined);
    const b = await run(undefined);
    expect(a.scores.map((s) => [...s])).toEqual(b.scores.map((s) => [...s]));
    expect(a.scores.every((s) => s.length === ITEMS && s.every(Number.isFinite))).toBe(true);
    // Whole history: positions 1…3 before a user's first case, then the revealed step.
    expect(a.steps).toBe(16 * 4);
    expect(a.scores.some((s, i) => [...s].some((v, j) => Math.abs(v - plainScores[i]![j]!) > 1e-4))).toBe(true);

    // Window 0: nothing to learn before a user's first case, so it scores exactly as the plain
    // model; the second case has learned from the first case's target alone.
    const none = await run(0);
    expect(none.steps).toBe(16);
    cases.forEach((c, i) => {
      if (c.history.length === 4) [...none.scores[i]!].forEach((v, j) => expect(v).toBeCloseTo(plainScores[i]![j]!, 5));
    });
  }, 120_000);

  it('refuses cases out of time order', async () => {
    const row = new AdapterReplayRecommender(base());
    await row.fit(train);
    row.score(cases[1]!);
    expect(() => row.score(cases[0]!)).toThrow(/time order/);
    row.dispose();
  }, 120_000);
});
