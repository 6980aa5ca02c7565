/**
 * The engine's own recommenders under evaluation: the real scoring code of the worker
 * (src/engine/recommend) on a catalog of the movies (movie-catalog.ts), the user's history
 * replayed as views. Variants differ only in what they may use:
 *
 *   text / image only      one modality's content similarity
 *   content late / attention  both modalities, weighted late fusion or candidate→history attention
 *   CF only                the catalog's aggregated signals: transitions, co-occurrence, popularity
 *   hybrid late / attention / mlp   everything, with the head's weights fitted by BPR on the split's training log
 *   hybrid / content + graph   the same plus the item graph's personalised PageRank from the history
 *   hybrid + on-device     hybrid late, then the personal weights learn from the last replayed
 *                          steps (was the next item among the 10 shown? clicks vs skipped)
 *   … float32              the same with unquantised vectors: the cost of the stored int8 format
 *
 * Expensive parts are shared between variants: the catalog per format, the training cases per
 * head and format, and each user's feature rows per head and format.
 */
import type { FusionHeadName } from '../../protocol/recommend.ts';
import { PRIOR_FUSION_MODEL, withHead, type FusionModel } from '../../engine/recommend/fusion-model.ts';
import { FEATURES, type FeatureName } from '../../engine/catalog/fusion-features.ts';
import { historyTokens, type HistoryToken } from '../../engine/recommend/history-tokens.ts';
import { catalogItemLookup } from '../../engine/recommend/item-space.ts';
import { emptyPersonalState, featureRow, learnFromFeedback, personalWeights } from '../../engine/recommend/personal-learning.ts';
import { diversify } from '../../engine/recommend/diversify.ts';
import { applyHead, scoreItems, type ScoredItems } from '../../engine/recommend/score-items.ts';
import type { PairwiseCase } from '../../engine/recommend/fit-fusion-model.ts';
import { fitFusionModel, trainingCases } from '../catalog/train-fusion-model.ts';
import type { AggregateOptions } from '../catalog/aggregate-interactions.ts';
import type { EvaluatedRecommender, TrainData, UserCase } from './eval-types.ts';
import { movieCatalog, MOVIE_SIGNAL_OPTIONS, trainRows, type MovieCatalog, type StoredFormat } from './movie-catalog.ts';
import { movieEmbeddings, type MovieEmbeddings } from './movie-embeddings.ts';
import { initNodeTf } from '../node-tf.ts';
import type { MovieLensData } from './movielens.ts';
import { topKUnseen } from './top-k-unseen.ts';

type ContentHead = 'late' | 'attention';

/** State shared by the variants of one protocol run. */
class EngineEvaluationContext {
  private embeddings: Promise<MovieEmbeddings> | undefined;
  private readonly catalogs = new Map<StoredFormat, Promise<MovieCatalog>>();
  private readonly cases = new Map<string, Promise<PairwiseCase[]>>();
  private readonly features = new Map<string, Promise<ScoredItems>>();
  private train: TrainData | undefined;

  constructor(
    readonly data: MovieLensData,
    readonly log: (line: string) => void,
    private readonly signalOptions: AggregateOptions = MOVIE_SIGNAL_OPTIONS,
  ) {}

  /** Called by every variant's fit; the first call of a run resets the caches. */
  setTrain(train: TrainData): void {
    if (this.train === train) return;
    this.dispose();
    this.train = train;
  }

  catalog(format: StoredFormat): Promise<MovieCatalog> {
    let c = this.catalogs.get(format);
    if (!c) {
      this.embeddings ??= initNodeTf('wasm').then(() => movieEmbeddings(this.data, this.log));
      c = this.embeddings.then((e) => movieCatalog(this.data, e, this.train, { format, signalOptions: this.signalOptions }));
      this.catalogs.set(format, c);
    }
    return c;
  }

  trainingCases(head: ContentHead, format: StoredFormat): Promise<PairwiseCase[]> {
    const key = `${head}/${format}`;
    let c = this.cases.get(key);
    if (!c) {
      c = this.catalog(format).then((catalog) =>
        trainingCases({
          space: catalog.space,
          rows: trainRows(this.train!),
          signalOptions: this.signalOptions,
          base: withHead(PRIOR_FUSION_MODEL, head),
          graph: catalog.graphFor,
        }),
      );
      this.cases.set(key, c);
    }
    return c;
  }

