/**
 * One pre-norm transformer block of the user model (SASRec-like): single-head causal
 * self-attention over the history, then a position-wise feed-forward layer, each with a
 * residual connection. Padding positions are never attended to.
 */
import * as tf from '@tensorflow/tfjs';
import { layerNorm } from './layer-norm.ts';
import type { ModelParameters } from './model-parameters.ts';

const MASKED = -1e9;

/**
 * x: B × L × d; keyMask: B × 1 × L additive (0 or −1e9, padding); causal: L × L additive.
 * `dropout` (rate, seed) applies in training only. Call inside tf.tidy.
 */
export function selfAttentionBlock(
  params: ModelParameters,
  block: number,
  x: tf.Tensor3D,
  keyMask: tf.Tensor3D,
  causal: tf.Tensor2D,
  dropout?: { rate: number; seed: number },
  attention?: (weights: tf.Tensor3D) => void,
): tf.Tensor3D {
  const p = `user.block${block}`;
  const [b, l, d] = x.shape;
  const drop = (t: tf.Tensor, salt: number): tf.Tensor => (dropout && dropout.rate > 0 ? tf.dropout(t, dropout.rate, undefined, dropout.seed * 7 + salt) : t);
  const flat = (t: tf.Tensor): tf.Tensor2D => t.reshape([b * l, d]) as tf.Tensor2D;
  const y = flat(layerNorm(x, params.get(`${p}.norm1.gamma`), params.get(`${p}.norm1.beta`)));
  const q = tf.matMul(y, params.get(`${p}.query`) as tf.Tensor2D).reshape([b, l, d]) as tf.Tensor3D;
  const k = tf.matMul(y, params.get(`${p}.key`) as tf.Tensor2D).reshape([b, l, d]) as tf.Tensor3D;
  const v = tf.matMul(y, params.get(`${p}.value`) as tf.Tensor2D).reshape([b, l, d]) as tf.Tensor3D;
  const scores = tf.add(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), keyMask), causal);
  const weights = tf.softmax(scores, -1) as tf.Tensor3D;
  if (attention) attention(tf.keep(weights));
  const attended = drop(tf.matMul(weights, v), 1);
  const h = tf.add(x, attended) as tf.Tensor3D;
  const z = flat(layerNorm(h, params.get(`${p}.norm2.gamma`), params.get(`${p}.norm2.beta`)));
  const ff1 = tf.relu(tf.add(tf.matMul(z, params.get(`${p}.ff1.kernel`) as tf.Tensor2D), params.get(`${p}.ff1.bias`))) as tf.Tensor2D;
  const ff2 = tf.add(tf.matMul(ff1, params.get(`${p}.ff2.kernel`) as tf.Tensor2D), params.get(`${p}.ff2.bias`));
  return tf.add(h, drop(ff2.reshape([b, l, d]), 2)) as tf.Tensor3D;
}

/** L × L additive causal mask: position t sees positions ≤ t. */
export function causalMask(length: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0)), MASKED) as tf.Tensor2D);
}
