/**
 * The recommender inside the worker: the loaded catalog (ItemSpace + aggregated signals +
 * fusion model), the user's profile (ProfileStore, IndexedDB) and the four modes.
 *
 * - for-you: the profile's recent history → scoreItems (personal weights on top of the
 *   catalog's) → rules → MMR → explanations. No history yet → `popular`.
 * - similar: one item as the only history token, in one modality or all.
 * - by-example: an ad-hoc example the user gave (searchByExample stores it) as the token.
 * - popular: the catalog's popularity; a catalog without interactions has none, so the
 *   documented cold-start prior is "most representative of its category" (cosine to the
 *   category's mean vector) with a per-category cap, which shows the breadth of the shop.
 *
 * Learning: when the user clicks / adds / buys an item of the last for-you list shown, the
 * personal weights take one bounded BPR step (clicked vs the others shown) and are stored.
 * Where the catalog's learned model is blended in, every click / add / purchase of a catalog
 * item also takes one bounded step of the user adapter (model/user-adapter.ts: δ on the user
 * vector, the training loss against the skipped shown items and a few uniform draws), stored
 * next to the personal weights and forgotten with them.
 */
import type { Modality } from '../../protocol/embedding.ts';
import {
  EVENT_TYPES,
  RECOMMEND_MODES,
  type BusinessRules,
  type RecommendRequest,
  type RecommendedItem,
  type TrackExtra,
  type TrackResult,
  type TrackedEventType,
} from '../../protocol/recommend.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import type { AdhocItem, ProfileEvent } from '../../protocol/profile.ts';
import { MAX_OFF_CATALOG_ITEMS } from '../../protocol/limits.ts';
import { itemMediaUrls } from '../catalog/item-card.ts';
import { allowedItems, applyBoosts, checkFilters, InvalidRequestError, type RuleContext } from './business-rules.ts';
import { standardise } from './standardise.ts';
import type { CollaborativeSignals } from './collaborative-signals.ts';
import { diversify } from './diversify.ts';
import { explainItem } from './explain-item.ts';
import { type FeatureWeights, type FusionModel } from './fusion-model.ts';
import { FEATURES } from '../catalog/fusion-features.ts';
import { historyTokens, type HistoryToken } from './history-tokens.ts';
import { catalogItemLookup, type ItemSpace } from './item-space.ts';
import { emptyPersonalState, featureRow, learnFromFeedback, personalWeights, type PersonalState } from './personal-learning.ts';
import { scoreItems, type ScoredItems } from './score-items.ts';
import { hasOffCatalogItem, isOffCatalogKey, offCatalogKey, offCatalogTokenVectors, storeOffCatalogItem } from './off-catalog-items.ts';
import type { OffCatalogVector } from '../encoders/embed-off-catalog-content.ts';
import { MAX_K } from '../../protocol/recommend.ts';
import { learnedHistory, type LearnedHistoryEvent, type LearnedRanker, type LearnedUserState } from './learned-ranker.ts';
import { blendWithLearned, zScores } from './learned-blend.ts';
import type { Int8Ranker, RankedRows } from '../ranking/int8-matrix.ts';
import { referenceInt8Ranker } from '../ranking/rank-int8-reference.ts';
import {
  ADAPTER_SAMPLED_NEGATIVES,
  adapterFromStored,
  adapterStep,
  adaptUser,
  emptyAdapter,
  sampleNegativeRows,
  type UserAdapterState,
} from '../model/user-adapter.ts';
import { describeEncoder, EncoderMismatchError } from '../../protocol/encoder-mismatch-error.ts';
import type { AdhocEncoder } from '../../protocol/profile.ts';

export { InvalidRequestError } from './business-rules.ts';

const MODEL_STATE_VERSION = 1;
/** The user adapter's record version (its weights are δ, the learned model's dims long). */
const ADAPTER_STATE_VERSION = 1;
/** Seeds the adapter's negative draws with the step count: the same clicks give the same δ. */
const ADAPTER_SEED = 0x5eed_adac;
const POSITIVE_FEEDBACK = new Set(['click', 'add-to-cart', 'purchase']);
/** The newest events a recommendation reads ('shown' impressions excluded before counting). */
export const HISTORY_WINDOW = 2000;

export interface RecommenderCatalog {
  /** The manifest's name: for messages only (anyone can declare any name). */
  name: string;
  /** What the profile files this catalog's events and personal model under: its origin + path (catalog-profile-key.ts). */
  profileKey: string;
  /** The old name-based key whose history this catalog takes over once (same-origin catalogs only). */
  legacyProfileKey?: string;
  space: ItemSpace;
  signals: CollaborativeSignals;
  model: FusionModel;
  /** The catalog's learned model (learned-ranker.ts), blended in with its fitted weight. */
  learned?: LearnedRanker;
  /** The catalog folder's absolute URL: recommended items then carry absolute `imageUrl` / `audioUrl`. */
  baseUrl?: string;
  /** The encoders the catalog's vectors were built with (its manifest's): a search example must come from the same. */
  encoders?: Partial<Record<Modality, AdhocEncoder>>;
}