  /** The case's features (and prior scores) for a head and format, computed once. */
  userFeatures(user: UserCase, head: ContentHead, format: StoredFormat): Promise<ScoredItems> {
    // A user has several cases (protocol B on dev), told apart by how much history they see.
    const key = `${user.user}/${user.history.length}/${head}/${format}`;
    let f = this.features.get(key);
    if (!f) {
      f = this.catalog(format).then((catalog) =>
        scoreItems(catalog.space, catalog.signals, this.tokens(catalog, user.history, user.historyTimes), withHead(PRIOR_FUSION_MODEL, head)),
      );
      this.features.set(key, f);
    }
    return f;
  }

  tokens(catalog: MovieCatalog, history: readonly number[], times: readonly number[]): HistoryToken[] {
    const lookup = catalogItemLookup(catalog.space);
    const events = history.map((item, i) => ({ type: 'view', itemId: catalog.space.items[item]!.id, at: times[i]! * 1000 + i }));
    return historyTokens(events, { catalogItem: lookup, adhocItem: () => undefined }, { halfLife: PRIOR_FUSION_MODEL.halfLife });
  }

  dispose(): void {
    for (const c of this.catalogs.values())
      void c.then(
        (catalog) => catalog.dispose(),
        () => undefined,
      );
    this.catalogs.clear();
    this.cases.clear();
    this.features.clear();
  }
}

interface VariantSpec {
  name: string;
  group: string;
  head: FusionHeadName;
  format: StoredFormat;
  /** Features the variant may use (the others are fixed at 0). */
  uses: readonly FeatureName[];
  /** Fit the weights by BPR on the training log (else the prior). */
  trained: boolean;
  /** Replay this many last steps with on-device learning. */
  onDeviceSteps?: number;
  /** MMR λ of the headline list (absent: plain top k, as the harness has always ranked). */
  diversity?: number;
}

class EngineVariant implements EvaluatedRecommender {
  readonly name: string;
  readonly group: string;
  readonly diversityLambda: number | undefined;
  private model: FusionModel = PRIOR_FUSION_MODEL;
  private space: MovieCatalog['space'] | undefined;

  constructor(
    private readonly context: EngineEvaluationContext,
    private readonly spec: VariantSpec,
  ) {
    this.name = spec.name;
    this.group = spec.group;
    this.diversityLambda = spec.diversity;
  }

  private get contentHead(): ContentHead {
    return this.spec.head === 'attention' ? 'attention' : 'late';
  }

  async fit(train: TrainData): Promise<void> {
    this.context.setTrain(train);
    this.space = (await this.context.catalog(this.spec.format)).space;
    const frozen = FEATURES.filter((f) => !this.spec.uses.includes(f));
    const base = withHead(PRIOR_FUSION_MODEL, this.spec.head);
    const masked = { ...base, weights: Object.fromEntries(FEATURES.map((f) => [f, frozen.includes(f) ? 0 : base.weights[f]])) as FusionModel['weights'] };
    if (!this.spec.trained) {
      this.model = masked;
      return;
    }
    const cases = await this.context.trainingCases(this.contentHead, this.spec.format);
    const fitted = fitFusionModel(cases, masked, { frozenAtZero: frozen, mlp: this.spec.head === 'mlp' });
    this.model = fitted.model;
    if (this.spec.uses.includes('graph')) {
      this.context.log(
        `  ${this.name}: weights ${JSON.stringify(fitted.model.weights)}, validation top-10 ${fitted.validationTop10.base.toFixed(3)} → ${fitted.validationTop10.fitted.toFixed(3)} (kept fitted: ${fitted.keptFitted})`,
      );
    }
  }

  async score(user: UserCase): Promise<Float32Array> {
    const scored = await this.context.userFeatures(user, this.contentHead, this.spec.format);
    if (!this.spec.onDeviceSteps) return applyHead(scored.features, this.model);
    const weights = await this.learnOnDevice(user, this.spec.onDeviceSteps);
    return applyHead(scored.features, { ...this.model, weights });
  }

