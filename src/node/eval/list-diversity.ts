/**
 * Intra-list diversity: the mean pairwise distance between the items of one ranked list
 * (Ziegler et al. 2005; Castells et al., "Novelty and diversity metrics for recommender
 * systems"). Two distances:
 *
 * - category: 1 − Jaccard of the two items' category sets (MovieLens genres are multi-label;
 *   two items without categories are at distance 0);
 * - embedding: 1 − cosine of the two items' unit vectors in one content space (the harness
 *   uses the text space: USE-Lite over title, genres and plot); a pair where either item lacks
 *   a vector is left out of the mean.
 *
 * A list of fewer than two items (or with no measurable pair) has no diversity: NaN, which the
 * harness leaves out of the mean.
 */
import type { ContentSpace } from './eval-types.ts';

export type ItemDistance = (a: number, b: number) => number | undefined;

/** Mean of `distance` over the list's unordered pairs; pairs it leaves undefined are skipped. */
export function intraListDiversity(list: ArrayLike<number>, distance: ItemDistance): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const d = distance(list[i]!, list[j]!);
      if (d === undefined) continue;
      sum += d;
      pairs++;
    }
  }
  return pairs === 0 ? Number.NaN : sum / pairs;
}

/** 1 − |A ∩ B| / |A ∪ B| of the two items' categories. */
export function categoryDistance(categories: readonly (readonly string[])[]): ItemDistance {
  return (a, b) => {
    const x = new Set(categories[a]);
    const y = new Set(categories[b]);
    let both = 0;
    for (const c of x) if (y.has(c)) both++;
    const union = x.size + y.size - both;
    return union === 0 ? 0 : 1 - both / union;
  };
}

/** 1 − cosine of the two items' unit vectors in `space`; undefined where either has none. */
export function embeddingDistance(space: ContentSpace): ItemDistance {
  return (a, b) => {
    const x = space.rows[a];
    const y = space.rows[b];
    if (!x || !y) return undefined;
    let dot = 0;
    for (let d = 0; d < x.length; d++) dot += x[d]! * y[d]!;
    return 1 - dot;
  };
}
