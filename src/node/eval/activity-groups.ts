/**
 * Light and heavy users: the evaluated users split into thirds by how much history they have
 * (their training interactions), so each row can report its accuracy for the lightest and the
 * heaviest third and the gap between them (recommenders often serve heavy users far better).
 */

export interface ActivityGroups {
  /** Per user index: 0 = lightest third, 1 = middle, 2 = heaviest third. */
  third: Uint8Array;
  /** The history length at the two cuts: light ≤ lightMax, heavy ≥ heavyMin. */
  lightMax: number;
  heavyMin: number;
}

/**
 * `activity[u]` = history length of user index u. Users are ordered by activity (ties by
 * index, i.e. user id); the first ⌊n/3⌋ are light, the last ⌊n/3⌋ heavy.
 */
export function activityThirds(activity: ArrayLike<number>): ActivityGroups {
  const n = activity.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => activity[a]! - activity[b]! || a - b);
  const size = Math.floor(n / 3);
  const third = new Uint8Array(n).fill(1);
  for (let r = 0; r < size; r++) third[order[r]!] = 0;
  for (let r = n - size; r < n; r++) third[order[r]!] = 2;
  return {
    third,
    lightMax: size > 0 ? activity[order[size - 1]!]! : Number.NaN,
    heavyMin: size > 0 ? activity[order[n - size]!]! : Number.NaN,
  };
}
