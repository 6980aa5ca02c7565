/**
 * Trains the global part of the fusion model at catalog-build time from the shop's
 * interaction log (BPR, see fit-fusion-model.ts). Leave-last-out inside the log: each
 * session's last item is held out, the collaborative signals are aggregated without those
 * held-out events, and the weights are fitted to rank each held-out item above sampled items
 * from the session's history — the same situation the engine is in on the device.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import { CollaborativeSignals } from '../../engine/recommend/collaborative-signals.ts';
import type { CatalogSignals } from '../../engine/catalog/catalog-manifest.ts';
import type { ItemGraph } from '../../engine/graph/item-graph.ts';
import { fitLinear, fitMlp, topKRate, topKRateOf, type FitReport, type PairwiseCase } from '../../engine/recommend/fit-fusion-model.ts';
import { PRIOR_FUSION_MODEL, type FusionModel } from '../../engine/recommend/fusion-model.ts';
import { FEATURES } from '../../engine/catalog/fusion-features.ts';
import { historyTokens } from '../../engine/recommend/history-tokens.ts';
import { catalogItemLookup, type ItemSpace } from '../../engine/recommend/item-space.ts';
import { featureRow, type FeatureRow } from '../../engine/recommend/personal-learning.ts';
import { mlpForward, scoreItems } from '../../engine/recommend/score-items.ts';
import { aggregateInteractions, timestampSeconds, type AggregateOptions, type InteractionRow } from './aggregate-interactions.ts';

export interface TrainFusionOptions {
  space: ItemSpace;
  rows: readonly InteractionRow[];
  signalOptions?: AggregateOptions;
  base?: FusionModel;
  /** Sessions used as training cases (default 600, seeded sample). */
  maxCases?: number;
  negatives?: number;
  seed?: number;
  /** Features to keep at 0. */
  frozenAtZero?: readonly string[];
  /** Share of negatives drawn from the items the base model ranks highest (default 1), and from how many (50). */
  hardShare?: number;
  hardPool?: number;
  /** Also fit the `mlp` head. */
  mlp?: boolean;
  /** The item graph for the training signals (its interaction edges must not see the held-out items either). */
  graph?: (signals: CatalogSignals) => ItemGraph;
}

export interface TrainedFusion {
  model: FusionModel;
  cases: number;
  linear: FitReport;
  /** Share of validation cases with the held-out item in the top 10: base vs fitted weights. */
  validationTop10: { base: number; fitted: number };
  keptFitted: boolean;
  mlp?: FitReport;
  /** The MLP's validation top-10 rate (it ships only if it beats the linear weights'). */
  mlpValidationTop10?: number;
}

export async function trainFusionModel(options: TrainFusionOptions): Promise<TrainedFusion> {
  const base = options.base ?? PRIOR_FUSION_MODEL;
  return fitFusionModel(await trainingCases(options), base, options);
}

/**
 * Fits the weights (and the MLP when asked) with BPR on half of the cases, then keeps the
 * fitted weights only if they put more of the other half's held-out items in the top 10 than
 * the base weights do: a pairwise likelihood is not the top-10 metric, and on some logs it
 * moves weight to signals that do not decide the top of the list.
 */
export function fitFusionModel(
  cases: readonly PairwiseCase[],
  base: FusionModel,
  options: Pick<TrainFusionOptions, 'frozenAtZero' | 'mlp' | 'seed'> = {},
): TrainedFusion {
  const fitCases = cases.filter((_, i) => i % 2 === 0);
  const validation = cases.filter((_, i) => i % 2 === 1);
  const baseWeights = Object.fromEntries(
    Object.entries(base.weights).map(([f, w]) => [f, options.frozenAtZero?.includes(f) ? 0 : w]),
  ) as FusionModel['weights'];
  // Dynamic hard negatives (Zhang et al. 2013): each round re-mines every case's negatives
  // from the top 50 of the current weights (plus as many random ones), so the fit keeps
  // fixing what is actually at the top of the list instead of over-fitting one fixed set.
  const random = mulberry32(options.seed ?? 1);
  let weights = baseWeights;
  let linear: ReturnType<typeof fitLinear> | undefined;
  for (let round = 0; round < DNS_ROUNDS; round++) {
    const mined = fitCases.map((c) => ({ positive: c.positive, negatives: mineNegatives(c, weights, random) }));
    linear = fitLinear(mined, weights, { frozenAtZero: options.frozenAtZero, iterations: 150 });
    weights = linear.weights;
  }
  const validationTop10 = { base: topKRate(validation, baseWeights), fitted: topKRate(validation, weights) };
  const keepFitted = validationTop10.fitted > validationTop10.base;
  const model: FusionModel = { ...base, weights: keepFitted ? weights : baseWeights, source: keepFitted ? 'trained' : base.source };
  let mlpReport: FitReport | undefined;
  let mlpTop10: number | undefined;
  if (options.mlp) {
    const mined = fitCases.map((c) => ({ positive: c.positive, negatives: mineNegatives(c, model.weights, random) }));
    const fitted = fitMlp(mined, model.weights, { seed: options.seed, learningRate: 0.001, iterations: 5 });
    mlpReport = fitted.report;
    mlpTop10 = topKRateOf(validation, (x) => mlpForward(x, fitted.mlp.hidden, fitted.mlp.w1, fitted.mlp.b1, fitted.mlp.w2, fitted.mlp.b2));
    // Like the linear fit, the MLP ships only if it beats the linear weights on held-out sessions.
    if (mlpTop10 > topKRate(validation, model.weights)) {
      model.mlp = fitted.mlp;
      model.source = 'trained';
    }
  }
  return {
    model,
    cases: cases.length,
    linear: linear!.report,
    validationTop10,
    keptFitted: keepFitted,
    mlp: mlpReport,
    ...(mlpTop10 !== undefined ? { mlpValidationTop10: mlpTop10 } : {}),
  };
}