/**
 * What the recommender needs of the user's profile: the worker's IndexedDB ProfileStore, or
 * the in-memory store of a batch CLI line (src/engine/store/memory-profile-store.ts).
 */
export type RecommenderProfile = Pick<
  ProfileStore,
  | 'addEvent'
  | 'events'
  | 'pendingCount'
  | 'putAdhocItem'
  | 'adhocItem'
  | 'adhocItems'
  | 'deleteAdhocItems'
  | 'modelState'
  | 'putModelState'
  | 'adoptLegacyCatalogKey'
>;

/** Embeds an off-catalog item's content in the catalog's modalities (the worker's encoders); absent where there are none (batch CLI). */
export type EmbedOffCatalog = (itemId: string, content: unknown, modalities: readonly Modality[]) => Promise<OffCatalogVector[]>;

/** The learned model's side of a for-you blend: what its explanations need. */
interface LearnedBlend {
  ranker: LearnedRanker;
  user: LearnedUserState;
  /** z(fusion) per item. */
  fusion: Float32Array;
  /** w · z(learned) per item. */
  learned: Float32Array;
}

interface ShownList {
  ids: string[];
  scored: ScoredItems;
}

export class OnDeviceRecommender {
  private personal: PersonalState | undefined;
  private adapter: UserAdapterState | undefined;
  private lastShown: ShownList | undefined;
  /** Learned tower vectors of off-catalog items, by profile key (learnedHistoryOf). */
  private readonly towerVectors = new Map<string, Float32Array>();
  private representative: Float32Array | undefined;
  /** The one-time move of the catalog's old name-keyed history (undefined again after a failure, so the next call retries). */
  private adopting: Promise<void> | undefined;

  constructor(
    readonly catalog: RecommenderCatalog,
    /** The profile store, opened on first use (so a blocked database cannot stop the catalog from loading). */
    private readonly openStore: () => Promise<RecommenderProfile>,
    private readonly embedOffCatalog?: EmbedOffCatalog,
    /** The int8 kernel the learned model ranks with: the engine's chosen one (the exact JS reference where none is given). */
    private readonly int8Ranker: () => Int8Ranker = () => referenceInt8Ranker,
  ) {}

  /** The profile, after this catalog's old name-keyed history (if any) was moved to its key. */
  private async profile(): Promise<RecommenderProfile> {
    const store = await this.openStore();
    const legacy = this.catalog.legacyProfileKey;
    if (legacy !== undefined) {
      this.adopting ??= store.adoptLegacyCatalogKey(legacy, this.catalog.profileKey).then(
        () => undefined,
        () => {
          this.adopting = undefined; // storage trouble: the calls below report it; try the move again next time
        },
      );
      await this.adopting;
    }
    return store;
  }

  private get space(): ItemSpace {
    return this.catalog.space;
  }

  private get modelKey(): string {
    return `fusion:${this.catalog.profileKey}`;
  }

  private get adapterKey(): string {
    return `adapter:${this.catalog.profileKey}`;
  }

  /** The learned model when for-you uses it (blended in with a weight above 0): what the adapter adapts. */
  private get activeLearned(): LearnedRanker | undefined {
    const learned = this.catalog.learned;
    return learned && learned.blendWeight > 0 ? learned : undefined;
  }

