/**
 * The binary user×item training matrix X and its Gram matrix XᵀX (item co-occurrence counts),
 * shared by ItemKNN (cosine = co-occurrence / √(count_i·count_j)) and EASE (XᵀX + λI).
 * Binary: a rating of any value is one interaction, and a repeated (user, item) pair counts once.
 */
import type { TrainData } from './eval-types.ts';
import { itemAt } from '../../shared/item-at.ts';

/** Each training user's distinct items, ascending. */
export function userItemSets(train: TrainData): number[][] {
  const byUser = new Map<number, Set<number>>();
  for (const r of train.ratings) {
    let set = byUser.get(r.user);
    if (!set) byUser.set(r.user, (set = new Set()));
    set.add(r.item);
  }
  return [...byUser.values()].map((set) => [...set].sort((a, b) => a - b));
}

/** XᵀX as a row-major itemCount×itemCount Float64Array; the diagonal holds each item's user count. */
export function itemCooccurrence(train: TrainData): Float64Array {
  const n = train.itemCount;
  const gram = new Float64Array(n * n);
  for (const items of userItemSets(train)) {
    for (const i of items) {
      const row = i * n;
      for (const j of items) gram[row + j] = itemAt(gram, row + j) + 1;
    }
  }
  return gram;
}
