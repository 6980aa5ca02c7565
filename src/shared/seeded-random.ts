/**
 * mulberry32: a tiny seeded pseudo-random generator, uniform in [0, 1). Runtime-neutral: the
 * backend probe, the recommender's fits and projections, the catalog builder and the
 * evaluation all draw from it, so a seed gives the same numbers in the worker and in Node.
 * Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