  /** `sentiment`: a review's P(positive), read by the engine from `extra.text` (required for reviews). */
  async track(type: TrackedEventType, itemId: string, extra: TrackExtra = {}, sentiment?: number): Promise<TrackResult> {
    if (!(EVENT_TYPES as readonly string[]).includes(type))
      throw new InvalidRequestError(`track: unknown event type ${JSON.stringify(type)} (expected one of ${EVENT_TYPES.join(', ')})`);
    if (typeof itemId !== 'string') throw new InvalidRequestError(`track: the item id must be a string, got ${typeof itemId}`);
    if (extra.dwellMs !== undefined && (!Number.isFinite(extra.dwellMs) || extra.dwellMs < 0))
      throw new InvalidRequestError(`track: dwellMs must be a number ≥ 0, got ${extra.dwellMs}`);
    if (extra.dwellMs !== undefined && type !== 'view') throw new InvalidRequestError(`track: dwellMs is only for views, not ${type}`);
    if (extra.text !== undefined && type !== 'review') throw new InvalidRequestError(`track: text is only for reviews, not ${type}`);
    if (type === 'review' && (typeof extra.text !== 'string' || sentiment === undefined))
      throw new InvalidRequestError('track: a review needs { text } and its sentiment');
    const review = type === 'review' ? { text: extra.text!, sentiment: sentiment! } : {};
    // A catalog item is never embedded again, whatever content comes with it.
    const inCatalog = this.space.indexOf(itemId) !== undefined;
    // The adapter's step predicts this event from the history before it: read that first.
    const adapting = inCatalog && POSITIVE_FEEDBACK.has(type) && this.activeLearned !== undefined;
    const before = adapting ? await this.catalogEvents() : undefined;
    const shownBefore = this.lastShown?.ids;
    const subject = inCatalog ? { itemId } : { adhocId: await this.offCatalogItem(itemId, extra.content) };
    let stored = true;
    try {
      await (
        await this.profile()
      ).addEvent({
        type,
        ...subject,
        catalog: this.catalog.profileKey,
        ...(extra.at !== undefined ? { at: extra.at } : {}),
        ...(extra.dwellMs !== undefined ? { dwellMs: extra.dwellMs } : {}),
        ...review,
      });
    } catch (error) {
      // Storage full: the store keeps the event in its pending queue (nothing lost) and says so.
      if ((error as { code?: string }).code !== 'quota-exceeded') throw error;
      stored = false;
    }
    const personal = inCatalog && POSITIVE_FEEDBACK.has(type) ? await this.learnFrom(itemId) : false;
    const adapted = before ? await this.adaptTo(itemId, before, shownBefore) : false;
    const learned = personal || adapted;
    const verdict =
      sentiment !== undefined && type === 'review'
        ? { review: { polarity: sentiment >= 0.5 ? ('positive' as const) : ('negative' as const), positive: sentiment } }
        : {};
    return { stored, pending: (await this.profile()).pendingCount(), learned, ...verdict };
  }

  /**
   * The history key of an item the catalog lacks: its stored vectors when it was seen before,
   * else its content embedded now and stored (all modalities or, on any refusal, nothing).
   */
  private async offCatalogItem(itemId: string, content: unknown): Promise<string> {
    const key = offCatalogKey(itemId);
    const store = await this.profile();
    if (await hasOffCatalogItem(store, key)) return key;
    if (content === undefined) {
      throw new InvalidRequestError(
        `track: unknown item id ${JSON.stringify(itemId)} (not in catalog "${this.catalog.name}"; an item the catalog lacks needs its content: { content: { title, image, audio } })`,
      );
    }
    if (!this.embedOffCatalog)
      throw new InvalidRequestError(
        `track: item ${JSON.stringify(itemId)} is not in catalog "${this.catalog.name}" and this engine has no encoders to embed its content`,
      );
    const vectors = await this.embedOffCatalog(itemId, content, this.space.modalities);
    const { title, description } = content as { title?: string; description?: string };
    await storeOffCatalogItem(store, key, title ?? description, vectors);
    return key;
  }

