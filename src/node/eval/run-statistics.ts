/**
 * From ranked lists to reported numbers: every row's accuracy and beyond-accuracy statistics
 * with 95 % bootstrap intervals over users, and paired intervals of the differences that
 * matter. In-process recommenders and lists read from a file (the product path) go through
 * exactly this code, so their numbers are comparable.
 *
 * Per case (one ranked list): HR, NDCG, precision, recall, capped recall, intra-list
 * diversity (category, embedding), novelty. Per row, over users: their means over cases
 * (a user with several cases weighs by their number of cases), the accuracy of the
 * lightest and heaviest third of users and the gap, and the set-level catalog coverage and
 * Gini of exposure of the pooled lists. Every statistic is a function of the bootstrap's user
 * weights, so one set of resamples gives every interval and every paired difference.
 */
import { activityThirds } from './activity-groups.ts';
import { estimate, pairedDifference, ratioStatistic, resampleWeights, type BootstrapOptions, type Estimate, type UserStatistic } from './bootstrap.ts';
import type { ItemContent, UserCase } from './eval-types.ts';
import { catalogCoverage, giniCoefficient } from './exposure.ts';
import { categoryDistance, embeddingDistance, intraListDiversity } from './list-diversity.ts';
import { rankingMetrics } from './metrics.ts';
import { listNovelty, selfInformation } from './novelty.ts';
import type { Protocol } from './protocols.ts';
import { itemAt } from '../../shared/item-at.ts';

export const STAT_NAMES = [
  'hr',
  'ndcg',
  'precision',
  'recall',
  'cappedRecall',
  'coldHr',
  'coldNdcg',
  'coverage',
  'gini',
  'ildCategory',
  'ildEmbedding',
  'novelty',
  'lightAccuracy',
  'heavyAccuracy',
  'lightHeavyGap',
] as const;
export type StatName = (typeof STAT_NAMES)[number];

/** Statistics of the pooled lists rather than means over users: their intervals get the bootstrap's bias shift (bootstrap.ts). */
const SET_LEVEL: ReadonlySet<StatName> = new Set(['coverage', 'gini']);

/** The accuracy number a protocol leads with (and ranks baselines by, and splits light/heavy users on). */
export function headlineStat(protocol: Protocol): 'hr' | 'ndcg' | 'cappedRecall' {
  if (protocol === 'B') return 'hr';
  if (protocol === 'A') return 'ndcg';
  return 'cappedRecall';
}

/** What a row brings: one ranked list (best first, at most k items) per case, in case order. */
export interface RowLists {
  name: string;
  group: string;
  lists: ArrayLike<number>[];
  fitSeconds?: number;
  scoreSeconds?: number;
}

export interface RowSummary {
  name: string;
  group: string;
  /** Only the statistics that apply to the protocol and the data at hand. */
  stats: Partial<Record<StatName, Estimate>>;
  fitSeconds?: number;
  scoreSeconds?: number;
}

export interface PairedComparison {
  a: string;
  b: string;
  /** Why the pair is compared: 'vs best baseline', 'vs CF only', 'asked'. */
  reasons: string[];
  /** a − b with its paired interval, per statistic. */
  stats: Partial<Record<StatName, Estimate>>;
}

export interface StatisticsContext {
  protocol: Protocol;
  k: number;
  itemCount: number;
  /** Items a list may contain (coverage and Gini are over these): the catalog, or protocol C's new items. */
  universe: ArrayLike<number>;
  /** Training ratings per item (novelty; protocol B's cold slice). */
  itemTrainCounts: Int32Array;
  /** Distinct training users (novelty's denominator). */
  trainUsers: number;
  /** Categories and the text space for intra-list diversity (absent: not reported). */
  content?: Pick<ItemContent, 'categories' | 'text'>;
  /** Protocol B: a case is in the cold slice when its target has fewer training ratings than this (default 5). */
  coldStartThreshold?: number;
  bootstrap?: BootstrapOptions;
}

