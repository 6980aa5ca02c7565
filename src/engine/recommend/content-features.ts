/**
 * The content part of a score, on the active tfjs backend: for every catalog item and every
 * modality, how similar the item is to the user's history tokens in that modality.
 *
 * - `late` (weighted late fusion): the token-weighted mean of the cosines, per modality; the
 *   fusion weights then mix the modalities.
 * - `attention`: each candidate attends over the history tokens (softmax of cosine / τ plus
 *   the log of the token's recency weight), so a candidate is scored by the history items it
 *   resembles most rather than by the average of all of them; recency enters as the prior.
 *   Dismissed (negative) tokens are subtracted linearly in both heads.
 *
 * With a shared space (learned at catalog build, see shared-space.ts) the same aggregation
 * runs there too, across modalities: that is the `shared` feature.
 *
 * Features are standardised over the items that have the modality (z-scores; 0 where the
 * item lacks it), so modalities with different cosine ranges (MobileNet cosines sit high,
 * USE cosines low) mix on one scale and a missing modality is neutral, not a penalty.
 */
import * as tf from '@tensorflow/tfjs';
import type { Modality } from '../../protocol/embedding.ts';
import type { HistoryToken } from './history-tokens.ts';
import type { ItemSpace } from './item-space.ts';
import { standardise } from './standardise.ts';

export type ContentHead = 'late' | 'attention';

export interface ContentFeatureOptions {
  head: ContentHead;
  /** Attention temperature on cosines (default 0.1). */
  temperature?: number;
}

/** Per modality: raw aggregated similarity and its z-score, per item. */
export interface ModalityFeature {
  raw: Float32Array;
  z: Float32Array;
  /** Tokens that had this modality. */
  tokens: number;
}

export async function contentFeatures(
  space: ItemSpace,
  tokens: readonly HistoryToken[],
  options: ContentFeatureOptions,
): Promise<Partial<Record<Modality | 'shared', ModalityFeature>>> {
  const out: Partial<Record<Modality | 'shared', ModalityFeature>> = {};
  const totalWeight = tokens.reduce((sum, t) => sum + Math.abs(t.weight), 0);
  if (totalWeight === 0) return out;
  for (const modality of space.modalities) {
    const withModality = tokens.filter((t) => t.vectors[modality] !== undefined && t.vectors[modality]!.length === space.dims(modality));
    if (withModality.length === 0) continue;
    const raw = await aggregate(
      space.matrix(modality),
      withModality.map((t) => unit(t.vectors[modality]!)),
      withModality,
      options,
    );
    out[modality] = { raw, z: standardise(raw, space.presence(modality)), tokens: withModality.length };
  }
  // The shared space compares across modalities: a photo the user gave with text-only items, a sound with pictures.
  if (space.shared) {
    const projected = tokens
      .map((t) => ({ t, v: space.sharedVectorOf(t.vectors) }))
      .filter((x): x is { t: HistoryToken; v: Float32Array } => x.v !== undefined);
    if (projected.length > 0) {
      const raw = await aggregate(
        space.sharedMatrix(),
        projected.map((x) => x.v),
        projected.map((x) => x.t),
        options,
      );
      out.shared = { raw, z: standardise(raw, space.sharedPresence()), tokens: projected.length };
    }
  }
  return out;
}

/** `items` (N × d, on the backend) against the tokens' unit vectors (each d long). */
async function aggregate(
  items: tf.Tensor2D,
  vectors: readonly Float32Array[],
  tokens: readonly HistoryToken[],
  options: ContentFeatureOptions,
): Promise<Float32Array> {
  const dims = items.shape[1];
  // Built transposed (d × L) here: a plain matMul is several times faster than transposeB on wasm.
  const historyT = new Float32Array(tokens.length * dims);
  vectors.forEach((v, i) => {
    for (let d = 0; d < dims; d++) historyT[d * tokens.length + i] = v[d]!;
  });
  const sum = tokens.reduce((s, t) => s + Math.abs(t.weight), 0);
  const positive = tokens.map((t) => Math.max(0, t.weight) / sum);
  const negative = tokens.map((t) => Math.min(0, t.weight) / sum);
  const anyPositive = positive.some((w) => w > 0);
  const result = tf.tidy(() => {
    const sims = tf.matMul(items, tf.tensor2d(historyT, [dims, tokens.length])); // N × L
    let score = tf.matMul(sims, tf.tensor2d(negative, [tokens.length, 1])).reshape([-1]);
    if (anyPositive) {
      if (options.head === 'attention') {
        const tau = options.temperature ?? 0.1;
        // log of the recency weight as a prior; tokens with weight 0 get −∞ (a large negative).
        const prior = tf.tensor1d(positive.map((w) => (w > 0 ? Math.log(w) : -1e9)));
        const attention = tf.softmax(tf.add(tf.div(sims, tau), prior), 1);
        const positiveMass = positive.reduce((a, b) => a + b, 0);
        score = tf.add(score, tf.mul(tf.sum(tf.mul(attention, sims), 1), positiveMass));
      } else {
        score = tf.add(score, tf.matMul(sims, tf.tensor2d(positive, [tokens.length, 1])).reshape([-1]));
      }
    }
    return score;
  });
  try {
    return (await result.data()) as Float32Array;
  } finally {
    result.dispose();
  }
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? vector.map((x) => x / norm) : vector;
}
