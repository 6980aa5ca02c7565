/**
 * Types shared by the offline evaluation (MovieLens-100k with posters and plots, see
 * ../shared/DATA.md): the data, the per-user cases a protocol produces, and the interface
 * every evaluated recommender (baselines and the engine's variants) implements.
 *
 * Items are dense indices 0…itemCount−1 (MovieLens item id − 1).
 */

export interface Rating {
  user: number;
  /** Item index (MovieLens item id − 1). */
  item: number;
  rating: number;
  /** Unix seconds. */
  time: number;
}

/** One content space: a unit vector per item, or undefined where the item lacks that modality. */
export interface ContentSpace {
  dims: number;
  rows: Array<Float32Array | undefined>;
}

/**
 * What every item looks and reads like, new items included: a new product has content before
 * it has any interaction (protocol C). Vectors are L2-normalised.
 */
export interface ItemContent {
  text: ContentSpace;
  image: ContentSpace;
  /** The item's categories (MovieLens genres). */
  categories: string[][];
}

/** What a recommender may learn from: the "shop's logs" of a split. Never contains an evaluated target. */
export interface TrainData {
  itemCount: number;
  /** Sorted by user, then time with ties by the (user, item) hash (tie-hash.ts). */
  ratings: Rating[];
  /**
   * Content of every item (set by the runner when the run has it; protocol C always does).
   * Items with no training interaction can be scored from this alone.
   */
  content?: ItemContent;
}

/** One evaluated case: a user's visible history (oldest first) and what is held out. */
export interface UserCase {
  user: number;
  /** Item indices, oldest first (ties by the (user, item) hash). Ranked lists never contain these. */
  history: number[];
  /** Unix seconds of each history item. */
  historyTimes: number[];
  /** Held-out items (protocol B: exactly one). */
  targets: number[];
  /**
   * The items this case ranks (protocol C: the new items), ascending. Absent: every item
   * not in the history.
   */
  candidates?: Int32Array;
}

/** A recommender under evaluation; higher score = better. */
export interface EvaluatedRecommender {
  name: string;
  /** Short label for the table's group (e.g. "baseline", "content", "hybrid"). */
  group: string;
  /** Learn from the split's training data; called once per protocol before any `score`. */
  fit(train: TrainData): void | Promise<void>;
  /**
   * A score for every item (length itemCount); the runner keeps the case's candidates minus
   * its history and takes the top k. Items outside the candidates may score anything finite.
   */
  score(user: UserCase): Float32Array | Promise<Float32Array>;
  /**
   * Optional re-ranking with the recommender's own diversity (the engine's MMR): pick k of
   * `pool` (allowed items, best first by `scores`) at trade-off λ (1 = relevance only).
   * The accuracy–diversity curve sweeps λ through this.
   */
  diversify?(pool: Int32Array, scores: Float32Array, k: number, lambda: number): number[];
  /** The λ the recommender ranks with in the headline rows (absent: plain top k, no diversity). */
  diversityLambda?: number;
  /** Free resources (tensors) after the protocol. */
  dispose?(): void;
}