const DNS_ROUNDS = 4;

/** 10 negatives from the case's top 50 under `w` (the positive is row 0 of its candidates) and 10 random ones. */
function mineNegatives(c: PairwiseCase, w: FusionModel['weights'], random: () => number): FeatureRow[] {
  const x = c.candidates;
  if (!x) return c.negatives;
  const dims = FEATURES.length;
  const m = x.length / dims;
  const row = (i: number) => Object.fromEntries(FEATURES.map((f, k) => [f, x[i * dims + k]!])) as FeatureRow;
  const scores = new Float32Array(m);
  for (let i = 0; i < m; i++) scores[i] = FEATURES.reduce((s, f, k) => s + w[f] * x[i * dims + k]!, 0);
  const top = Array.from({ length: m - 1 }, (_, i) => i + 1)
    .sort((a, b) => scores[b]! - scores[a]!)
    .slice(0, 50);
  const out: FeatureRow[] = [];
  for (let i = 0; i < 10 && top.length; i++) out.push(row(top[Math.floor(random() * top.length)]!));
  for (let i = 0; i < 10 && m > 1; i++) out.push(row(1 + Math.floor(random() * (m - 1))));
  return out;
}

/** Held-out cases with their feature rows, computed by the engine's scorer with `base`'s head. */
export async function trainingCases(options: TrainFusionOptions): Promise<PairwiseCase[]> {
  const { space } = options;
  const base = options.base ?? PRIOR_FUSION_MODEL;
  const random = mulberry32(options.seed ?? 1);

  const sessions = new Map<string, InteractionRow[]>();
  options.rows.forEach((row) => {
    if (space.indexOf(row.item) === undefined) return;
    const list = sessions.get(row.session) ?? [];
    list.push(row);
    sessions.set(row.session, list);
  });
  const heldOut = new Map<string, InteractionRow>();
  const kept: InteractionRow[] = [];
  for (const [session, list] of sessions) {
    // Equal timestamps keep the log's order (a stable sort), as the aggregates do: an item-id
    // tie rule would pick a biased held-out item (../shared/DATA.md, protocol B ties).
    list.sort((a, b) => timestampSeconds(a.timestamp) - timestampSeconds(b.timestamp));
    if (new Set(list.map((r) => r.item)).size >= 3) heldOut.set(session, list[list.length - 1]!);
    kept.push(...(heldOut.has(session) ? list.slice(0, -1) : list));
  }
  const manifestSignals = aggregateInteractions(
    kept,
    space.items.map((i) => i.id),
    options.signalOptions,
  ).signals;
  const signals = new CollaborativeSignals(space.itemCount, (id) => space.indexOf(id), manifestSignals, options.graph?.(manifestSignals));

  const candidates = [...heldOut.keys()].sort();
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const chosen = candidates.slice(0, options.maxCases ?? 600);
  const lookup = catalogItemLookup(space);
  const cases: PairwiseCase[] = [];
  for (const session of chosen) {
    const target = heldOut.get(session)!;
    const history = sessions.get(session)!.slice(0, -1);
    const tokens = historyTokens(
      history.map((r) => ({ type: 'view', itemId: r.item, at: timestampSeconds(r.timestamp) * 1000 })),
      { catalogItem: lookup, adhocItem: () => undefined },
      { halfLife: base.halfLife },
    );
    const scored = await scoreItems(space, signals, tokens, base);
    const seen = new Set(history.map((r) => space.indexOf(r.item)!));
    const positive = space.indexOf(target.item)!;
    if (seen.has(positive)) continue;
    // Negatives are hard ones by default (what the base model ranks in its top 50): with random
    // negatives BPR mostly learns "popular beats obscure" and over-weights popularity, which
    // does not decide the top of the list (MovieLens dev users, CF features: HR@10 0.137 with
    // random negatives, 0.167 with top-50 ones).
    const count = options.negatives ?? 20;
    const order = Array.from(scored.scores.keys()).filter((j) => j !== positive && !seen.has(j));
    order.sort((a, b) => scored.scores[b]! - scored.scores[a]!);
    const hard = order.slice(0, options.hardPool ?? 50);
    const negatives = [];
    for (let i = 0; i < count * (options.hardShare ?? 1) && hard.length > 0; i++)
      negatives.push(featureRow(scored.features, hard[Math.floor(random() * hard.length)]!));
    while (negatives.length < count) {
      const j = Math.floor(random() * space.itemCount);
      if (j !== positive && !seen.has(j)) negatives.push(featureRow(scored.features, j));
    }
    // Every unseen item's features, the positive first, for the listwise fit.
    const others = Array.from(scored.scores.keys()).filter((j) => j !== positive && !seen.has(j));
    const candidates = new Float32Array((others.length + 1) * FEATURES.length);
    [positive, ...others].forEach((j, row) => FEATURES.forEach((f, k) => (candidates[row * FEATURES.length + k] = scored.features[f][j]!)));
    cases.push({ positive: featureRow(scored.features, positive), negatives, candidates });
  }
  return cases;
}
