/**
 * The fixed split and the two evaluation protocols of ../shared/DATA.md §3.
 *
 * - Users with `user % 5 == 0` are TEST users, the rest DEV users. `dev` evaluates DEV users
 *   and never reads a TEST user's rating (not even as training data), so nothing can be tuned
 *   on them. `test` evaluates TEST users and trains on everyone else's ratings plus the TEST
 *   users' histories. `all` evaluates everyone; it exists only to compare our baselines with
 *   DATA.md's reference numbers.
 * - B (leave-last-out): the largest (time, item) rating is the target.
 * - A (random 75/25): a seeded shuffle per user holds out round(25 %) of their ratings.
 *
 * Every rating counts as positive implicit feedback, whatever its value.
 */
import type { Rating, TrainData, UserCase } from './eval-types.ts';
import { userStream } from './seeded-stream.ts';

export type Protocol = 'A' | 'B';
export type Split = 'dev' | 'test' | 'all';

export interface ProtocolOptions {
  protocol: Protocol;
  split: Split;
  /** Seed of protocol A's per-user shuffle (default 42). */
  seed?: number;
  /** Protocol A's held-out share (default 0.25). */
  holdout?: number;
}

export interface ProtocolData {
  protocol: Protocol;
  split: Split;
  /** One case per evaluated user with at least 2 ratings, by user id. */
  cases: UserCase[];
  train: TrainData;
  /** How many training ratings each item has (the cold-start slice reads this). */
  itemTrainCounts: Int32Array;
}

export const isTestUser = (user: number): boolean => user % 5 === 0;

export function isEvaluatedUser(user: number, split: Split): boolean {
  if (split === 'all') return true;
  return split === 'test' ? isTestUser(user) : !isTestUser(user);
}

/** Order of a user's history: oldest first, ties by item id. */
export const byTimeThenItem = (a: Rating, b: Rating): number => a.time - b.time || a.item - b.item;

export function buildProtocol(data: { itemCount: number; ratings: Rating[] }, options: ProtocolOptions): ProtocolData {
  const { protocol, split, seed = 42, holdout = 0.25 } = options;
  if (!(holdout > 0 && holdout < 1)) throw new Error(`holdout must be in (0, 1), got ${holdout}`);
  const byUser = new Map<number, Rating[]>();
  for (const r of data.ratings) {
    if (r.item < 0 || r.item >= data.itemCount) throw new Error(`rating of user ${r.user} has item index ${r.item}, outside 0…${data.itemCount - 1}`);
    let list = byUser.get(r.user);
    if (!list) byUser.set(r.user, (list = []));
    list.push(r);
  }
  const users = [...byUser.keys()].sort((a, b) => a - b);
  const cases: UserCase[] = [];
  const train: Rating[] = [];
  for (const user of users) {
    // The dev split must not even train on TEST users' ratings.
    if (split === 'dev' && isTestUser(user)) continue;
    const list = byUser.get(user)!.slice().sort(byTimeThenItem);
    // A user with one rating has no history to recommend from; they stay training data.
    if (!isEvaluatedUser(user, split) || list.length < 2) {
      train.push(...list);
      continue;
    }
    const held = protocol === 'B' ? new Set([list.length - 1]) : randomHoldout(list.length, holdout, userStream(seed, user, 0xa));
    const history = list.filter((_, i) => !held.has(i));
    cases.push({
      user,
      history: history.map((r) => r.item),
      historyTimes: history.map((r) => r.time),
      targets: list.filter((_, i) => held.has(i)).map((r) => r.item),
    });
    train.push(...history);
  }
  train.sort((a, b) => a.user - b.user || byTimeThenItem(a, b));
  const itemTrainCounts = new Int32Array(data.itemCount);
  for (const r of train) itemTrainCounts[r.item]++;
  return { protocol, split, cases, train: { itemCount: data.itemCount, ratings: train }, itemTrainCounts };
}

/** Positions of round(n·share) ratings (at least 1, at most n − 1) chosen by a Fisher–Yates shuffle. */
function randomHoldout(n: number, share: number, random: () => number): Set<number> {
  const count = Math.min(n - 1, Math.max(1, Math.round(n * share)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return new Set(order.slice(0, count));
}
