/**
 * The fixed DEV/TEST split of ../shared/DATA.md §3 and each user's ratings in order.
 *
 * Users with `user % 5 == 0` are TEST users, the rest DEV users. `dev` evaluates DEV users and
 * never reads a TEST user's rating (not even as training data), so nothing can be tuned on
 * them. `test` evaluates TEST users; `all` evaluates everyone and exists only to compare the
 * baselines with DATA.md's reference numbers.
 */
import type { Rating } from './eval-types.ts';
import { byTimeThenTieHash } from './tie-hash.ts';

export type Split = 'dev' | 'test' | 'all';

export const isTestUser = (user: number): boolean => user % 5 === 0;

export function isEvaluatedUser(user: number, split: Split): boolean {
  if (split === 'all') return true;
  return split === 'test' ? isTestUser(user) : !isTestUser(user);
}

/** Training order: by user, then the user's ratings oldest first with hash-broken ties. */
export const byUserThenTime = (a: Rating, b: Rating): number => a.user - b.user || byTimeThenTieHash(a, b);

/** Each readable user's ratings (oldest first, ties by hash), users ascending; on dev TEST users are not read. */
export function ratingsByUser(data: { itemCount: number; ratings: readonly Rating[] }, split: Split): Array<[number, Rating[]]> {
  const byUser = new Map<number, Rating[]>();
  for (const r of data.ratings) {
    if (r.item < 0 || r.item >= data.itemCount) throw new Error(`rating of user ${r.user} has item index ${r.item}, outside 0…${data.itemCount - 1}`);
    if (split === 'dev' && isTestUser(r.user)) continue;
    let list = byUser.get(r.user);
    if (!list) byUser.set(r.user, (list = []));
    list.push(r);
  }
  return [...byUser.entries()].sort(([a], [b]) => a - b).map(([user, list]) => [user, list.sort(byTimeThenTieHash)]);
}
