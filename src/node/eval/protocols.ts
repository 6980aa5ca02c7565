/**
 * The fixed split and the evaluation protocols of ../shared/DATA.md §3.
 *
 * - The DEV/TEST split is user-split.ts's. `test` evaluates TEST users and trains on everyone
 *   else's ratings plus the TEST users' histories.
 * - A user's ratings are ordered by time, equal times by the (user, item) hash (tie-hash.ts).
 * - B (leave-last-out): on `test` and `all` one case per user, the last rating. On `dev` the
 *   last `steps` ratings (default 3) each make a case predicted from the ratings before it,
 *   for statistical power; training holds only what precedes the user's first evaluated step,
 *   so no evaluated target is ever training data.
 * - A (random 75/25): a seeded shuffle per user holds out round(25 %) of their ratings.
 * - C-random / C-newest (new items): see cold-item-protocol.ts.
 *
 * Every rating counts as positive implicit feedback, whatever its value.
 */
import { buildColdItemProtocol } from './cold-item-protocol.ts';
import type { Rating, TrainData, UserCase } from './eval-types.ts';
import { userStream } from './seeded-stream.ts';
import { byUserThenTime, isEvaluatedUser, ratingsByUser, type Split } from './user-split.ts';
import { itemAt } from '../../shared/item-at.ts';

export { isEvaluatedUser, isTestUser, type Split } from './user-split.ts';
export type Protocol = 'A' | 'B' | 'C-random' | 'C-newest';

export const PROTOCOLS: readonly Protocol[] = ['B', 'A', 'C-random', 'C-newest'];
export const isColdItemProtocol = (p: Protocol): p is 'C-random' | 'C-newest' => p === 'C-random' || p === 'C-newest';

export interface ProtocolOptions {
  protocol: Protocol;
  split: Split;
  /** Seed of protocol A's per-user shuffle and of C-random's item draw (default 42). */
  seed?: number;
  /** Protocol A's held-out share (default 0.25). */
  holdout?: number;
  /** Protocol B: evaluated steps per DEV user (default 3; `test` and `all` always use 1). */
  steps?: number;
  /** Protocol C: share of the items that are new (default 0.2). */
  coldShare?: number;
}

export interface ProtocolData {
  protocol: Protocol;
  split: Split;
  /** The evaluated cases, by user id, then oldest step first. */
  cases: UserCase[];
  train: TrainData;
  /** How many training ratings each item has (the cold-start slice and novelty read this). */
  itemTrainCounts: Int32Array;
  /** Protocol B: evaluated steps per user (1 on test and all). */
  steps?: number;
  /** Protocol C: the new items, ascending (none of them has a training rating). */
  coldItems?: Int32Array;
}

/** Default steps per user of protocol B: several on dev (power), one on test (the headline). */
export const DEFAULT_DEV_STEPS = 3;

export function buildProtocol(data: { itemCount: number; ratings: Rating[] }, options: ProtocolOptions): ProtocolData {
  const { protocol, split, seed = 42, holdout = 0.25 } = options;
  if (isColdItemProtocol(protocol))
    return buildColdItemProtocol(data, { coldSet: protocol === 'C-random' ? 'random' : 'newest', split, seed, share: options.coldShare });
  if (!(holdout > 0 && holdout < 1)) throw new Error(`holdout must be in (0, 1), got ${holdout}`);
  const steps = protocol === 'B' ? (split === 'dev' ? (options.steps ?? DEFAULT_DEV_STEPS) : 1) : undefined;
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1)) throw new Error(`steps must be a whole number ≥ 1, got ${options.steps}`);
  const cases: UserCase[] = [];
  const train: Rating[] = [];
  for (const [user, list] of ratingsByUser(data, split)) {
    // A user with one rating has no history to recommend from; they stay training data.
    if (!isEvaluatedUser(user, split) || list.length < 2) {
      train.push(...list);
      continue;
    }
    if (protocol === 'B') {
      // The last `steps` ratings, each after everything before it; at least one history item.
      const first = Math.max(1, list.length - steps!);
      for (let t = first; t < list.length; t++) cases.push(caseOf(user, list.slice(0, t), [list[t]!]));
      train.push(...list.slice(0, first));
      continue;
    }
    const held = randomHoldout(list.length, holdout, userStream(seed, user, 0xa));
    const history = list.filter((_, i) => !held.has(i));
    cases.push(
      caseOf(
        user,
        history,
        list.filter((_, i) => held.has(i)),
      ),
    );
    train.push(...history);
  }
  train.sort(byUserThenTime);
  const itemTrainCounts = new Int32Array(data.itemCount);
  for (const r of train) itemTrainCounts[r.item] = itemAt(itemTrainCounts, r.item) + 1;
  return { protocol, split, cases, train: { itemCount: data.itemCount, ratings: train }, itemTrainCounts, ...(steps !== undefined ? { steps } : {}) };
}

function caseOf(user: number, history: Rating[], targets: Rating[]): UserCase {
  return { user, history: history.map((r) => r.item), historyTimes: history.map((r) => r.time), targets: targets.map((r) => r.item) };
}

/** Positions of round(n·share) ratings (at least 1, at most n − 1) chosen by a Fisher–Yates shuffle. */
function randomHoldout(n: number, share: number, random: () => number): Set<number> {
  const count = Math.min(n - 1, Math.max(1, Math.round(n * share)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [itemAt(order, j), itemAt(order, i)];
  }
  return new Set(order.slice(0, count));
}
