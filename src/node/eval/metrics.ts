/**
 * Ranking metrics with binary relevance, as in ../shared/DATA.md §3 and the usual
 * implementations (e.g. Microsoft Recommenders): the ideal DCG places min(|targets|, k) hits
 * at the top, precision divides by k even when fewer targets exist. Protocol C reports the
 * capped recall hits / min(k, |targets|) (as Liang et al. 2018), which reaches 1 when the
 * list is all hits; DATA.md's C reference numbers use it (random ranking: ≈ .07, where plain
 * recall would be 10 / 336 ≈ .03 for every user).
 */
import { itemAt } from '../../shared/item-at.ts';
export interface RankingMetrics {
  /** 1 if any target is in the top k. */
  hr: number;
  ndcg: number;
  /** Hits / k. */
  precision: number;
  /** Hits / |targets|. */
  recall: number;
  /** Hits / min(k, |targets|). */
  cappedRecall: number;
}

export const METRIC_NAMES = ['hr', 'ndcg', 'precision', 'recall', 'cappedRecall'] as const satisfies ReadonlyArray<keyof RankingMetrics>;

const discount = (rank: number): number => 1 / Math.log2(rank + 2);

/** Metrics of one ranked list (best first) against the held-out targets. */
export function rankingMetrics(ranked: ArrayLike<number>, targets: readonly number[], k: number): RankingMetrics {
  if (targets.length === 0) throw new Error('rankingMetrics needs at least one target');
  const relevant = new Set(targets);
  let hits = 0;
  let dcg = 0;
  for (let rank = 0; rank < Math.min(k, ranked.length); rank++) {
    if (relevant.has(itemAt(ranked, rank))) {
      hits++;
      dcg += discount(rank);
    }
  }
  let idcg = 0;
  for (let rank = 0; rank < Math.min(relevant.size, k); rank++) idcg += discount(rank);
  return { hr: hits > 0 ? 1 : 0, ndcg: dcg / idcg, precision: hits / k, recall: hits / relevant.size, cappedRecall: hits / Math.min(k, relevant.size) };
}