export interface RunStatistics {
  /** Evaluated users (the bootstrap's unit) and cases. */
  users: number;
  cases: number;
  /** Cases in protocol B's cold slice. */
  coldCases?: number;
  /** History length at the cuts of the light and heavy thirds. */
  activity: { lightMax: number; heavyMin: number };
  results: RowSummary[];
  comparisons: PairedComparison[];
}

/** Per-case values of the list measures, NaN where a measure is undefined for that list. */
type CaseMeasure = 'hr' | 'ndcg' | 'precision' | 'recall' | 'cappedRecall' | 'ildCategory' | 'ildEmbedding' | 'novelty';

/**
 * Summarises rows scored on the same cases. `compare` names extra pairs [a, b] (a − b);
 * each non-baseline row is also compared with the best baseline and with "CF only".
 */
export function runStatistics(
  cases: readonly UserCase[],
  rows: readonly RowLists[],
  context: StatisticsContext,
  compare: ReadonlyArray<readonly [string, string]> = [],
): RunStatistics {
  if (cases.length === 0) throw new Error('runStatistics: no cases to summarise');
  for (const row of rows) {
    if (row.lists.length !== cases.length) throw new Error(`runStatistics: row ${row.name} has ${row.lists.length} lists for ${cases.length} cases`);
  }
  const level = context.bootstrap?.level ?? 0.95;
  const { userOf, users, activity } = indexUsers(cases);
  const thirds = activityThirds(activity);
  const weights = resampleWeights(users, context.bootstrap);
  const headline = headlineStat(context.protocol);
  const coldThreshold = context.coldStartThreshold ?? 5;
  const isColdCase = cases.map((c) => context.protocol === 'B' && context.itemTrainCounts[c.targets[0]!]! < coldThreshold);
  const information = selfInformation(context.itemTrainCounts, context.trainUsers);
  const byCategory = context.content ? categoryDistance(context.content.categories) : undefined;
  const byEmbedding = context.content ? embeddingDistance(context.content.text) : undefined;

  const summaries = rows.map((row) => {
    const measures = caseMeasures(cases, row.lists, context.k, { information, byCategory, byEmbedding });
    const statistics = rowStatistics(measures, { userOf, users, thirds: thirds.third, isColdCase, headline, lists: row.lists, context });
    const replicates = new Map<StatName, { value: number; replicates: Float64Array }>();
    const stats: Partial<Record<StatName, Estimate>> = {};
    for (const [name, statistic] of statistics) {
      const e = estimate(statistic, users, weights, { level, biasShift: SET_LEVEL.has(name), range: [0, 1] });
      stats[name] = e.estimate;
      replicates.set(name, { value: e.estimate.value, replicates: e.replicates });
    }
    const summary: RowSummary = { name: row.name, group: row.group, stats, fitSeconds: row.fitSeconds, scoreSeconds: row.scoreSeconds };
    return { summary, replicates };
  });

  const comparisons = pairsToCompare(
    summaries.map((s) => s.summary),
    headline,
    compare,
  ).map(({ a, b, reasons }) => {
    const ra = summaries.find((s) => s.summary.name === a)!.replicates;
    const rb = summaries.find((s) => s.summary.name === b)!.replicates;
    const stats: Partial<Record<StatName, Estimate>> = {};
    for (const [name, x] of ra) {
      const y = rb.get(name);
      if (y) stats[name] = pairedDifference(x, y, { level, biasShift: SET_LEVEL.has(name), range: [-1, 1] });
    }
    return { a, b, reasons, stats };
  });

  return {
    users,
    cases: cases.length,
    ...(context.protocol === 'B' ? { coldCases: isColdCase.filter(Boolean).length } : {}),
    activity: { lightMax: thirds.lightMax, heavyMin: thirds.heavyMin },
    results: summaries.map((s) => s.summary),
    comparisons,
  };
}

