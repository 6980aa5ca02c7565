import * as tf from '@tensorflow/tfjs';
import type { TopK } from './top-k-reference.ts';

/**
 * The engine's core ranking operation on the active tfjs backend:
 * dot-product scores of one query against every row of `items`, then top-k.
 * Every intermediate tensor is released before returning.
 */
export async function scoreTopK(items: tf.Tensor2D, query: Float32Array, k: number): Promise<TopK> {
  const [count, dims] = items.shape;
  if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, items have ${dims}`);
  const limit = Math.min(Math.max(1, Math.floor(k)), count);
  const { values, indices } = tf.tidy(() => {
    const scores = tf.matMul(items, tf.tensor2d(query, [dims, 1])).reshape([count]);
    return tf.topk(scores, limit, true);
  });
  try {
    const [scoreData, indexData] = await Promise.all([values.data(), indices.data()]);
    return { indices: Array.from(indexData), scores: Array.from(scoreData) };
  } finally {
    values.dispose();
    indices.dispose();
  }
}