  /**
   * `record: false` leaves no 'shown' impression (benchmarks); `learned: false` leaves the learned
   * model out of for-you (benchmarks: today's fusion path side by side with the blend).
   */
  async recommend(request: RecommendRequest, options: { record?: boolean; learned?: boolean } = {}): Promise<RecommendedItem[]> {
    const { k } = validateRequest(request);
    // One read of the profile serves both the rules (seen, cart, dismissed) and the history.
    const events = await this.catalogEvents();
    const context = ruleContext(events);
    switch (request.mode) {
      case 'for-you': {
        const tokens = await this.historyTokens(events);
        if (tokens.length === 0) return this.popular(k, request, context, 'No history yet.');
        const model = await this.personalModel();
        const scored = await scoreItems(this.space, this.catalog.signals, tokens, model);
        const rules = { excludeSeen: true, ...request.rules };
        const allowed = allowedItems(this.space.items, { ...rules, filters: request.filters }, context);
        const learned = options.learned === false ? undefined : this.activeLearned;
        const state = learned ? learned.userState(await this.learnedHistoryOf(events, learned)) : null;
        let blend: LearnedBlend | undefined;
        if (learned && state) {
          // The on-device adapter moves the user vector; attention (the explanation's "from") is the model's.
          const user = { ...state, vector: adaptUser(state.vector, await this.adapterState(learned)) };
          const fusion = zScores(scored.scores);
          scored.scores = await blendWithLearned({
            fusion: scored.scores,
            ranker: learned,
            user: user.vector,
            weight: learned.blendWeight,
            int8: this.int8Ranker(),
            allowed,
            depth: poolSize(k),
            // Items the boosts touch (applyBoosts on zeros only marks them) and pinned items are
            // scored exactly whatever their rank: they are shown and explained.
            boosted: [
              ...applyBoosts(this.space.items, new Float32Array(this.space.itemCount), rules.boost).keys(),
              ...(rules.pin ?? []).flatMap((id) => this.space.indexOf(id) ?? []),
            ],
          });
          // The blend's two terms, kept for the explanations of the k shown (exact for every item that can be shown).
          const blended = scored.scores;
          blend = { ranker: learned, user, fusion, learned: fusion.map((z, i) => blended[i]! - z) };
        }
        const items = this.finish(scored, tokens, model, k, request, rules, context, allowed, blend);
        if (options.record === false || items.length === 0) return items;
        this.lastShown = { ids: items.map((i) => i.id), scored };
        await (
          await this.profile()
        )
          .addEvent({ type: 'shown', itemId: items[0]!.id, catalog: this.catalog.profileKey, context: { mode: 'for-you', shownIds: items.map((i) => i.id) } })
          .catch(() => undefined);
        return items;
      }
      case 'similar': {
        const index = this.space.indexOf(request.itemId ?? '');
        if (request.itemId === undefined) throw new InvalidRequestError('recommend: mode "similar" needs an itemId');
        if (index === undefined)
          throw new InvalidRequestError(`recommend: unknown item id ${JSON.stringify(request.itemId)} (not in catalog "${this.catalog.name}")`);
        const modality = request.modality ?? 'fused';
        if (modality !== 'fused' && !this.space.modalities.includes(modality))
          throw new InvalidRequestError(`recommend: the catalog has no ${modality} vectors (it has: ${this.space.modalities.join(', ')})`);
        const lookup = catalogItemLookup(this.space)(request.itemId)!;
        const vectors = modality === 'fused' ? lookup.vectors : { [modality]: lookup.vectors[modality] };
        if (modality !== 'fused' && !vectors[modality]) return [];
        const token: HistoryToken = { key: request.itemId, itemIndex: index, adhoc: false, title: lookup.title, vectors, weight: 1, position: 0 };
        const model = similarModel(this.catalog.model, modality);
        const scored = await scoreItems(this.space, this.catalog.signals, [token], model);
        return this.finish(scored, [token], model, k, request, { excludeIds: [request.itemId], ...request.rules }, context);
      }
      case 'by-example': {
        const example =
          request.itemId !== undefined
            ? await (await this.profile()).adhocItem(request.itemId)
            : (await (await this.profile()).adhocItems()).sort((a, b) => b.createdAt - a.createdAt)[0];
        if (!example)
          throw new InvalidRequestError(
            request.itemId !== undefined
              ? `recommend: no example with id ${JSON.stringify(request.itemId)}`
              : 'recommend: no example yet: call searchByExample first',
          );
        return this.byExample(example, k, request, context);
      }
      case 'popular':
        return this.popular(k, request, context);
    }
  }

  /**
   * The learned model alone for the current profile (benchmarks): its user vector and its top `k`
   * over the allowed items by the engine's int8 kernel, no fusion, with the time of each part;
   * undefined without a learned model or a history it knows.
   */
  async learnedTopK(k: number): Promise<{ rows: RankedRows; userVectorMs: number; rankMs: number } | undefined> {
    const learned = this.catalog.learned;
    if (!learned) return undefined;
    const events = await this.catalogEvents();
    const started = performance.now();
    const user = learned.userVector(await this.learnedHistoryOf(events, learned));
    if (!user) return undefined;
    const ranking = performance.now();
    const allowed = allowedItems(this.space.items, { excludeSeen: true }, ruleContext(events));
    const rows = await learned.topK(user, k, allowed, this.int8Ranker());
    return { rows, userVectorMs: ranking - started, rankMs: performance.now() - ranking };
  }

