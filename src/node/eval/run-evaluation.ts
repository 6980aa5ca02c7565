/**
 * Runs one protocol on one split for a list of recommenders: build the cases and training
 * data once, then per recommender fit on the training data, score every case, keep the
 * case's candidates minus its history and take the top k (or the recommender's own MMR list
 * at its diversity setting), then summarise every row with bootstrap intervals
 * (run-statistics.ts). Lists from elsewhere (the product path's batch recommend output) join
 * as extra rows on the same cases. For one recommender with a diversity hook, the
 * accuracy–diversity curve re-ranks the same scores at each MMR λ.
 */
import type { BootstrapOptions } from './bootstrap.ts';
import { mmrPoolSize, rankCase } from './case-ranking.ts';
import type { EvaluatedRecommender, ItemContent, Rating, UserCase } from './eval-types.ts';
import { buildProtocol, type Protocol, type ProtocolData, type Split } from './protocols.ts';
import { runStatistics, type PairedComparison, type RowLists, type RowSummary } from './run-statistics.ts';

export interface EvaluationOptions {
  data: { itemCount: number; ratings: Rating[] };
  protocol: Protocol;
  split: Split;
  recommenders: EvaluatedRecommender[];
  /** Content of every item: handed to the recommenders with the training data, and used for intra-list diversity. */
  content?: ItemContent;
  /** List length (default 10). */
  k?: number;
  /** Protocol B: targets with fewer training interactions than this form the cold slice (default 5). */
  coldStartThreshold?: number;
  /** Evaluate only the first N evaluated users (by id), all their cases; training data stays the full split's. */
  limitUsers?: number;
  /** Seed of protocol A's split and of C-random's new items (default 42). */
  seed?: number;
  /** Protocol B on dev: evaluated steps per user (default 3). */
  steps?: number;
  /** Protocol C: share of new items (default 0.2). */
  coldShare?: number;
  bootstrap?: BootstrapOptions;
  /** Extra pairs [a, b] to compare (a − b, paired). */
  compare?: ReadonlyArray<readonly [string, string]>;
  /** Rows whose lists come from elsewhere, aligned to the cases by `read`. */
  externalRows?: ReadonlyArray<(cases: readonly UserCase[], k: number) => RowLists>;
  /** The accuracy–diversity curve: this recommender's MMR at each λ. */
  curve?: { recommender: string; lambdas: readonly number[] };
  onProgress?: (progress: EvaluationProgress) => void;
}

export interface EvaluationProgress {
  recommender: string;
  phase: 'fit' | 'score' | 'done';
  /** Cases scored so far. */
  done: number;
  total: number;
}

export interface CurveResult {
  recommender: string;
  /** One row per λ, named `λ=…`, in the order asked. */
  results: RowSummary[];
  /** Each λ < 1 against λ = 1 (when asked for), paired. */
  comparisons: PairedComparison[];
}

export interface EvaluationResult {
  protocol: Protocol;
  split: Split;
  k: number;
  seed: number;
  coldStartThreshold: number;
  /** Protocol B: evaluated steps per user. */
  steps?: number;
  /** Protocol C: how many items are new. */
  coldItems?: number;
  /** Users evaluated (after --limit-users): the bootstrap's unit. */
  users: number;
  cases: number;
  /** Protocol B: cases whose target has < coldStartThreshold training interactions. */
  coldCases?: number;
  /** History length at the light / heavy thirds' cuts. */
  activity: { lightMax: number; heavyMin: number };
  trainUsers: number;
  trainRatings: number;
  itemCount: number;
  bootstrap: { resamples: number; seed: number; level: number };
  results: RowSummary[];
  comparisons: PairedComparison[];
  curve?: CurveResult;
}

