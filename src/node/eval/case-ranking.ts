/**
 * The ranked list of one case: the top k of the case's candidates (all items, or protocol C's
 * new items) minus its history, by score, ties to the lower item index (top-k-unseen.ts).
 */
import type { UserCase } from './eval-types.ts';
import { topKUnseen } from './top-k-unseen.ts';

/** Items a case may not recommend: its history, and everything outside its candidates. */
export function excludedItems(c: UserCase, itemCount: number): number[] {
  if (!c.candidates) return c.history;
  const allowed = new Uint8Array(itemCount);
  for (const item of c.candidates) allowed[item] = 1;
  for (const item of c.history) allowed[item] = 0;
  const out: number[] = [];
  for (let i = 0; i < itemCount; i++) if (!allowed[i]) out.push(i);
  return out;
}

export function rankCase(scores: Float32Array, c: UserCase, k: number): Int32Array {
  return topKUnseen(scores, excludedItems(c, scores.length), k);
}

/** The pool the engine's MMR picks from (on-device-recommender.ts): the best max(50, 5k) allowed items. */
export const mmrPoolSize = (k: number): number => Math.max(50, k * 5);
