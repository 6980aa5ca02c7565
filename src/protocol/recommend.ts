/**
 * Types of the recommender part of the page ↔ worker boundary: events the page tracks,
 * what it asks for, and what comes back (each item with its explanation).
 */
import type { Modality } from './embedding.ts';

/** What a user did. `shown` is recorded by the engine itself when a list is displayed. */
export const EVENT_TYPES = ['view', 'click', 'add-to-cart', 'remove-from-cart', 'purchase', 'dismiss', 'review'] as const;
export type TrackedEventType = (typeof EVENT_TYPES)[number];

/** Largest k a caller may ask for; beyond this a ranking is no longer a recommendation. */
export const MAX_K = 1000;

export const RECOMMEND_MODES = ['for-you', 'similar', 'by-example', 'popular'] as const;
export type RecommendMode = (typeof RECOMMEND_MODES)[number];

/** Which fusion head scores the content part (see src/engine/recommend/fusion-heads.ts). */
export const FUSION_HEADS = ['late', 'mlp', 'attention'] as const;
export type FusionHeadName = (typeof FUSION_HEADS)[number];

export interface TrackExtra {
  /** How long a view lasted; longer views weigh more (capped). */
  dwellMs?: number;
  /**
   * The words of a `review` (required there, refused elsewhere): at most MAX_REVIEW_CHARS
   * characters, not blank. Stored in the profile with the event; never sent anywhere.
   */
  text?: string;
  /** When it happened (ms since 1970); default now. */
  at?: number;
  /**
   * What an item the catalog does not have looks, reads or sounds like: the worker embeds it
   * once, on this device, and keeps the vectors in the profile (see OffCatalogContent). Ignored
   * for a catalog item, whose vectors the catalog already has.
   */
  content?: OffCatalogContent;
}

/**
 * The content of an off-catalog item (a product the shop sells but the catalog was built
 * without). At least one of title, image or audio; each given part must be one the encoders
 * accept (an EncoderInputError otherwise, and nothing is stored). A URL must be of the page's
 * own origin and is fetched without redirects: nothing leaves the device.
 */
export interface OffCatalogContent {
  /** The item's name; embedded with `description` by the text encoder. */
  title?: string;
  description?: string;
  /** A picture: an encoded file (PNG, JPEG, WebP, GIF, SVG) or a same-origin URL of one. */
  image?: Blob | string;
  /** A sound (at most MAX_EXAMPLE_AUDIO_SECONDS): an encoded file or a same-origin URL of one. */
  audio?: Blob | string;
}

/** What the engine read from a review: `positive` = P(positive) from the sentiment head. */
export interface ReviewVerdict {
  /** `positive` when P(positive) ≥ 0.5. */
  polarity: 'positive' | 'negative';
  /** P(positive), 0…1: how sure the head is (0.5 = undecided). */
  positive: number;
}

/** What `track` answers: whether the event is stored (or queued because storage is full), and for a review what it said. */
export interface TrackResult {
  stored: boolean;
  /** Events waiting to be written (storage full). */
  pending: number;
  /** Whether the personal model learned from it (a click on the last for-you list). */
  learned: boolean;
  /** Only for `review`. */
  review?: ReviewVerdict;
}

/** A business rule on an item field: `category` matches the path and its sub-paths. */
export interface FieldFilter {
  field: 'category' | 'price' | 'stock' | 'id' | (string & {});
  /** Keep items whose field equals one of these (category: or lies under one of them). */
  in?: Array<string | number>;
  /** Drop items whose field equals one of these (category: or lies under one of them). */
  notIn?: Array<string | number>;
  min?: number;
  max?: number;
}

export interface BusinessRules {
  /** All must hold. */
  filters?: FieldFilter[];
  /** Drop items whose `stock` is 0 (default true). */
  excludeOutOfStock?: boolean;
  /** Drop items in the cart (added and not removed or bought; default true). */
  excludeInCart?: boolean;
  /** Drop items the user already viewed, bought or dismissed (default true in for-you). */
  excludeSeen?: boolean;
  /** Item ids shown first, in this order, if they pass the filters. */
  pin?: string[];
  /** Multiply-free additive boosts on the normalised score, by item id or category path (negative buries). */
  boost?: Array<{ id?: string; category?: string; by: number }>;
  excludeIds?: string[];
}