export async function runEvaluation(options: EvaluationOptions): Promise<EvaluationResult> {
  const { protocol, split, recommenders, k = 10, coldStartThreshold = 5, seed = 42, onProgress } = options;
  const built = buildProtocol(options.data, { protocol, split, seed, steps: options.steps, coldShare: options.coldShare });
  const cases = limitCases(built.cases, options.limitUsers);
  if (cases.length === 0) throw new Error(`protocol ${protocol} on ${split} has no case to evaluate`);
  const train = { ...built.train, ...(options.content ? { content: options.content } : {}) };
  const rows: RowLists[] = [];
  let curveRows: RowLists[] | undefined;
  for (const recommender of recommenders) {
    const curve = options.curve?.recommender.toLowerCase() === recommender.name.toLowerCase() ? options.curve.lambdas : undefined;
    if (curve && !recommender.diversify) throw new Error(`--curve: ${recommender.name} has no diversity (MMR) to sweep`);
    const scored = await listsOf(recommender, built, train, cases, k, curve, onProgress);
    rows.push(scored.row);
    if (scored.curve) curveRows = scored.curve;
  }
  if (options.curve && !curveRows) throw new Error(`--curve: no recommender named ${options.curve.recommender} in this run`);
  for (const read of options.externalRows ?? []) rows.push(read(cases, k));
  const trainUsers = new Set(built.train.ratings.map((r) => r.user)).size;
  const context = {
    protocol,
    k,
    itemCount: built.train.itemCount,
    universe: built.coldItems ?? Int32Array.from({ length: built.train.itemCount }, (_, i) => i),
    itemTrainCounts: built.itemTrainCounts,
    trainUsers,
    content: options.content,
    coldStartThreshold,
    bootstrap: options.bootstrap,
  };
  const stats = runStatistics(cases, rows, context, options.compare);
  let curve: CurveResult | undefined;
  if (options.curve && curveRows) {
    const top = curveRows.find((r) => r.name === 'λ=1');
    const pairs = top ? curveRows.filter((r) => r !== top).map((r) => [r.name, top.name] as const) : [];
    const curveStats = runStatistics(cases, curveRows, context, pairs);
    curve = { recommender: options.curve.recommender, results: curveStats.results, comparisons: curveStats.comparisons };
  }
  return {
    protocol,
    split,
    k,
    seed,
    coldStartThreshold,
    ...(built.steps !== undefined ? { steps: built.steps } : {}),
    ...(built.coldItems ? { coldItems: built.coldItems.length } : {}),
    users: stats.users,
    cases: stats.cases,
    ...(stats.coldCases !== undefined ? { coldCases: stats.coldCases } : {}),
    activity: stats.activity,
    trainUsers,
    trainRatings: built.train.ratings.length,
    itemCount: built.train.itemCount,
    bootstrap: { resamples: options.bootstrap?.resamples ?? 1000, seed: options.bootstrap?.seed ?? 42, level: options.bootstrap?.level ?? 0.95 },
    results: stats.results,
    comparisons: stats.comparisons,
    ...(curve ? { curve } : {}),
  };
}

/** The cases of the first `limit` users (a user's cases stay together). */
function limitCases(cases: UserCase[], limit: number | undefined): UserCase[] {
  if (limit === undefined) return cases;
  const users = new Set<number>();
  return cases.filter((c) => {
    if (!users.has(c.user)) {
      if (users.size >= limit) return false;
      users.add(c.user);
    }
    return true;
  });
}

export const lambdaRowName = (lambda: number): string => `λ=${lambda}`;

async function listsOf(
  recommender: EvaluatedRecommender,
  built: ProtocolData,
  train: ProtocolData['train'],
  cases: UserCase[],
  k: number,
  curve: readonly number[] | undefined,
  onProgress: EvaluationOptions['onProgress'],
): Promise<{ row: RowLists; curve?: RowLists[] }> {
  const report = (phase: EvaluationProgress['phase'], done: number) => onProgress?.({ recommender: recommender.name, phase, done, total: cases.length });
  try {
    report('fit', 0);
    const fitStart = performance.now();
    await recommender.fit(train);
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const lists: Int32Array[] = [];
    const curveLists = (curve ?? []).map(() => [] as number[][]);
    const scoreStart = performance.now();
    for (const [index, c] of cases.entries()) {
      const scores = await recommender.score(c);
      checkScores(recommender.name, c.user, scores, built.train.itemCount);
      const lambda = recommender.diversityLambda;
      const pool = lambda !== undefined || curve ? rankCase(scores, c, mmrPoolSize(k)) : undefined;
      lists.push(lambda !== undefined && recommender.diversify ? Int32Array.from(recommender.diversify(pool!, scores, k, lambda)) : rankCase(scores, c, k));
      curve?.forEach((l, i) => curveLists[i]!.push(recommender.diversify!(pool!, scores, k, l)));
      if ((index + 1) % 50 === 0) report('score', index + 1);
    }
    const scoreSeconds = (performance.now() - scoreStart) / 1000;
    report('done', cases.length);
    return {
      row: { name: recommender.name, group: recommender.group, lists, fitSeconds, scoreSeconds },
      ...(curve ? { curve: curve.map((l, i) => ({ name: lambdaRowName(l), group: 'curve', lists: curveLists[i]! })) } : {}),
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
