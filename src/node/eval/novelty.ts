/**
 * Novelty of a list: the mean self-information of its items, −log2 p(i), where p(i) is the
 * share of training users who interacted with i (Zhou et al. 2010). Popular items carry
 * little information, long-tail items much. Smoothed as p(i) = (users(i) + 1) / (users + 1)
 * so an item no training user has seen stays finite (it gets the maximum, log2(users + 1)).
 */

/** −log2 p(i) for every item, from each item's training user count and the number of training users. */
export function selfInformation(itemUsers: ArrayLike<number>, trainUsers: number): Float64Array {
  if (!(trainUsers >= 0)) throw new Error(`selfInformation: the number of training users must be ≥ 0, got ${trainUsers}`);
  const out = new Float64Array(itemUsers.length);
  for (let i = 0; i < out.length; i++) out[i] = -Math.log2((itemUsers[i]! + 1) / (trainUsers + 1));
  return out;
}

/** Mean self-information of a list's items (NaN for an empty list). */
export function listNovelty(list: ArrayLike<number>, information: Float64Array): number {
  if (list.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < list.length; i++) sum += information[list[i]!]!;
  return sum / list.length;
}
