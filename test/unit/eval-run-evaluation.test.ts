import { describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../src/node/eval/eval-args.ts';
import { evaluationChartSvg } from '../../src/node/eval/eval-chart-svg.ts';
import { formatEvaluationTable } from '../../src/node/eval/eval-report.ts';
import type { EvaluatedRecommender, Rating, TrainData } from '../../src/node/eval/eval-types.ts';
import { mmrCurveSvg } from '../../src/node/eval/mmr-curve-svg.ts';
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
  it('ranks unseen items only and averages the metrics with intervals; the cold slice reads training counts', async () => {
    const fixed = new FixedOrder();
    const result = await runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [fixed], k: 2, coldStartThreshold: 1 });
    // Unseen top 2 — user 1: [2, 3] hit at rank 1; user 2: [2, 3] hit at rank 2;
    // user 3: [2, 3] miss; user 4: [1, 3] hit at rank 1.
    const d2 = 1 / Math.log2(3);
    expect(result.users).toBe(4);
    expect(result.cases).toBe(4);
    const stats = result.results[0]!.stats;
    expect(stats.hr!.value).toBeCloseTo(3 / 4, 12);
    expect(stats.ndcg!.value).toBeCloseTo((2 + d2) / 4, 12);
    expect(stats.hr!.low).toBeLessThanOrEqual(0.75);
    expect(stats.hr!.high).toBe(1);
    // Training counts: item 2 has one (user 4's history), items 3 and 4 none → users 2 and 3 are cold.
    expect(result.coldCases).toBe(2);
    expect(stats.coldHr!.value).toBeCloseTo(1 / 2, 12);
    expect(stats.coldNdcg!.value).toBeCloseTo(d2 / 2, 12);
    expect(fixed.train?.ratings.length).toBe(DATA.ratings.length - 4);
    expect(fixed.disposed).toBe(true);
    expect(result.trainUsers).toBe(4);
    expect(result.bootstrap).toEqual({ resamples: 1000, seed: 42, level: 0.95 });
  });

  it('protocol C ranks only the new items and hands the content to the recommender', async () => {
    const fixed = new FixedOrder();
    const content = { text: { dims: 1, rows: [] }, image: { dims: 1, rows: [] }, categories: [] };
    const result = await runEvaluation({ data: DATA, protocol: 'C-random', split: 'all', recommenders: [fixed], content, k: 1, coldShare: 0.34, seed: 3 });
    expect(fixed.train?.content).toBe(content);
    expect(result.coldItems).toBe(2);
    expect(result.results[0]!.stats.cappedRecall).toBeDefined();
    expect(result.results[0]!.stats.novelty).toBeUndefined();
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

  it('reports tables with intervals, paired differences and an SVG chart with error bars per protocol', async () => {
    const other: EvaluatedRecommender = { name: 'reversed', group: 'hybrid', fit() {}, score: () => new Float32Array([5, 6, 7, 8, 9, 10]) };
    const b = await runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [new FixedOrder(), other], compare: [['fixed', 'reversed']] });
    const a = await runEvaluation({ data: DATA, protocol: 'A', split: 'all', recommenders: [new FixedOrder()] });
    const tableB = formatEvaluationTable(b).split('\n');
    expect(tableB[1]).toMatch(/^recommender\s+group\s+HR@10\s+NDCG@10\s+cold-target HR@10\s+fit s/);
    const hr = b.results[0]!.stats.hr!;
    expect(tableB[3]).toContain(`${hr.value.toFixed(3)} [${hr.low.toFixed(3)}, ${hr.high.toFixed(3)}]`);
    expect(formatEvaluationTable(b)).toMatch(/coverage@10\s+Gini\s+ILD genre\s+ILD text\s+novelty \(bits\)/);
    // No baseline group here: only the asked pair is compared.
    expect(b.comparisons.map((c) => [c.a, c.b, c.reasons])).toEqual([['fixed', 'reversed', ['asked']]]);
    expect(formatEvaluationTable(b)).toContain('Paired differences a − b');
    expect(formatEvaluationTable(a).split('\n')[1]).toMatch(/P@10\s+R@10\s+NDCG@10\s+fit s/);
    const svg = evaluationChartSvg({ dataset: 'MovieLens-100k (posters and plots)', createdAt: '', dataDir: '', split: 'all', runs: [b, a] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('protocol B (leave-last-out, ties by hash), split all');
    expect(svg).toContain('protocol A (random 75/25 per user), split all');
    expect(svg.match(/<rect [^>]*><title>/g)?.length).toBe(2 * 2 + 3);
    // One error bar per bar.
    expect(svg.match(/<path d="M[^"]*V[^"]*h/g)?.length).toBe(2 * 2 + 3);
  });

  it('each engine row is compared with the best baseline and with CF only', async () => {
    const constant = (name: string, group: string, scores: number[]): EvaluatedRecommender => ({
      name,
      group,
      fit() {},
      score: () => Float32Array.from(scores),
    });
    const result = await runEvaluation({
      data: DATA,
      protocol: 'B',
      split: 'all',
      recommenders: [
        constant('weak', 'baseline', [0, 0, 0, 0, 0, 1]),
        constant('strong', 'baseline', [10, 9, 8, 7, 6, 5]),
        constant('CF only', 'collaborative', [1, 2, 3, 4, 5, 6]),
        constant('mine', 'hybrid', [6, 5, 4, 3, 2, 1]),
      ],
      k: 1,
      bootstrap: { resamples: 100 },
    });
    expect(result.comparisons.map((c) => `${c.a} − ${c.b}: ${c.reasons.join(', ')}`)).toEqual([
      'CF only − strong: vs best baseline',
      'mine − strong: vs best baseline',
      'mine − CF only: vs CF only',
    ]);
    // "mine" and "strong" rank identically: exactly [0, 0].
    expect(result.comparisons[1]!.stats.hr).toEqual({ value: 0, low: 0, high: 0 });
    await expect(
      runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [constant('x', 'baseline', [1, 2, 3, 4, 5, 6])], compare: [['x', 'nope']] }),
    ).rejects.toThrow('no row named nope');
  });

  it('sweeps the MMR λ of a recommender with a diversity hook into a curve, each λ against λ = 1', async () => {
    const diverse: EvaluatedRecommender = {
      name: 'diverse',
      group: 'hybrid',
      fit() {},
      score: () => new Float32Array([10, 9, 8, 7, 6, 5]),
      // Stand-in MMR: λ = 1 keeps the pool's order, lower λ reverses it.
      diversify: (pool, _scores, k, lambda) => (lambda === 1 ? [...pool] : [...pool].reverse()).slice(0, k),
    };
    const content = {
      text: { dims: 2, rows: [0, 1, 2, 3, 4, 5].map((i) => Float32Array.of(Math.cos(i), Math.sin(i))) },
      image: { dims: 1, rows: [] },
      categories: [['a'], ['b'], ['a'], ['b'], ['a'], ['c']],
    };
    const result = await runEvaluation({
      data: DATA,
      protocol: 'B',
      split: 'all',
      recommenders: [diverse],
      content,
      k: 2,
      curve: { recommender: 'diverse', lambdas: [1, 0.5] },
    });
    expect(result.curve!.results.map((r) => r.name)).toEqual(['λ=1', 'λ=0.5']);
    expect(result.curve!.results[0]!.stats.hr).toEqual(result.results[0]!.stats.hr);
    expect(result.curve!.comparisons.map((c) => [c.a, c.b])).toEqual([['λ=0.5', 'λ=1']]);
    expect(formatEvaluationTable(result)).toContain('Accuracy–diversity curve: diverse');
    const svg = mmrCurveSvg(result);
    expect(svg.match(/<circle /g)?.length).toBe(2 * 2);
    await expect(
      runEvaluation({ data: DATA, protocol: 'B', split: 'all', recommenders: [new FixedOrder()], curve: { recommender: 'fixed', lambdas: [1] } }),
    ).rejects.toThrow('has no diversity');
  });
});

