import { itemAt } from '../../shared/item-at.ts';
/**
 * Row lookup with a gradient on every backend. tfjs's gather has its gradient through
 * UnsortedSegmentSum, which the wasm backend does not implement; a one-hot product works but
 * costs rows × table size. Here the gradient is the scatter-add of the upstream rows, done in
 * JS (a few thousand rows of d floats per training step).
 */
import * as tf from '@tensorflow/tfjs';

/** `table` rows at `indices` (each in [0, rows)); the gradient flows back to `table`. */
export function differentiableGather(table: tf.Tensor2D, indices: Int32Array): tf.Tensor2D {
  const [rows, d] = table.shape;
  const lookup = tf.customGrad((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const value = tf.gather(inputs[0] as tf.Tensor, tf.tensor1d(indices, 'int32'));
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const upstream = (Array.isArray(dy) ? dy[0]! : dy).dataSync();
        const grad = new Float32Array(rows * d);
        for (let i = 0; i < indices.length; i++) {
          const to = itemAt(indices, i) * d;
          const from = i * d;
          for (let c = 0; c < d; c++) grad[to + c] = itemAt(grad, to + c) + itemAt(upstream, from + c);
        }
        return tf.tensor2d(grad, [rows, d]);
      },
    };
  });
  return lookup(table) as tf.Tensor2D;
}
