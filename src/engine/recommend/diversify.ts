/**
 * Maximal Marginal Relevance (Carbonell & Goldstein 1998) with a per-category cap: picks,
 * one at a time, the candidate maximising λ·relevance − (1−λ)·max similarity to the items
 * already picked, skipping categories that reached their cap. Relevance is rescaled to [0, 1]
 * over the pool so λ means the same for every head.
 */
export interface DiversifyOptions {
  lambda: number;
  perCategoryCap?: number;
  /** Category key of each candidate (e.g. the top-level folder). */
  categoryOf: (index: number) => string;
  /** When the cap leaves fewer than k, fill up with the best remaining items (a soft cap). */
  fillToK?: boolean;
  /** Cosine similarity of two candidates. */
  similarity: (a: number, b: number) => number;
}

/** `pool`: candidate indices, best first, with their scores. Returns up to k indices. */
export function diversify(pool: readonly number[], scores: ArrayLike<number>, k: number, options: DiversifyOptions): number[] {
  const lambda = Math.min(1, Math.max(0, options.lambda));
  const cap = options.perCategoryCap ?? Infinity;
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of pool) {
    lo = Math.min(lo, scores[i]!);
    hi = Math.max(hi, scores[i]!);
  }
  const relevance = (i: number) => (hi > lo ? (scores[i]! - lo) / (hi - lo) : 1);
  const picked: number[] = [];
  const perCategory = new Map<string, number>();
  const maxSim = new Map<number, number>(pool.map((i) => [i, -Infinity]));
  const remaining = new Set(pool);
  while (picked.length < k && remaining.size > 0) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of remaining) {
      if ((perCategory.get(options.categoryOf(i)) ?? 0) >= cap) continue;
      const redundancy = picked.length === 0 ? 0 : maxSim.get(i)!;
      const value = lambda * relevance(i) - (1 - lambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    if (best < 0) {
      // Every remaining category is full: stop, or (soft cap) go on without the cap.
      if (!options.fillToK || cap === Infinity) break;
      return [...picked, ...diversify([...remaining], scores, k - picked.length, { ...options, perCategoryCap: undefined })];
    }
    picked.push(best);
    remaining.delete(best);
    const category = options.categoryOf(best);
    perCategory.set(category, (perCategory.get(category) ?? 0) + 1);
    for (const i of remaining) maxSim.set(i, Math.max(maxSim.get(i)!, options.similarity(i, best)));
  }
  return picked;
}