  /**
   * The for-you MMR of the engine (on-device-recommender.ts pick → diversify.ts): λ·relevance
   * − (1 − λ)·max similarity to the picked items, similarity = mean cosine over the
   * modalities both items have, categories = the item's category (the movie's first genre),
   * no per-category cap (for-you sets none). The pool is the runner's best max(50, 5k).
   */
  diversify(pool: Int32Array, scores: Float32Array, k: number, lambda: number): number[] {
    const space = this.space!;
    return diversify(Array.from(pool), scores, k, {
      lambda,
      categoryOf: (i) => space.items[i]!.category,
      similarity: (a, b) => space.similarity(a, b),
    });
  }

  /** Replays the user's last steps: each step shows the top 10, then the user's next item is the feedback. */
  private async learnOnDevice(user: UserCase, steps: number): Promise<FusionModel['weights']> {
    const catalog = await this.context.catalog(this.spec.format);
    let state = emptyPersonalState();
    const n = user.history.length;
    for (let t = Math.max(1, n - steps); t < n; t++) {
      const model = { ...this.model, weights: personalWeights(this.model.weights, state) };
      const tokens = this.context.tokens(catalog, user.history.slice(0, t), user.historyTimes.slice(0, t));
      const scored = await scoreItems(catalog.space, catalog.signals, tokens, model);
      const shown = topKUnseen(scored.scores, user.history.slice(0, t), 10);
      const next = user.history[t]!;
      const skipped = Array.from(shown)
        .filter((i) => i !== next)
        .map((i) => featureRow(scored.features, i));
      state = learnFromFeedback(this.model.weights, state, featureRow(scored.features, next), skipped);
    }
    return personalWeights(this.model.weights, state);
  }
}

const CONTENT: FeatureName[] = ['text', 'image'];
const COLLABORATIVE: FeatureName[] = ['sequential', 'coOccurrence', 'popularity'];

/** `signalOptions`: how the training log is aggregated into the catalog's signals (the privacy evaluation varies K and ε). */
export function engineVariants(data: MovieLensData, log: (line: string) => void = () => {}, signalOptions?: AggregateOptions): EvaluatedRecommender[] {
  const context = new EngineEvaluationContext(data, log, signalOptions);
  const specs: VariantSpec[] = [
    { name: 'Text only', group: 'content', head: 'late', format: 'int8', uses: ['text'], trained: false },
    { name: 'Image only', group: 'content', head: 'late', format: 'int8', uses: ['image'], trained: false },
    { name: 'Content late fusion', group: 'content', head: 'late', format: 'int8', uses: CONTENT, trained: true },
    { name: 'Content attention', group: 'content', head: 'attention', format: 'int8', uses: CONTENT, trained: true },
    { name: 'Content late fusion (float32)', group: 'content', head: 'late', format: 'float32', uses: CONTENT, trained: true },
    { name: 'CF only', group: 'collaborative', head: 'late', format: 'int8', uses: COLLABORATIVE, trained: true },
    { name: 'Hybrid late', group: 'hybrid', head: 'late', format: 'int8', uses: [...CONTENT, ...COLLABORATIVE], trained: true },
    { name: 'Hybrid attention', group: 'hybrid', head: 'attention', format: 'int8', uses: [...CONTENT, ...COLLABORATIVE], trained: true },
    { name: 'Hybrid MLP', group: 'hybrid', head: 'mlp', format: 'int8', uses: [...CONTENT, ...COLLABORATIVE], trained: true },
    { name: 'Hybrid late (float32)', group: 'hybrid', head: 'late', format: 'float32', uses: [...CONTENT, ...COLLABORATIVE], trained: true },
    // The item graph's personalised PageRank as one more feature (docs/evaluation.md "Item graph").
    { name: 'Hybrid + graph', group: 'hybrid', head: 'late', format: 'int8', uses: [...CONTENT, ...COLLABORATIVE, 'graph'], trained: true },
    { name: 'Content + graph', group: 'content', head: 'late', format: 'int8', uses: [...CONTENT, 'graph'], trained: true },
    {
      name: 'Hybrid + on-device learning',
      group: 'hybrid',
      head: 'late',
      format: 'int8',
      uses: [...CONTENT, ...COLLABORATIVE],
      trained: true,
      onDeviceSteps: 3,
    },
  ];
  return specs.map((spec) => new EngineVariant(context, spec));
}
