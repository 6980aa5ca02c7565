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

/** What a recommender may learn from: the "shop's logs" of a split. Never contains an evaluated target. */
export interface TrainData {
  itemCount: number;
  /** Sorted by (user, time, item). */
  ratings: Rating[];
}

/** One evaluated user: their visible history (oldest first) and what is held out. */
export interface UserCase {
  user: number;
  /** Item indices, oldest first (ties broken by item id). Ranked lists never contain these. */
  history: number[];
  /** Unix seconds of each history item. */
  historyTimes: number[];
  /** Held-out items (protocol B: exactly one). */
  targets: number[];
}

/** A recommender under evaluation; higher score = better. */
export interface EvaluatedRecommender {
  name: string;
  /** Short label for the table's group (e.g. "baseline", "content", "hybrid"). */
  group: string;
  /** Learn from the split's training data; called once per protocol before any `score`. */
  fit(train: TrainData): void | Promise<void>;
  /** A score for every item (length itemCount); the runner removes history items and takes the top 10. */
  score(user: UserCase): Float32Array | Promise<Float32Array>;
  /** Free resources (tensors) after the protocol. */
  dispose?(): void;
}
