/**
 * Top-k over every item the user has not seen: the ranked list the metrics read.
 * Ties go to the lower item index, so a run is reproducible to the last digit whatever
 * the recommender (popularity counts, for one, tie a lot).
 */
import { itemAt } from '../../shared/item-at.ts';
export function topKUnseen(scores: Float32Array, exclude: Iterable<number>, k: number): Int32Array {
  const n = scores.length;
  const excluded = new Uint8Array(n);
  for (const item of exclude) if (item >= 0 && item < n) excluded[item] = 1;
  const top = new Int32Array(k);
  const topScores = new Float64Array(k);
  let size = 0;
  for (let item = 0; item < n; item++) {
    if (excluded[item]) continue;
    const score = itemAt(scores, item);
    const s = Number.isNaN(score) ? -Infinity : score;
    // Items arrive in index order, so an equal score never displaces an earlier item.
    if (size === k && !(s > itemAt(topScores, k - 1))) continue;
    let at = size < k ? size++ : k - 1;
    while (at > 0 && s > itemAt(topScores, at - 1)) {
      top[at] = itemAt(top, at - 1);
      topScores[at] = itemAt(topScores, at - 1);
      at--;
    }
    top[at] = item;
    topScores[at] = s;
  }
  return size === k ? top : top.slice(0, size);
}
