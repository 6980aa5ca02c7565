/**
 * Protocol C, new items (cold start), ../shared/DATA.md §3: a set of items loses every
 * training interaction (they are new products: content only), and each user who rated some of
 * them must find them among all new items from their history of the other items.
 *
 * - Cold sets: `random` = a seeded 20 % of all items (Fisher–Yates with mulberry32(seed));
 *   `newest` = the 20 % of the rated items whose first rating is the latest (equal first
 *   times by the item's tie hash). Both are computed from the ratings the split may read, so
 *   on `dev` no TEST user's rating decides which items are new.
 * - Training: every visible rating of a warm item (on `dev` DEV users only; on `test` and
 *   `all` every user). No rating of a cold item, by anyone.
 * - Cases: one per evaluated user with at least one warm and one cold rating: history = the
 *   user's warm ratings (oldest first, hash-broken ties), targets = the user's cold items,
 *   candidates = every cold item (the user rated none of them in training).
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import type { Rating, UserCase } from './eval-types.ts';
import type { ProtocolData } from './protocols.ts';
import { tieHash } from './tie-hash.ts';
import { byUserThenTime, isEvaluatedUser, ratingsByUser, type Split } from './user-split.ts';
import { itemAt } from '../../shared/item-at.ts';

export type ColdSet = 'random' | 'newest';

export interface ColdItemOptions {
  coldSet: ColdSet;
  split: Split;
  /** Seed of the random cold set (default 42). */
  seed?: number;
  /** Share of the items that are new (default 0.2). */
  share?: number;
}

/** The cold items, ascending. `ratings` are the ones the split may read. */
export function coldItems(itemCount: number, ratings: readonly Rating[], options: { coldSet: ColdSet; seed?: number; share?: number }): Int32Array {
  const { coldSet, seed = 42, share = 0.2 } = options;
  if (!(share > 0 && share < 1)) throw new Error(`the share of new items must be in (0, 1), got ${share}`);
  let chosen: number[];
  if (coldSet === 'random') {
    const order = Array.from({ length: itemCount }, (_, i) => i);
    const random = mulberry32(seed >>> 0);
    for (let i = itemCount - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    chosen = order.slice(0, Math.round(itemCount * share));
  } else {
    const first = new Map<number, number>();
    for (const r of ratings) first.set(r.item, Math.min(first.get(r.item) ?? Infinity, r.time));
    // Newest first; equal first times by the item's hash (user id 0 is not a MovieLens user).
    const rated = [...first.keys()].sort((a, b) => first.get(b)! - first.get(a)! || tieHash(0, b + 1) - tieHash(0, a + 1) || b - a);
    chosen = rated.slice(0, Math.round(rated.length * share));
  }
  return Int32Array.from(chosen).sort();
}

export function buildColdItemProtocol(data: { itemCount: number; ratings: Rating[] }, options: ColdItemOptions): ProtocolData {
  const { split } = options;
  const users = ratingsByUser(data, split);
  const cold = coldItems(
    data.itemCount,
    users.flatMap(([, list]) => list),
    options,
  );
  const isCold = new Uint8Array(data.itemCount);
  for (const item of cold) isCold[item] = 1;
  const cases: UserCase[] = [];
  const train: Rating[] = [];
  for (const [user, list] of users) {
    const warm = list.filter((r) => !isCold[r.item]);
    train.push(...warm);
    if (!isEvaluatedUser(user, split) || warm.length === 0) continue;
    const targets = list.filter((r) => isCold[r.item]).map((r) => r.item);
    if (targets.length === 0) continue;
    cases.push({ user, history: warm.map((r) => r.item), historyTimes: warm.map((r) => r.time), targets, candidates: cold });
  }
  train.sort(byUserThenTime);
  const itemTrainCounts = new Int32Array(data.itemCount);
  for (const r of train) itemTrainCounts[r.item] = itemAt(itemTrainCounts, r.item) + 1;
  return {
    protocol: options.coldSet === 'random' ? 'C-random' : 'C-newest',
    split,
    cases,
    train: { itemCount: data.itemCount, ratings: train },
    itemTrainCounts,
    coldItems: cold,
  };
}
