/**
 * Ranking metrics with binary relevance, as in ../shared/DATA.md §3 and the usual
 * implementations (e.g. Microsoft Recommenders): the ideal DCG places min(|targets|, k) hits
 * at the top, precision divides by k even when fewer targets exist.
 */
export interface RankingMetrics {
  /** 1 if any target is in the top k. */
  hr: number;
  ndcg: number;
  /** Hits / k. */
  precision: number;
  /** Hits / |targets|. */
  recall: number;
}

export const METRIC_NAMES = ['hr', 'ndcg', 'precision', 'recall'] as const satisfies ReadonlyArray<keyof RankingMetrics>;

const discount = (rank: number): number => 1 / Math.log2(rank + 2);

/** Metrics of one ranked list (best first) against the held-out targets. */
export function rankingMetrics(ranked: ArrayLike<number>, targets: readonly number[], k: number): RankingMetrics {
  if (targets.length === 0) throw new Error('rankingMetrics needs at least one target');
  const relevant = new Set(targets);
  let hits = 0;
  let dcg = 0;
  for (let rank = 0; rank < Math.min(k, ranked.length); rank++) {
    if (relevant.has(ranked[rank])) {
      hits++;
      dcg += discount(rank);
    }
  }
  let idcg = 0;
  for (let rank = 0; rank < Math.min(relevant.size, k); rank++) idcg += discount(rank);
  return { hr: hits > 0 ? 1 : 0, ndcg: dcg / idcg, precision: hits / k, recall: hits / relevant.size };
}

/** Mean of each metric over users (zeros for an empty list, which the report shows as 0 users). */
export function meanMetrics(perUser: readonly RankingMetrics[]): RankingMetrics {
  const sum: RankingMetrics = { hr: 0, ndcg: 0, precision: 0, recall: 0 };
  for (const m of perUser) for (const name of METRIC_NAMES) sum[name] += m[name];
  const n = Math.max(1, perUser.length);
  for (const name of METRIC_NAMES) sum[name] /= n;
  return sum;
}