/** Users in order of first appearance; a user's activity = their shortest history (what training holds of them). */
function indexUsers(cases: readonly UserCase[]): { userOf: Int32Array; users: number; activity: number[] } {
  const index = new Map<number, number>();
  const activity: number[] = [];
  const userOf = new Int32Array(cases.length);
  cases.forEach((c, i) => {
    let u = index.get(c.user);
    if (u === undefined) {
      index.set(c.user, (u = index.size));
      activity.push(c.history.length);
    }
    activity[u] = Math.min(activity[u]!, c.history.length);
    userOf[i] = u;
  });
  return { userOf, users: index.size, activity };
}

function caseMeasures(
  cases: readonly UserCase[],
  lists: readonly ArrayLike<number>[],
  k: number,
  tools: { information: Float64Array; byCategory?: ReturnType<typeof categoryDistance>; byEmbedding?: ReturnType<typeof embeddingDistance> },
): Map<CaseMeasure, Float64Array> {
  const names: CaseMeasure[] = ['hr', 'ndcg', 'precision', 'recall', 'cappedRecall', 'novelty'];
  if (tools.byCategory) names.push('ildCategory');
  if (tools.byEmbedding) names.push('ildEmbedding');
  const out = new Map(names.map((n) => [n, new Float64Array(cases.length)]));
  cases.forEach((c, i) => {
    const list = lists[i]!;
    if (list.length > k) throw new Error(`a list of user ${c.user} has ${list.length} items, more than k = ${k}`);
    const m = rankingMetrics(list, c.targets, k);
    out.get('hr')![i] = m.hr;
    out.get('ndcg')![i] = m.ndcg;
    out.get('precision')![i] = m.precision;
    out.get('recall')![i] = m.recall;
    out.get('cappedRecall')![i] = m.cappedRecall;
    out.get('novelty')![i] = listNovelty(list, tools.information);
    if (tools.byCategory) out.get('ildCategory')![i] = intraListDiversity(list, tools.byCategory);
    if (tools.byEmbedding) out.get('ildEmbedding')![i] = intraListDiversity(list, tools.byEmbedding);
  });
  return out;
}

interface RowInputs {
  userOf: Int32Array;
  users: number;
  thirds: Uint8Array;
  isColdCase: boolean[];
  headline: 'hr' | 'ndcg' | 'cappedRecall';
  lists: readonly ArrayLike<number>[];
  context: StatisticsContext;
}

/** The row's statistics as functions of the user weights, in report order. */
function rowStatistics(measures: Map<CaseMeasure, Float64Array>, inputs: RowInputs): Array<[StatName, UserStatistic]> {
  const { userOf, users, thirds, isColdCase, headline, context } = inputs;
  /** Σ over a user's cases where `keep` holds and the value is defined: the ratio's parts. */
  const mean = (values: Float64Array, keep: (caseIndex: number) => boolean = () => true): UserStatistic => {
    const num = new Float64Array(users);
    const den = new Float64Array(users);
    values.forEach((v, i) => {
      if (Number.isNaN(v) || !keep(i)) return;
      num[userOf[i]!] = itemAt(num, userOf[i]!) + v;
      den[userOf[i]!] = itemAt(den, userOf[i]!) + 1;
    });
    return ratioStatistic(num, den);
  };
  const out: Array<[StatName, UserStatistic]> = [];
  for (const name of ['hr', 'ndcg', 'precision', 'recall', 'cappedRecall'] as const) out.push([name, mean(measures.get(name)!)]);
  if (context.protocol === 'B') {
    out.push(['coldHr', mean(measures.get('hr')!, (i) => isColdCase[i]!)]);
    out.push(['coldNdcg', mean(measures.get('ndcg')!, (i) => isColdCase[i]!)]);
  }
  const { coverage, gini } = exposureStatistics(inputs.lists, userOf, users, context);
  out.push(['coverage', coverage], ['gini', gini]);
  if (measures.has('ildCategory')) out.push(['ildCategory', mean(measures.get('ildCategory')!)]);
  if (measures.has('ildEmbedding')) out.push(['ildEmbedding', mean(measures.get('ildEmbedding')!)]);
  // Protocol C ranks only items nobody has seen: every list has the same (maximal) novelty.
  if (context.protocol !== 'C-random' && context.protocol !== 'C-newest') out.push(['novelty', mean(measures.get('novelty')!)]);
  const accuracy = measures.get(headline)!;
  const light = mean(accuracy, (i) => thirds[userOf[i]!] === 0);
  const heavy = mean(accuracy, (i) => thirds[userOf[i]!] === 2);
  out.push(['lightAccuracy', light], ['heavyAccuracy', heavy], ['lightHeavyGap', (w) => heavy(w) - light(w)]);
  return out;
}

