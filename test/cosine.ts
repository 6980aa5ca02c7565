/** Cosine similarity of two vectors, for comparing embeddings across environments in tests. */
import { itemAt } from '../src/shared/item-at.ts';
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += itemAt(a, i) * itemAt(b, i);
    na += itemAt(a, i) * itemAt(a, i);
    nb += itemAt(b, i) * itemAt(b, i);
  }
  return dot / Math.sqrt(na * nb);
}