export interface DiversityOptions {
  /** MMR trade-off: 1 = relevance only, 0 = diversity only (default 0.8). */
  lambda?: number;
  /** At most this many items of one category (default none). */
  perCategoryCap?: number;
  /** Category depth used by the cap: 1 = top-level folder (default 1). */
  categoryDepth?: number;
}

export interface RecommendRequest {
  mode: RecommendMode;
  k: number;
  /** `similar`: the item to find neighbours of. */
  itemId?: string;
  /** `similar`: one modality, or all fused (default). */
  modality?: Modality | 'fused';
  filters?: FieldFilter[];
  rules?: Omit<BusinessRules, 'filters'>;
  diversity?: DiversityOptions | false;
}

/** Where a recommended item's score comes from. */
export interface Explanation {
  /** One sentence for people. */
  summary: string;
  /** History items (or ad-hoc examples) that contributed most, with their share of the content score. */
  because: Array<{ id: string; title?: string; adhoc?: boolean; share: number }>;
  /** Share of the positive score per modality's similarity (sums with `collaborative` to ≈1). */
  modalities: Partial<Record<Modality | 'shared', number>>;
  /** Share from the catalog's aggregated signals: what others viewed next, together, most. */
  collaborative: number;
  /**
   * Parts of `collaborative`. `learned`: the catalog's learned model's item-id embeddings
   * (trained on the shop's sessions), only when that model is blended into for-you.
   */
  signals: { sequential: number; coOccurrence: number; popularity: number; learned?: number };
  /** Share from propagation over the catalog's item graph (personalised PageRank from the history), when it weighs in. */
  graph?: number;
  /** Rules that changed this item's place. */
  rules: string[];
  /**
   * The catalog's learned model's part, only when it is blended into for-you (blend weight > 0)
   * and adds to this item's score. Already counted in the shares above (its modality parts in
   * `modalities`, its id part in `signals.learned`, its `from` items in `because`); here for
   * a closer look.
   */
  learned?: LearnedExplanation;
}

/** What the learned model says about one recommended item (shares of its own part unless said otherwise). */
export interface LearnedExplanation {
  /** The learned model's share of the item's whole score (0–1). */
  share: number;
  /**
   * History items the model's score came from (attention × similarity), at most 3, best first;
   * `adhoc` marks an item the catalog lacks (viewed off-catalog), named by its profile key.
   */
  from: Array<{ id: string; title?: string; adhoc?: boolean; share: number }>;
  /** Per modality: how much of the model's score goes when the item tower leaves that modality out (ablation). */
  modalities: Partial<Record<Modality, number>>;
  /** The same for the item's learned id embedding; with `modalities` it sums to ≈1. */
  id: number;
}

export interface RecommendedItem {
  id: string;
  title: string;
  category: string;
  /** Absolute URLs of the item's media, when the catalog has them (a video item's `imageUrl` is its poster frame). */
  imageUrl?: string;
  audioUrl?: string;
  videoUrl?: string;
  score: number;
  explanation: Explanation;
}

/** A search example: words, a picture, a sound or a video (its key frames and soundtrack). */
export type ExampleInput = { text: string } | { image: Blob } | { audio: Blob } | { video: Blob };

/** Longest sound a search by example accepts; a longer one is refused with an EncoderInputError (code `too-long`). */
export { MAX_EXAMPLE_AUDIO_SECONDS } from './limits.ts';

/** What is stored about the user (counts only; `exportData` gives everything). */
export interface ProfileSummary {
  events: number;
  adhocItems: number;
  modelStates: number;
  /** Events waiting to be written (e.g. the storage quota was full). */
  pending: number;
  /** Set when IndexedDB cannot be used here and the profile lives in the engine's memory only (until the page closes): why, for the user. */
  notice?: string;
  /** Stored records that were not valid when read back (changed outside the app, a damaged disk) and were skipped, when there were any. */
  skippedRecords?: number;
}
