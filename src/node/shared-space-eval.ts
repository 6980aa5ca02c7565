/**
 * Cross-modal retrieval measures for the shared space (used by `npm run eval:shared-space`
 * and the unit tests): for queries of modality A and a gallery of modality B, both already in
 * one space (rows L2-normalised), how often the query's own item comes first / in the top 10,
 * and what share of the top 10 is in the query's top-level category.
 */
import type { Modality } from '../protocol/embedding.ts';
import { gaussian, seededRandom } from './catalog/train-shared-space.ts';
import type { SharedSpaceWeights } from '../engine/catalog/shared-space-format.ts';
import { itemAt } from '../shared/item-at.ts';

export interface RetrievalScores {
  queries: number;
  gallery: number;
  /** Share of queries whose own item ranks first. */
  recallAt1: number;
  /** Share of queries whose own item is in the top 10. */
  recallAt10: number;
  /** Mean share of the top 10 in the query item's top-level category. */
  categoryPrecisionAt10: number;
}

/**
 * `queries` (nq × dims) against `gallery` (ng × dims), row-major; `queryItems[i]` /
 * `galleryItems[j]` are item indices and `topCategory[item]` the item's top-level category.
 */
export function retrievalScores(
  queries: Float32Array,
  queryItems: readonly number[],
  gallery: Float32Array,
  galleryItems: readonly number[],
  dims: number,
  topCategory: readonly string[],
): RetrievalScores {
  const nq = queryItems.length;
  const ng = galleryItems.length;
  const k = Math.min(10, ng);
  let r1 = 0;
  let r10 = 0;
  let p10 = 0;
  const scores = new Float64Array(ng);
  const order = Array.from({ length: ng }, (_, j) => j);
  for (let q = 0; q < nq; q++) {
    for (let j = 0; j < ng; j++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += itemAt(queries, q * dims + d) * itemAt(gallery, j * dims + d);
      scores[j] = dot;
    }
    // Ties broken by gallery position, so the result is deterministic.
    order.sort((a, b) => itemAt(scores, b) - itemAt(scores, a) || a - b);
    const item = itemAt(queryItems, q);
    if (galleryItems[itemAt(order, 0)] === item) r1++;
    let same = 0;
    for (let i = 0; i < k; i++) {
      const g = itemAt(galleryItems, itemAt(order, i));
      if (g === item) r10++;
      if (topCategory[g] === topCategory[item]) same++;
    }
    p10 += k > 0 ? same / k : 0;
  }
  return { queries: nq, gallery: ng, recallAt1: nq ? r1 / nq : 0, recallAt10: nq ? r10 / nq : 0, categoryPrecisionAt10: nq ? p10 / nq : 0 };
}

/** What a random ranking scores on average: the same item 1/ng and 10/ng, and the category share of the gallery. */
export function chanceScores(queryItems: readonly number[], galleryItems: readonly number[], topCategory: readonly string[]): RetrievalScores {
  const ng = galleryItems.length;
  const counts = new Map<string, number>();
  for (const g of galleryItems) counts.set(itemAt(topCategory, g), (counts.get(itemAt(topCategory, g)) ?? 0) + 1);
  const share = queryItems.reduce((s, q) => s + (counts.get(itemAt(topCategory, q)) ?? 0) / Math.max(1, ng), 0) / Math.max(1, queryItems.length);
  return {
    queries: queryItems.length,
    gallery: ng,
    recallAt1: ng ? 1 / ng : 0,
    recallAt10: ng ? Math.min(10, ng) / ng : 0,
    categoryPrecisionAt10: share,
  };
}

/**
 * The unaligned baseline: per modality a random Gaussian projection into `dims` (no bias),
 * i.e. the shared space one gets with no training at all. Seeded.
 */
export function randomProjections(inputDims: Partial<Record<Modality, number>>, dims: number, seed: number): SharedSpaceWeights {
  const random = seededRandom(seed);
  const projections: SharedSpaceWeights['projections'] = {};
  for (const [modality, d] of Object.entries(inputDims) as Array<[Modality, number]>) {
    projections[modality] = { inputDims: d, kernel: gaussian(random, d * dims, 1 / Math.sqrt(d)), bias: new Float32Array(dims) };
  }
  return { dims, projections };
}
