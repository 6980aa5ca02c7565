/**
 * The for-you blend of the fusion score with the learned model's score (issue 10):
 *   score = z(fusion) + w · z(learned),  z over all items,
 * the blend the catalog builder fitted w for (learned-model-format.ts).
 *
 * `blendScores` is the exact definition: it needs the learned score of every item, an O(N·d) scan.
 * `blendWithLearned` is what for-you runs and gives the same best `depth` allowed items:
 * - the learned z statistics come from the item vectors' moments (LearnedRanker.learnedStats:
 *   mean = u·μ, variance = uᵀ M u − mean², O(d²) per call), not from the scores;
 * - the candidates are the learned top-C (the engine's int8 kernel over the allowed rows), the
 *   fusion top-C among the allowed items and every boosted item; only those get an exact learned
 *   score. Every other item i has fusion ≤ the C-th fusion score and learned ≤ the C-th learned
 *   score, so its blend is at most  bound = z(f_C) + w · z(l_C)  (threshold algorithm): when at
 *   least `depth` candidates score above the bound, the best `depth` are exactly the all-items
 *   blend's; otherwise C doubles, and once every allowed item is a candidate the blend is exact.
 * - the other items get z(fusion) + w · min(0, z(l_C)): never above their bound, so they stay
 *   below the exact top; their exact value only moves the z-scores `finish` reports (its mean and
 *   standard deviation over the allowed items), not which items come first.
 */
import type { Int8Ranker } from '../ranking/int8-matrix.ts';
import type { LearnedRanker } from './learned-ranker.ts';

/** z(fusion) + w · z(learned) over all items: the exact blend (the builder's fit uses it; tests compare with it). */
export function blendScores(fusion: Float32Array, learned: Float32Array, weight: number): Float32Array {
  const a = zStats(fusion);
  const b = zStats(learned);
  return fusion.map((v, i) => (v - a.mean) / a.std + (weight * (learned[i]! - b.mean)) / b.std);
}

export interface LearnedBlendInput {
  fusion: Float32Array;
  ranker: LearnedRanker;
  user: Float32Array;
  weight: number;
  /** The engine's int8 kernel (WASM SIMD, WebGPU or the JS reference). */
  int8: Int8Ranker;
  /** The items the rules allow (1) for this list. */
  allowed: Uint8Array;
  /** How many of the best allowed items must be exactly the all-items blend's (the pick's pool). */
  depth: number;
  /** Items the rules will boost or bury: scored exactly, whatever their rank. */
  boosted?: Iterable<number>;
  /** The first candidate count per side (default max(64, 2 · depth)); it doubles until the top is proven. */
  candidates?: number;
}

/** Smallest candidate count per side: a few dozen extra rows cost nothing next to a second kernel call. */
const MIN_CANDIDATES = 64;

/** The blend whose best `depth` allowed items equal `blendScores`' (see the file comment). */
export async function blendWithLearned(input: LearnedBlendInput): Promise<Float32Array> {
  const { fusion, ranker, user, weight, allowed } = input;
  const n = fusion.length;
  const f = zStats(fusion);
  const l = ranker.learnedStats(user);
  let allowedCount = 0;
  for (let i = 0; i < n; i++) if (allowed[i]) allowedCount++;
  const boosted = [...(input.boosted ?? [])];
  for (let c = Math.max(1, input.candidates ?? Math.max(MIN_CANDIDATES, 2 * input.depth)); ; c *= 2) {
    const all = c >= allowedCount;
    const learnedTop = all ? undefined : await ranker.topK(user, c, allowed, input.int8);
    const fusionTop = all ? undefined : topAllowed(fusion, allowed, c);
    // Bounds of the items outside the candidates (−∞ when there are none).
    // The C-th learned score rescored here in float64 (the kernel reports it rounded to float32).
    const lBound = learnedTop && learnedTop.indices.length === c ? (ranker.score(user, learnedTop.indices[c - 1]!) - l.mean) / l.std : Number.NEGATIVE_INFINITY;
    const fBound = fusionTop && fusionTop.length === c ? (fusion[fusionTop[c - 1]!]! - f.mean) / f.std : Number.NEGATIVE_INFINITY;
    const bound = fBound + weight * lBound;
    const fill = weight * Math.min(0, Number.isFinite(lBound) ? lBound : 0);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (fusion[i]! - f.mean) / f.std + fill;
    const candidates = all ? allowedRows(allowed) : new Set([...learnedTop!.indices, ...fusionTop!, ...boosted]);
    let above = 0;
    for (const i of candidates) {
      const z = (fusion[i]! - f.mean) / f.std + (weight * (ranker.score(user, i) - l.mean)) / l.std;
      out[i] = z;
      if (allowed[i] && z > bound) above++;
    }
    if (all || above >= Math.min(input.depth + boosted.length, allowedCount)) return out;
  }
}

/** (v − mean) / std over all items (std 0 → 1): the blend's standardisation of each part. */
export function zScores(values: Float32Array): Float32Array {
  const { mean, std } = zStats(values);
  return values.map((v) => (v - mean) / std);
}

function zStats(values: Float32Array): { mean: number; std: number } {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length || 1;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  return { mean, std: Math.sqrt(variance / (values.length || 1)) || 1 };
}

function allowedRows(allowed: Uint8Array): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < allowed.length; i++) if (allowed[i]) out.add(i);
  return out;
}

/** The `c` allowed rows with the largest values, best first (a bounded min-heap: O(N log c)). */
function topAllowed(values: Float32Array, allowed: Uint8Array, c: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => values[a]! < values[b]! || (values[a] === values[b] && a > b);
  const down = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === at) return;
      [heap[at], heap[m]] = [heap[m]!, heap[at]!];
      at = m;
    }
  };
  for (let i = 0; i < values.length; i++) {
    if (!allowed[i]) continue;
    if (heap.length < c) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0;) {
        const p = (at - 1) >> 1;
        if (!less(heap[at]!, heap[p]!)) break;
        [heap[at], heap[p]] = [heap[p]!, heap[at]!];
        at = p;
      }
    } else if (less(heap[0]!, i)) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort((a, b) => values[b]! - values[a]! || a - b);
}