describe('parseEvalArgs', () => {
  it('defaults to the git-ignored eval-results/ and refuses public/ and dist/', () => {
    const args = parseEvalArgs(['--protocol', 'both', '--split', 'all'], '/repo');
    expect(args.out).toBe('/repo/eval-results/ml100k-all-B-A.json');
    expect(args.protocols).toEqual(['B', 'A']);
    expect(args).toMatchObject({
      steps: 3,
      coldShare: 0.2,
      resamples: 1000,
      bootstrapSeed: 42,
      compare: [],
      lists: [],
      curve: 'Hybrid late',
      curveNamed: false,
    });
    expect(parseEvalArgs(['--protocol', 'B,C'], '/repo').protocols).toEqual(['B', 'C-random', 'C-newest']);
    const more = parseEvalArgs(
      ['--compare', 'a:b', '--compare=c d:e', '--lists', 'product=out/x.jsonl', '--only', 'none', '--curve', 'none', '--lambdas', '1,0.5'],
      '/repo',
    );
    expect(more.compare).toEqual([
      ['a', 'b'],
      ['c d', 'e'],
    ]);
    expect(more.lists[0]).toMatchObject({ name: 'product' });
    expect(more.only).toEqual([]);
    expect(more.curve).toBeUndefined();
    expect(more.lambdas).toEqual([1, 0.5]);
    expect(() => parseEvalArgs(['--compare', 'ab'], '/repo')).toThrow('--compare needs "A:B"');
    expect(() => parseEvalArgs(['--lists', 'x.jsonl'], '/repo')).toThrow('--lists needs "NAME=FILE.jsonl"');
    expect(() => parseEvalArgs(['--protocol', 'D'], '/repo')).toThrow('--protocol must be');
    expect(() => parseEvalArgs(['--resamples', '10'], '/repo')).toThrow('--resamples must be an integer ≥ 100');
    expect(() => parseEvalArgs(['--lambdas', '1.5'], '/repo')).toThrow('each λ must be in [0, 1]');
    expect(parseEvalArgs(['--learned-epochs', '6'], '/repo').learnedEpochs).toBe(6);
    expect(parseEvalArgs([], '/repo').learnedEpochs).toBeUndefined();
    expect(() => parseEvalArgs(['--learned-epochs', '0'], '/repo')).toThrow('--learned-epochs must be an integer ≥ 1');
    expect(() => parseEvalArgs(['--split', 'dev', '--split', 'test'], '/repo')).toThrow('--split given twice');
    expect(parseEvalArgs(['--only', 'ease, item-knn', '--limit-users=50'], '/repo')).toMatchObject({
      only: ['ease', 'item-knn'],
      limitUsers: 50,
      split: 'dev',
    });
    expect(() => parseEvalArgs(['--out', '/repo/public/x/results.json'], '/repo')).toThrow('public/ is shipped');
    expect(() => parseEvalArgs(['--out', '/repo/dist/results.json'], '/repo')).toThrow('dist/ is shipped');
    expect(parseEvalArgs(['--out', '/repo/publications/r.json'], '/repo').out).toBe('/repo/publications/r.json');
    expect(() => parseEvalArgs(['--split', 'train'], '/repo')).toThrow('--split must be dev, test or all');
    expect(() => parseEvalArgs(['--limit-users', '0'], '/repo')).toThrow('--limit-users must be an integer');
    expect(() => parseEvalArgs(['--bogus'], '/repo')).toThrow('unknown option --bogus');
  });
});
