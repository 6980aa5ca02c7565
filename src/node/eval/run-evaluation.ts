/**
 * Runs one protocol on one split for a list of recommenders: build the cases and training
 * data once, then per recommender fit on the training data, score every case, drop the
 * user's history items, rank all remaining items and average the metrics. Protocol B also
 * reports a cold-start slice: cases whose target has fewer than `coldStartThreshold` training
 * interactions, where collaborative models have little to go on and content should help.
 */
import type { EvaluatedRecommender, Rating, UserCase } from './eval-types.ts';
import { meanMetrics, rankingMetrics, type RankingMetrics } from './metrics.ts';
import { buildProtocol, type Protocol, type ProtocolData, type Split } from './protocols.ts';
import { topKUnseen } from './top-k-unseen.ts';

export interface EvaluationOptions {
  data: { itemCount: number; ratings: Rating[] };
  protocol: Protocol;
  split: Split;
  recommenders: EvaluatedRecommender[];
  /** List length (default 10). */
  k?: number;
  /** Protocol B: targets with fewer training interactions than this form the cold slice (default 5). */
  coldStartThreshold?: number;
  /** Score only the first N evaluated users (by id); training data stays the full split's. */
  limitUsers?: number;
  /** Seed of protocol A's split (default 42). */
  seed?: number;
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface EvaluationProgress {
  recommender: string;
  phase: 'fit' | 'score' | 'done';
  /** Users scored so far. */
  done: number;
  total: number;
}

export interface SliceResult {
  users: number;
  metrics: RankingMetrics;
}

export interface RecommenderResult extends SliceResult {
  name: string;
  group: string;
  /** Protocol B only: cases whose target is cold in the training data. */
  cold?: SliceResult;
  fitSeconds: number;
  scoreSeconds: number;
}

export interface EvaluationResult {
  protocol: Protocol;
  split: Split;
  k: number;
  seed: number;
  coldStartThreshold: number;
  /** Users evaluated (after --limit-users). */
  users: number;
  /** Protocol B: size of the cold slice. */
  coldUsers?: number;
  trainUsers: number;
  trainRatings: number;
  itemCount: number;
  results: RecommenderResult[];
}

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationResult> {
  const { protocol, split, recommenders, k = 10, coldStartThreshold = 5, seed = 42, onProgress } = options;
  const built = buildProtocol(options.data, { protocol, split, seed });
  const cases = options.limitUsers === undefined ? built.cases : built.cases.slice(0, options.limitUsers);
  const isCold = (c: UserCase) => protocol === 'B' && built.itemTrainCounts[c.targets[0]] < coldStartThreshold;
  const coldUsers = cases.filter(isCold).length;
  const results: RecommenderResult[] = [];
  for (const recommender of recommenders) {
    results.push(await evaluateOne(recommender, built, cases, isCold, k, onProgress));
  }
  return {
    protocol,
    split,
    k,
    seed,
    coldStartThreshold,
    users: cases.length,
    ...(protocol === 'B' ? { coldUsers } : {}),
    trainUsers: new Set(built.train.ratings.map((r) => r.user)).size,
    trainRatings: built.train.ratings.length,
    itemCount: built.train.itemCount,
    results,
  };
}

async function evaluateOne(
  recommender: EvaluatedRecommender,
  built: ProtocolData,
  cases: UserCase[],
  isCold: (c: UserCase) => boolean,
  k: number,
  onProgress: EvaluationOptions['onProgress'],
): Promise<RecommenderResult> {
  const report = (phase: EvaluationProgress['phase'], done: number) => onProgress?.({ recommender: recommender.name, phase, done, total: cases.length });
  try {
    report('fit', 0);
    const fitStart = performance.now();
    await recommender.fit(built.train);
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const all: RankingMetrics[] = [];
    const cold: RankingMetrics[] = [];
    const scoreStart = performance.now();
    for (const [index, c] of cases.entries()) {
      const scores = await recommender.score(c);
      checkScores(recommender.name, c.user, scores, built.train.itemCount);
      const metrics = rankingMetrics(topKUnseen(scores, c.history, k), c.targets, k);
      all.push(metrics);
      if (isCold(c)) cold.push(metrics);
      if ((index + 1) % 50 === 0) report('score', index + 1);
    }
    const scoreSeconds = (performance.now() - scoreStart) / 1000;
    report('done', cases.length);
    return {
      name: recommender.name,
      group: recommender.group,
      users: all.length,
      metrics: meanMetrics(all),
      ...(built.protocol === 'B' ? { cold: { users: cold.length, metrics: meanMetrics(cold) } } : {}),
      fitSeconds,
      scoreSeconds,
    };
  } finally {
    recommender.dispose?.();
  }
}

/** A wrong-length or NaN score vector is a recommender bug; silently ranking it would hide it. */
function checkScores(name: string, user: number, scores: Float32Array, itemCount: number): void {
  if (!(scores instanceof Float32Array) || scores.length !== itemCount) {
    throw new Error(`${name} returned ${scores?.length} scores for user ${user}; expected a Float32Array of ${itemCount}`);
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new Error(`${name} returned NaN for item ${i} of user ${user}`);
  }
}
