import { describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../src/node/eval/eval-args.ts';
import { evaluationChartSvg } from '../../src/node/eval/eval-chart-svg.ts';
import { formatEvaluationTable } from '../../src/node/eval/eval-report.ts';
import type { EvaluatedRecommender, Rating, TrainData } from '../../src/node/eval/eval-types.ts';
import { runEvaluation } from '../../src/node/eval/run-evaluation.ts';

// Made-up log, items 0…5. Leave-last-out targets: user 1 → 2, 2 → 3, 3 → 4, 4 → 1.
const r = (user: number, item: number, time: number): Rating => ({ user, item, rating: 1, time });
const DATA = {
  itemCount: 6,
  ratings: [r(1, 0, 1), r(1, 1, 2), r(1, 2, 3), r(2, 0, 1), r(2, 1, 2), r(2, 3, 3), r(3, 1, 1), r(3, 0, 2), r(3, 4, 3), r(4, 2, 1), r(4, 0, 2), r(4, 1, 3)],
};

/** Prefers lower item indices; remembers what it was trained on. */
class FixedOrder implements EvaluatedRecommender {
  readonly name = 'fixed';
  readonly group = 'test';
  train?: TrainData;
  disposed = false;
  fit(train: TrainData) {
    this.train = train;
  }
  score() {
    return new Float32Array([10, 9, 8, 7, 6, 5]);
  }
  dispose() {
    this.disposed = true;
  }
}

describe('runEvaluation', () => {
  it('ranks unseen items only and averages the metrics; the cold slice reads training counts', async () => {
    const fixed = new FixedOrder();
    const result = await runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [fixed], k: 2, coldStartThreshold: 1 });
    // Unseen top 2 — user 1: [2, 3] hit at rank 1; user 2: [2, 3] hit at rank 2;
    // user 3: [2, 3] miss; user 4: [1, 3] hit at rank 1.
    const d2 = 1 / Math.log2(3);
    expect(result.users).toBe(4);
    expect(result.results[0].metrics.hr).toBeCloseTo(3 / 4, 12);
    expect(result.results[0].metrics.ndcg).toBeCloseTo((2 + d2) / 4, 12);
    // Training counts: item 2 has one (user 4's history), items 3 and 4 none → users 2 and 3 are cold.
    expect(result.coldUsers).toBe(2);
    expect(result.results[0].cold?.users).toBe(2);
    expect(result.results[0].cold?.metrics.hr).toBeCloseTo(1 / 2, 12);
    expect(result.results[0].cold?.metrics.ndcg).toBeCloseTo(d2 / 2, 12);
    expect(fixed.train?.ratings.length).toBe(DATA.ratings.length - 4);
    expect(fixed.disposed).toBe(true);
    expect(result.trainUsers).toBe(4);
  });

  it('limits users without changing the training data, and rejects bad score vectors', async () => {
    const fixed = new FixedOrder();
    const limited = await runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [fixed], limitUsers: 2 });
    expect(limited.users).toBe(2);
    expect(limited.trainRatings).toBe(DATA.ratings.length - 4);
    const short: EvaluatedRecommender = { name: 'short', group: 'test', fit() {}, score: () => new Float32Array(3) };
    await expect(runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [short] })).rejects.toThrow('short returned 3 scores for user 1');
    const nan: EvaluatedRecommender = { name: 'nan', group: 'test', fit() {}, score: () => new Float32Array(6).fill(Number.NaN) };
    await expect(runEvaluation({ data: DATA, protocol: 'A', split: 'all', recommenders: [nan] })).rejects.toThrow('nan returned NaN for item 0');
  });

  it('reports a table and an SVG chart per protocol', async () => {
    const b = await runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [new FixedOrder()] });
    const a = await runEvaluation({ data: DATA, protocol: 'A', split: 'all', recommenders: [new FixedOrder()] });
    const tableB = formatEvaluationTable(b).split('\n');
    expect(tableB[1]).toMatch(/^recommender\s+group\s+HR@10\s+NDCG@10\s+cold HR@10\s+cold NDCG@10\s+users/);
    expect(tableB[3]).toContain(b.results[0].metrics.hr.toFixed(4));
    expect(formatEvaluationTable(a).split('\n')[1]).toMatch(/P@10\s+R@10\s+NDCG@10\s+users/);
    const svg = evaluationChartSvg({ dataset: 'MovieLens-100k (posters and plots)', createdAt: '', dataDir: '', split: 'all', runs: [b, a] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('protocol B (leave-last-out), split all');
    expect(svg).toContain('protocol A (random 75/25 per user), split all');
    expect(svg.match(/<rect [^>]*><title>/g)?.length).toBe(4 + 3);
  });
});

describe('parseEvalArgs', () => {
  it('defaults to the git-ignored eval-results/ and refuses public/ and dist/', () => {
    const args = parseEvalArgs(['--protocol', 'both', '--split', 'all'], '/repo');
    expect(args.out).toBe('/repo/eval-results/ml100k-all-both.json');
    expect(args.protocols).toEqual(['B', 'A']);
    expect(parseEvalArgs(['--only', 'ease, item-knn', '--limit-users=50'], '/repo')).toMatchObject({ only: ['ease', 'item-knn'], limitUsers: 50, split: 'dev' });
    expect(() => parseEvalArgs(['--out', '/repo/public/x/results.json'], '/repo')).toThrow('public/ is shipped');
    expect(() => parseEvalArgs(['--out', '/repo/dist/results.json'], '/repo')).toThrow('dist/ is shipped');
    expect(parseEvalArgs(['--out', '/repo/publications/r.json'], '/repo').out).toBe('/repo/publications/r.json');
    expect(() => parseEvalArgs(['--split', 'train'], '/repo')).toThrow('--split must be dev, test or all');
    expect(() => parseEvalArgs(['--limit-users', '0'], '/repo')).toThrow('--limit-users must be an integer');
    expect(() => parseEvalArgs(['--bogus'], '/repo')).toThrow('unknown argument --bogus');
  });
});
