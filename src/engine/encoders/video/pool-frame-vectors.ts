import { itemAt } from '../../../shared/item-at.ts';
import { l2NormalizeInPlace } from '../l2-normalize.ts';

/**
 * Pooling key-frame vectors (unit length, one per key frame, from the image encoder) into one
 * vector of the same size and space: a video item's image vector. Pure, shared by the worker
 * and Node.
 *
 * - `mean`: the normalised average.
 * - `max`: the normalised component-wise maximum (MobileNetV2's pooled features are ≥ 0, so
 *   this says which features appear anywhere in the clip).
 * - `mean+max`: the normalised sum of the normalised mean and the normalised max, so a cosine
 *   between two such vectors weighs both views about equally.
 * - `attention`: a one-parameter attention: frame i weighs softmax(τ · cos(vᵢ, mean)); τ > 0
 *   trusts the frames typical of the clip (fades, black and title frames count less), τ < 0
 *   the unusual ones. τ is learned (`npm run eval:video-pooling` fits it on held-out clips).
 *
 * Which one the catalog uses, and why, is measured in docs/encoders.md (Video).
 */

export const FRAME_POOLINGS = ['mean', 'max', 'mean+max', 'attention'] as const;
export type FramePooling = (typeof FRAME_POOLINGS)[number];

export interface PoolingOptions {
  /** The attention temperature τ (pooling `attention` only). */
  temperature?: number;
}

function mean(vectors: readonly Float32Array[], weights?: readonly number[]): Float32Array {
  const dims = vectors[0]!.length;
  const out = new Float64Array(dims);
  vectors.forEach((v, i) => {
    const w = weights ? itemAt(weights, i) : 1 / vectors.length;
    for (let d = 0; d < dims; d++) out[d] = itemAt(out, d) + w * itemAt(v, d);
  });
  return Float32Array.from(out);
}

function max(vectors: readonly Float32Array[]): Float32Array {
  const out = Float32Array.from(vectors[0]!);
  for (const v of vectors.slice(1)) for (let d = 0; d < out.length; d++) if (v[d]! > out[d]!) out[d] = v[d]!;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Attention weights softmax(τ · cos(vᵢ, normalised mean)); the vectors are unit length. */
export function attentionWeights(vectors: readonly Float32Array[], temperature: number): number[] {
  const centre = l2NormalizeInPlace(mean(vectors));
  const logits = vectors.map((v) => temperature * dot(v, centre));
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** One unit-length vector for the clip. Throws on no vectors or vectors of different sizes. */
export function poolFrameVectors(vectors: readonly Float32Array[], pooling: FramePooling, options: PoolingOptions = {}): Float32Array {
  if (vectors.length === 0) throw new RangeError('poolFrameVectors: no frame vectors');
  const dims = vectors[0]!.length;
  if (vectors.some((v) => v.length !== dims)) throw new RangeError('poolFrameVectors: frame vectors differ in length');
  switch (pooling) {
    case 'mean':
      return l2NormalizeInPlace(mean(vectors));
    case 'max':
      return l2NormalizeInPlace(max(vectors));
    case 'mean+max': {
      const a = l2NormalizeInPlace(mean(vectors));
      const b = l2NormalizeInPlace(max(vectors));
      for (let d = 0; d < dims; d++) a[d]! += b[d]!;
      return l2NormalizeInPlace(a);
    }
    case 'attention': {
      const temperature = options.temperature;
      if (temperature === undefined || !Number.isFinite(temperature)) throw new RangeError('poolFrameVectors: attention pooling needs a finite temperature');
      return l2NormalizeInPlace(mean(vectors, attentionWeights(vectors, temperature)));
    }
  }
}
