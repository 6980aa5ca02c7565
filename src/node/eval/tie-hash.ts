/**
 * The order of a user's ratings when their timestamps are equal (../shared/DATA.md §3).
 *
 * MovieLens stores seconds, and 51 % of consecutive ratings share one, so "the last rating"
 * needs a tie rule. Item id order is the wrong one: it picks a biased target and lets a
 * sequential signal learn the id order. Ties are broken by a fixed hash of (user id, item id)
 * instead: MurmurHash3 (x86, 32-bit, seed 0) of the two ids as little-endian uint32. It depends
 * only on the pair, never on the order the ratings arrive in or on other items.
 *
 * Every ordering of a user's ratings in the harness uses `byTimeThenTieHash`, and every
 * interaction log the harness writes for the product path is written in that order (the
 * catalog builder keeps log order for equal timestamps).
 */

/** MurmurHash3 x86_32 of [user, item] (two little-endian uint32 words), seed 0: an unsigned 32-bit integer. */
export function tieHash(userId: number, itemId: number): number {
  let h = 0;
  for (const word of [userId >>> 0, itemId >>> 0]) {
    let k = Math.imul(word, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= 8; // length in bytes
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** What the order reads from a rating: MovieLens ids (the harness's item index + 1). */
export interface TimedPair {
  user: number;
  /** Item index (MovieLens item id − 1). */
  item: number;
  /** Unix seconds. */
  time: number;
}

/**
 * Oldest first; equal times by `tieHash(user id, item id)`; only an exact hash collision
 * (none among MovieLens-100k's users) falls back to the item index, so the order is total.
 */
export function byTimeThenTieHash(a: TimedPair, b: TimedPair): number {
  return a.time - b.time || tieHash(a.user, a.item + 1) - tieHash(b.user, b.item + 1) || a.item - b.item;
}
