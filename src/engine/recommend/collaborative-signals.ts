/**
 * The catalog's aggregated signals (popularity, co-occurrence, transitions; see
 * catalog-manifest.ts) indexed by item index, and the three collaborative features of a
 * candidate given the user's history. Pure JS: the lists are sparse and short.
 */
import type { CatalogSignals } from '../catalog/catalog-manifest.ts';
import type { ItemGraph } from '../graph/item-graph.ts';

interface Neighbour {
  index: number;
  weight: number;
}

export interface CollaborativeFeatures {
  /** Σ over the last few history items (most recent weighs most) of P(next = candidate). */
  sequential: Float32Array;
  /** Σ over the history (recency-weighted) of co-occurrence cosine with the candidate. */
  coOccurrence: Float32Array;
  /** The catalog's popularity score in [0, 1]. */
  popularity: Float32Array;
}

/** One history item as the collaborative part needs it: its index and its (recency) weight. */
export interface WeightedIndex {
  index: number;
  weight: number;
}

export class CollaborativeSignals {
  readonly popularity: Float32Array;
  private readonly transitions: Neighbour[][];
  private readonly related: Neighbour[][];
  readonly hasSignals: boolean;

  constructor(
    itemCount: number,
    indexOf: (id: string) => number | undefined,
    signals: CatalogSignals | undefined,
    /** The catalog's item graph (manifest.graph), the `graph` feature's input. */
    readonly graph?: ItemGraph,
  ) {
    this.popularity = new Float32Array(itemCount);
    this.transitions = Array.from({ length: itemCount }, () => []);
    this.related = Array.from({ length: itemCount }, () => []);
    this.hasSignals = signals !== undefined && signals.events > 0;
    if (!signals) return;
    for (const entry of signals.popularity) {
      const index = indexOf(entry.item);
      if (index !== undefined) this.popularity[index] = entry.score;
    }
    const fill = <T extends { item: string }>(table: Record<string, T[]>, out: Neighbour[][], weightOf: (n: T) => number) => {
      for (const [id, list] of Object.entries(table)) {
        const from = indexOf(id);
        if (from === undefined) continue;
        for (const n of list) {
          const to = indexOf(n.item);
          if (to !== undefined) out[from]!.push({ index: to, weight: weightOf(n) });
        }
      }
    };
    fill(signals.transitions, this.transitions, (n) => n.p);
    fill(signals.coOccurrence, this.related, (n) => n.score);
  }

  get itemCount(): number {
    return this.popularity.length;
  }

  /** Items most likely viewed after `index`, with their probability. */
  next(index: number): readonly Neighbour[] {
    return this.transitions[index] ?? [];
  }

  coOccurring(index: number): readonly Neighbour[] {
    return this.related[index] ?? [];
  }

  /**
   * `recent`: the most recent distinct history items, newest first, with sequential weights;
   * `history`: every history item with its normalised weight.
   */
  features(recent: readonly WeightedIndex[], history: readonly WeightedIndex[]): CollaborativeFeatures {
    const n = this.itemCount;
    const sequential = new Float32Array(n);
    const coOccurrence = new Float32Array(n);
    for (const { index, weight } of recent) for (const next of this.next(index)) sequential[next.index]! += weight * next.weight;
    for (const { index, weight } of history) for (const rel of this.coOccurring(index)) coOccurrence[rel.index]! += weight * rel.weight;
    return { sequential, coOccurrence, popularity: this.popularity };
  }
}