  /**
   * Store an ad-hoc example (its vector), record it as viewed, and rank the catalog by it.
   * `companions`: more vectors of the same example in other modalities (a video's soundtrack
   * next to its frames), each stored and viewed as its own ad-hoc item and ranked together with
   * the example as one token; a modality the catalog lacks is left out.
   */
  async searchByExample(
    example: Omit<AdhocItem, 'id' | 'createdAt'>,
    k: number,
    companions: ReadonlyArray<Omit<AdhocItem, 'id' | 'createdAt'>> = [],
  ): Promise<{ exampleId: string; items: RecommendedItem[] }> {
    validateRequest({ mode: 'by-example', k });
    if (!this.space.modalities.includes(example.modality)) {
      throw new InvalidRequestError(
        `searchByExample: catalog "${this.catalog.name}" has no ${example.modality} vectors to compare a ${example.modality} example with (it has: ${this.space.modalities.join(', ')})`,
      );
    }
    for (const vector of [example, ...companions]) this.checkEncoder(vector.modality, vector.encoder);
    const id = `example-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const store = await this.profile();
    const stored = await store.putAdhocItem({ ...example, id });
    const storedCompanions: AdhocItem[] = [];
    for (const companion of companions.filter((c) => c.modality !== example.modality && this.space.modalities.includes(c.modality))) {
      storedCompanions.push(await store.putAdhocItem({ ...companion, id: `${id}-${companion.modality}` }));
    }
    for (const adhocId of [id, ...storedCompanions.map((c) => c.id)]) {
      await store.addEvent({ type: 'view', adhocId, catalog: this.catalog.profileKey }).catch((error: { code?: string }) => {
        if (error.code !== 'quota-exceeded') throw error;
      });
    }
    const items = await this.byExample(stored, k, { mode: 'by-example', k }, ruleContext(await this.catalogEvents()), storedCompanions);
    return { exampleId: id, items };
  }

  /** An example embedded by another encoder than the catalog's lives in another space: refuse it, naming both. */
  private checkEncoder(modality: Modality, runtime: AdhocEncoder): void {
    const built = this.catalog.encoders?.[modality];
    if (!built) return;
    if (built.name !== runtime.name || built.version !== runtime.version || built.dims !== runtime.dims) {
      throw new EncoderMismatchError(modality, describeEncoder(runtime), describeEncoder(built));
    }
  }

  private async byExample(
    example: AdhocItem,
    k: number,
    request: RecommendRequest,
    context: RuleContext,
    companions: readonly AdhocItem[] = [],
  ): Promise<RecommendedItem[]> {
    const vectors: HistoryToken['vectors'] = { [example.modality]: example.vector };
    for (const companion of companions) vectors[companion.modality] = companion.vector;
    const token: HistoryToken = { key: example.id, adhoc: true, title: example.label, vectors, weight: 1, position: 0 };
    const model = similarModel(this.catalog.model, 'fused');
    const scored = await scoreItems(this.space, this.catalog.signals, [token], {
      ...model,
      weights: { ...model.weights, sequential: 0, coOccurrence: 0, popularity: 0 },
    });
    return this.finish(scored, [token], model, k, request, { ...request.rules }, context);
  }

  /** Popular with shoppers when the catalog has their signals; without them, typical of its category (and the summary says which). */
  private async popular(k: number, request: RecommendRequest, context: RuleContext, lead = ''): Promise<RecommendedItem[]> {
    const signals = this.catalog.signals;
    const scores = signals.hasSignals ? Float32Array.from(signals.popularity) : this.representativeness();
    const allowed = allowedItems(this.space.items, { ...request.rules, filters: request.filters }, context);
    // z-scores over the allowed items, so boosts and pins work on one scale whatever the head.
    const normalised = standardise(scores, allowed);
    const touched = applyBoosts(this.space.items, normalised, request.rules?.boost);
    // The default cap (a soft one) shows the breadth of the shop; a cap the caller sets is hard.
    const diversity =
      request.diversity === false
        ? undefined
        : {
            lambda: 0.9,
            perCategoryCap: Math.max(1, Math.ceil(k / 4)),
            categoryDepth: 1,
            fillToK: request.diversity?.perCategoryCap === undefined,
            ...request.diversity,
          };
    const picked = this.pick(normalised, allowed, k, diversity, request.rules?.pin);
    return picked.map((index) => ({
      id: this.space.items[index]!.id,
      title: this.space.items[index]!.title,
      category: this.space.items[index]!.category,
      ...this.mediaUrls(index),
      score: round4(normalised[index]!),
      explanation: {
        summary: `${lead ? `${lead} ` : ''}${signals.hasSignals ? 'Popular with shoppers.' : 'Typical of its category (no shopper data yet).'}`,
        because: [],
        modalities: {},
        collaborative: signals.hasSignals ? 1 : 0,
        signals: { sequential: 0, coOccurrence: 0, popularity: signals.hasSignals ? 1 : 0 },
        rules: touched.get(index) ?? [],
      },
    }));
  }

  private finish(
    scored: ScoredItems,
    tokens: readonly HistoryToken[],
    model: FusionModel,
    k: number,
    request: RecommendRequest,
    rules: Omit<BusinessRules, 'filters'>,
    context: RuleContext,
    allowed = allowedItems(this.space.items, { ...rules, filters: request.filters }, context),
    blend?: LearnedBlend,
  ): RecommendedItem[] {
    const normalised = standardise(scored.scores, allowed);
    const touched = applyBoosts(this.space.items, normalised, rules.boost);
    const diversity = request.diversity === false ? undefined : { lambda: 0.8, ...request.diversity };
    const picked = this.pick(normalised, allowed, k, diversity, rules.pin);
    // The learned model explains the k picked items only (one small tower batch).
    const attributions = blend
      ? blend.ranker.explain(blend.user, picked, (row, m) => (this.space.modalities.includes(m) ? this.space.vector(row, m) : undefined))
      : [];
    return picked.map((index, rank) => {
      const item = this.space.items[index]!;
      const ruleNotes = [...(touched.get(index) ?? []), ...(rules.pin?.includes(item.id) ? ['pinned'] : [])];
      return {
        id: item.id,
        title: item.title,
        category: item.category,
        ...this.mediaUrls(index),
        score: round4(normalised[index]!),
        explanation: explainItem(index, {
          space: this.space,
          signals: this.catalog.signals,
          tokens,
          weights: model.weights,
          features: featureRow(scored.features, index),
          recentItems: model.recentItems,
          recentDecay: model.recentDecay,
          rules: ruleNotes,
          ...(blend ? { learned: { fusion: blend.fusion[index]!, learned: blend.learned[index]!, attribution: attributions[rank]! } } : {}),
        }),
      };
    });
  }

  private mediaUrls(index: number): { imageUrl?: string; audioUrl?: string; videoUrl?: string } {
    return this.catalog.baseUrl === undefined ? {} : itemMediaUrls(this.catalog.baseUrl, this.space.items[index]!);
  }

  /** Pins first (if allowed), then the top of the pool, diversified by MMR when asked. */
  private pick(
    scores: Float32Array,
    allowed: Uint8Array,
    k: number,
    diversity: { lambda?: number; perCategoryCap?: number; categoryDepth?: number; fillToK?: boolean } | undefined,
    pin: string[] = [],
  ): number[] {
    const pinned = pin.map((id) => this.space.indexOf(id)).filter((i): i is number => i !== undefined && allowed[i] === 1);
    const taken = new Set(pinned);
    const candidates: number[] = [];
    for (let i = 0; i < scores.length; i++) if (allowed[i] && !taken.has(i)) candidates.push(i);
    candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
    const rest = k - pinned.length;
    if (rest <= 0) return pinned.slice(0, k);
    if (!diversity) return [...pinned, ...candidates.slice(0, rest)];
    const pool = candidates.slice(0, poolSize(rest));
    const depth = diversity.categoryDepth ?? 1;
    const chosen = diversify(pool, scores, rest, {
      lambda: diversity.lambda ?? 0.8,
      perCategoryCap: diversity.perCategoryCap,
      fillToK: diversity.fillToK,
      categoryOf: (i) => this.space.items[i]!.category.split('/').slice(0, depth).join('/'),
      similarity: (a, b) => this.space.similarity(a, b),
    });
    return [...pinned, ...chosen];
  }

  /** Cold-start prior: cosine of each item to its top-level category's mean, averaged over modalities. */
  private representativeness(): Float32Array {
    if (this.representative) return this.representative;
    const n = this.space.itemCount;
    const out = new Float32Array(n);
    const counts = new Float32Array(n);
    const categoryOf = (i: number) => this.space.items[i]!.category.split('/')[0]!;
    for (const m of this.space.modalities) {
      const dims = this.space.dims(m);
      const means = new Map<string, Float32Array>();
      for (let i = 0; i < n; i++) {
        const v = this.space.vector(i, m);
        if (!v) continue;
        const c = categoryOf(i);
        const mean = means.get(c) ?? new Float32Array(dims);
        for (let d = 0; d < dims; d++) mean[d]! += v[d]!;
        means.set(c, mean);
      }
      for (let i = 0; i < n; i++) {
        const v = this.space.vector(i, m);
        if (!v) continue;
        const mean = means.get(categoryOf(i))!;
        let dot = 0;
        let norm = 0;
        for (let d = 0; d < dims; d++) {
          dot += v[d]! * mean[d]!;
          norm += mean[d]! * mean[d]!;
        }
        out[i]! += norm > 0 ? dot / Math.sqrt(norm) : 0;
        counts[i]! += 1;
      }
    }
    for (let i = 0; i < n; i++) out[i] = counts[i]! > 0 ? out[i]! / counts[i]! : 0;
    this.representative = out;
    return out;
  }

  private async catalogEvents(): Promise<ProfileEvent[]> {
    return await (await this.profile()).events({ catalog: this.catalog.profileKey, limit: HISTORY_WINDOW, excludeTypes: ['shown'] });
  }

  private async historyTokens(events: readonly ProfileEvent[]): Promise<HistoryToken[]> {
    const adhocIds = new Set(events.map((e) => e.adhocId).filter((id): id is string => id !== undefined));
    const adhoc = new Map<string, { title?: string; vectors: HistoryToken['vectors'] }>();
    const store = await this.profile();
    const dimsOf = (m: Modality) => (this.space.modalities.includes(m) ? this.space.dims(m) : undefined);
    for (const id of adhocIds) {
      if (isOffCatalogKey(id)) {
        const item = await offCatalogTokenVectors(store, id, dimsOf);
        if (item) adhoc.set(id, item);
        continue;
      }
      const item = await store.adhocItem(id);
      if (item && item.vector.length === dimsOf(item.modality))
        adhoc.set(id, { ...(item.label !== undefined ? { title: item.label } : {}), vectors: { [item.modality]: item.vector } });
    }
    return historyTokens(events, { catalogItem: catalogItemLookup(this.space), adhocItem: (id) => adhoc.get(id) }, { halfLife: this.catalog.model.halfLife });
  }

  private async personalState(): Promise<PersonalState> {
    if (this.personal) return this.personal;
    const saved = await (await this.profile()).modelState(this.modelKey);
    // A state saved before the `graph` feature (last in FEATURES) lacks its offset: 0.
    this.personal =
      saved && saved.version === MODEL_STATE_VERSION && (saved.weights.length === FEATURES.length || saved.weights.length === FEATURES.length - 1)
        ? { offsets: Object.fromEntries(FEATURES.map((f, i) => [f, saved.weights[i] ?? 0])) as FeatureWeights, updates: saved.updates }
        : emptyPersonalState();
    return this.personal;
  }

  private async personalModel(): Promise<FusionModel> {
    const state = await this.personalState();
    return { ...this.catalog.model, weights: personalWeights(this.catalog.model.weights, state) };
  }

  /** One bounded step when a positive action hits an item of the last for-you list. */
  private async learnFrom(itemId: string): Promise<boolean> {
    const shown = this.lastShown;
    if (!shown || !shown.ids.includes(itemId)) return false;
    const positive = featureRow(shown.scored.features, this.space.indexOf(itemId)!);
    const skipped = shown.ids.filter((id) => id !== itemId).map((id) => featureRow(shown.scored.features, this.space.indexOf(id)!));
    const next = learnFromFeedback(this.catalog.model.weights, await this.personalState(), positive, skipped);
    this.personal = next;
    this.lastShown = { ...shown, ids: shown.ids.filter((id) => id !== itemId) };
    await (
      await this.profile()
    ).putModelState({ key: this.modelKey, version: MODEL_STATE_VERSION, weights: FEATURES.map((f) => next.offsets[f]), updates: next.updates });
    return true;
  }

  /** The stored adapter, validated against the model's dims and bound (anything else starts fresh). */
  private async adapterState(learned: LearnedRanker): Promise<UserAdapterState> {
    if (this.adapter) return this.adapter;
    const saved = await (await this.profile()).modelState(this.adapterKey);
    const stored = saved && saved.version === ADAPTER_STATE_VERSION ? adapterFromStored(saved.weights, saved.updates, learned.config.dims) : undefined;
    this.adapter = stored ?? emptyAdapter(learned.config.dims);
    return this.adapter;
  }

  /**
   * One adapter step for a positive action on catalog item `itemId`, predicted from the history
   * before it (`before`); negatives: the other items of the last for-you list when it held the
   * item, and ADAPTER_SAMPLED_NEGATIVES uniform draws. False when there is no history yet.
   */
  private async adaptTo(itemId: string, before: readonly ProfileEvent[], shownIds: readonly string[] | undefined): Promise<boolean> {
    const learned = this.activeLearned;
    const positive = this.space.indexOf(itemId);
    if (!learned || positive === undefined) return false;
    const user = learned.userVector(await this.learnedHistoryOf(before, learned));
    if (!user) return false;
    const state = await this.adapterState(learned);
    const shown = shownIds?.includes(itemId) ? shownIds.filter((id) => id !== itemId).flatMap((id) => this.space.indexOf(id) ?? []) : [];
    // Items already in the history are never shown by for-you: not negatives either (as in the replay evaluation).
    const exclude = new Set([positive, ...shown, ...before.flatMap((e) => (e.itemId === undefined ? [] : (this.space.indexOf(e.itemId) ?? [])))]);
    const sampled = sampleNegativeRows(learned.itemCount, exclude, ADAPTER_SAMPLED_NEGATIVES, (ADAPTER_SEED ^ state.updates) >>> 0);
    const next = adapterStep(
      state,
      user,
      learned.itemVector(positive),
      [...shown, ...sampled].map((row) => learned.itemVector(row)),
    );
    if (next === state) return false;
    this.adapter = next;
    await (
      await this.profile()
    ).putModelState({ key: this.adapterKey, version: ADAPTER_STATE_VERSION, weights: Array.from(next.delta), updates: next.updates });
    return true;
  }

  /**
   * The learned model's history of `events`: catalog items by row, and items the catalog lacks
   * by their tower vector, made from their stored content by the catalog's own item tower
   * (issue 10 item 5). The tower vector is derived, not stored: it follows the catalog's model,
   * and the content it comes from is what the profile keeps (and forget() deletes). Cached per
   * key for this engine's life; an off-catalog item is never re-embedded, so it cannot go stale.
   */
  private async learnedHistoryOf(events: readonly ProfileEvent[], learned: LearnedRanker): Promise<LearnedHistoryEvent[]> {
    const keys = new Set(events.flatMap((e) => (e.adhocId !== undefined && isOffCatalogKey(e.adhocId) ? [e.adhocId] : [])));
    const vectors = new Map<string, Float32Array>();
    if (keys.size > 0) {
      const store = await this.profile();
      const dimsOf = (m: Modality) => (this.space.modalities.includes(m) ? this.space.dims(m) : undefined);
      if (this.towerVectors.size > MAX_OFF_CATALOG_ITEMS) this.towerVectors.clear();
      for (const key of keys) {
        let vector = this.towerVectors.get(key);
        if (!vector) {
          const item = await offCatalogTokenVectors(store, key, dimsOf);
          vector = (item && learned.contentVector(item.vectors)) ?? undefined;
          if (vector) this.towerVectors.set(key, vector);
        }
        if (vector) vectors.set(key, vector);
      }
    }
    return learnedHistory(
      events,
      (id) => this.space.indexOf(id),
      (key) => vectors.get(key),
    );
  }

  /** After forget(): the personal model, the user adapter and the off-catalog items' tower vectors are gone too. */
  resetPersonal(): void {
    this.personal = undefined;
    this.adapter = undefined;
    this.towerVectors.clear();
    this.lastShown = undefined;
  }
}

/** What the rules need from the profile: items seen, in the cart (added, not removed or bought), dismissed. */
function ruleContext(events: readonly ProfileEvent[]): RuleContext {
  const seen = new Set<string>();
  const inCart = new Set<string>();
  const dismissed = new Set<string>();
  for (const e of events) {
    if (!e.itemId) continue;
    seen.add(e.itemId);
    if (e.type === 'add-to-cart') inCart.add(e.itemId);
    if (e.type === 'remove-from-cart' || e.type === 'purchase') inCart.delete(e.itemId);
    if (e.type === 'dismiss') dismissed.add(e.itemId);
  }
  return { seen, inCart, dismissed };
}

/** How many of the best items MMR diversifies among for a list of `k` (the learned blend keeps these exact). */
function poolSize(k: number): number {
  return Math.max(50, k * 5);
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** `similar` and `by-example`: content in the asked modality, plus co-occurrence; no popularity. */
function similarModel(model: FusionModel, modality: Modality | 'fused'): FusionModel {
  const content = (m: Modality | 'shared') => (modality === 'fused' ? Math.max(0.25, model.weights[m]) : m === modality ? 1 : 0);
  return {
    ...model,
    head: model.head === 'mlp' ? 'late' : model.head,
    weights: {
      text: content('text'),
      image: content('image'),
      audio: content('audio'),
      shared: content('shared'),
      sequential: 0,
      coOccurrence: modality === 'fused' ? model.weights.coOccurrence : 0,
      popularity: 0,
      graph: 0,
    },
  };
}

export function validateRequest(request: Partial<RecommendRequest>): { k: number } {
  if (typeof request !== 'object' || request === null) throw new InvalidRequestError('recommend: expected an options object { mode, k, … }');
  if (!(RECOMMEND_MODES as readonly unknown[]).includes(request.mode))
    throw new InvalidRequestError(`recommend: unknown mode ${JSON.stringify(request.mode)} (expected one of ${RECOMMEND_MODES.join(', ')})`);
  const k = request.k;
  if (typeof k !== 'number' || !Number.isInteger(k) || k <= 0)
    throw new InvalidRequestError(`recommend: k must be a whole number ≥ 1, got ${JSON.stringify(k)}`);
  if (k > MAX_K) throw new InvalidRequestError(`recommend: k must be at most ${MAX_K}, got ${k}`);
  if (request.filters !== undefined) {
    if (!Array.isArray(request.filters)) throw new InvalidRequestError('recommend: filters must be an array');
    checkFilters(request.filters);
  }
  const d = request.diversity;
  if (d !== undefined && d !== false) {
    if (d.lambda !== undefined && !(d.lambda >= 0 && d.lambda <= 1))
      throw new InvalidRequestError(`recommend: diversity.lambda must be in [0, 1], got ${d.lambda}`);
    if (d.perCategoryCap !== undefined && !(Number.isInteger(d.perCategoryCap) && d.perCategoryCap >= 1))
      throw new InvalidRequestError(`recommend: diversity.perCategoryCap must be a whole number ≥ 1, got ${d.perCategoryCap}`);
  }
  return { k };
}
