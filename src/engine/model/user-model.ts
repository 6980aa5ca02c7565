/**
 * The user model: the item vectors of a user's history (right-aligned, most recent last, at
 * most maxLength events) plus learned position embeddings go through causal self-attention
 * blocks; the state at each position predicts the next item, and the last state is the user
 * vector. score(user, item) = user · item vector.
 */
import * as tf from '@tensorflow/tfjs';
import { differentiableGather } from './differentiable-gather.ts';
import { layerNorm } from './layer-norm.ts';
import type { ModelParameters } from './model-parameters.ts';
import { causalMask, selfAttentionBlock } from './self-attention-block.ts';

/** Index marking an empty (padding) slot of a history row. */
export const PAD = -1;

/**
 * Histories as a B × maxLength int32 row-major array of item rows (PAD on the left), from
 * lists of item rows oldest first; longer histories keep their last maxLength items.
 */
export function historyRows(histories: ReadonlyArray<ReadonlyArray<number>>, maxLength: number): Int32Array {
  const out = new Int32Array(histories.length * maxLength).fill(PAD);
  histories.forEach((history, b) => {
    const tail = history.slice(-maxLength);
    out.set(tail, b * maxLength + maxLength - tail.length);
  });
  return out;
}

export interface UserStateOptions {
  /** Dropout while training: rate and a seed (deterministic per step). */
  dropout?: { rate: number; seed: number };
  /** Receives the last block's attention weights, B × L × L (a new tensor). */
  attention?: (weights: tf.Tensor3D) => void;
  /**
   * The history rows as a JS array too (training): the item vectors are then looked up with
   * a gather that has a gradient on wasm (differentiable-gather.ts).
   */
  rowValues?: Int32Array;
}

/**
 * B × L × d states for `rows` (B × L int32, PAD for empty) over item vectors `items` (N × d).
 * Returns a new tensor.
 */
export function userStates(params: ModelParameters, items: tf.Tensor2D, rows: tf.Tensor2D, options: UserStateOptions = {}): tf.Tensor3D {
  const { dims: d, maxLength, blocks } = params.config;
  const [b, l] = rows.shape;
  if (l !== maxLength) throw new Error(`user model: rows have ${l} positions, the model reads ${maxLength}`);
  return tf.tidy(() => {
    const n = items.shape[0];
    const valid = tf.cast(tf.greaterEqual(rows, 0), 'float32'); // B × L
    const table = tf.concat([items, tf.zeros([1, d])], 0);
    const index = tf.where(tf.greaterEqual(rows, 0), rows, tf.fill(rows.shape, n, 'int32'));
    const embedded = (
      options.rowValues
        ? differentiableGather(
            table as tf.Tensor2D,
            options.rowValues.map((r) => (r >= 0 ? r : n)),
          )
        : tf.gather(table, index.reshape([b * l]) as tf.Tensor1D)
    ).reshape([b, l, d]);
    // Unit item vectors scaled by √d so they and the positions start on the same scale.
    let x = tf.mul(tf.add(tf.mul(embedded, Math.sqrt(d)), params.get('user.position')), valid.expandDims(2)) as tf.Tensor3D;
    if (options.dropout && options.dropout.rate > 0) x = tf.dropout(x, options.dropout.rate, undefined, options.dropout.seed) as tf.Tensor3D;
    const keyMask = tf.mul(tf.sub(1, valid), -1e9).expandDims(1) as tf.Tensor3D;
    const causal = causalMask(l);
    for (let block = 0; block < blocks; block++) {
      const last = block === blocks - 1;
      x = selfAttentionBlock(
        params,
        block,
        x,
        keyMask,
        causal,
        options.dropout ? { rate: options.dropout.rate, seed: options.dropout.seed + 101 * (block + 1) } : undefined,
        last ? options.attention : undefined,
      );
    }
    return layerNorm(x, params.get('user.norm.gamma'), params.get('user.norm.beta')) as tf.Tensor3D;
  });
}

/** B × d user vectors (the last position's state) for histories of item rows, oldest first. */
export function userVectors(params: ModelParameters, items: tf.Tensor2D, histories: ReadonlyArray<ReadonlyArray<number>>): tf.Tensor2D {
  const l = params.config.maxLength;
  return tf.tidy(() => {
    const rows = tf.tensor2d(historyRows(histories, l), [histories.length, l], 'int32');
    const states = userStates(params, items, rows);
    return tf.squeeze(tf.slice(states, [0, l - 1, 0], [-1, 1, -1]), [1]) as tf.Tensor2D;
  });
}