/** Coverage and Gini of the pooled lists of the drawn users (a user drawn twice shows their lists twice). */
function exposureStatistics(
  lists: readonly ArrayLike<number>[],
  userOf: Int32Array,
  users: number,
  context: StatisticsContext,
): { coverage: UserStatistic; gini: UserStatistic } {
  // Each user's pooled items with counts, so a resample adds w·count per item.
  const perUser: Array<Map<number, number>> = Array.from({ length: users }, () => new Map<number, number>());
  lists.forEach((list, i) => {
    const counts = perUser[userOf[i]!]!;
    for (let r = 0; r < list.length; r++) counts.set(list[r]!, (counts.get(list[r]!) ?? 0) + 1);
  });
  const flat = perUser.map((m) => ({ items: Int32Array.from(m.keys()), counts: Float64Array.from(m.values()) }));
  const exposure = (w: Float64Array): Float64Array => {
    const x = new Float64Array(context.itemCount);
    for (let u = 0; u < users; u++) {
      const wu = w[u]!;
      if (wu === 0) continue;
      const { items, counts } = flat[u]!;
      for (let j = 0; j < items.length; j++) x[items[j]!] = itemAt(x, items[j]!) + wu * counts[j]!;
    }
    return x;
  };
  return {
    coverage: (w) => catalogCoverage(exposure(w), context.universe),
    gini: (w) => giniCoefficient(exposure(w), context.universe),
  };
}

/** Each non-baseline row vs the best baseline (by the headline) and vs "CF only", then the asked pairs. */
function pairsToCompare(
  rows: readonly RowSummary[],
  headline: StatName,
  asked: ReadonlyArray<readonly [string, string]>,
): Array<{ a: string; b: string; reasons: string[] }> {
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r]));
  const out: Array<{ a: string; b: string; reasons: string[] }> = [];
  const add = (a: string, b: string, reason: string) => {
    if (a === b) return;
    const existing = out.find((p) => p.a === a && p.b === b);
    if (existing) existing.reasons.push(reason);
    else out.push({ a, b, reasons: [reason] });
  };
  const baselines = rows.filter((r) => r.group === 'baseline');
  const best = baselines.reduce<RowSummary | undefined>(
    (top, r) => (!top || (r.stats[headline]?.value ?? -Infinity) > (top.stats[headline]?.value ?? -Infinity) ? r : top),
    undefined,
  );
  const cfOnly = byName.get('cf only');
  for (const row of rows) {
    if (row.group === 'baseline') continue;
    if (best) add(row.name, best.name, 'vs best baseline');
    if (cfOnly) add(row.name, cfOnly.name, 'vs CF only');
  }
  for (const [a, b] of asked) {
    const ra = byName.get(a.toLowerCase());
    const rb = byName.get(b.toLowerCase());
    if (!ra || !rb) throw new Error(`--compare ${a}:${b}: no row named ${!ra ? a : b}; rows: ${rows.map((r) => r.name).join(', ')}`);
    add(ra.name, rb.name, 'asked');
  }
  return out;
}
