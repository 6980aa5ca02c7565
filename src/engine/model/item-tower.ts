/**
 * The item tower: each modality vector present is projected to the model's space, a learned
 * gate weighs the projections (softmax over the modalities the item has, so any subset
 * works), an item with a learned id embedding (warm at build time) adds it, and the sum is
 * L2-normalised. In training, modality dropout and id dropout hide parts of some items so an
 * item with one modality, or with no interaction yet, still lands where its content says.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelParameters } from './model-parameters.ts';

/** The tower's input for N items, as tensors the caller owns. */
export interface TowerInputs {
  /** One N × dims matrix per config modality, in config order (rows of absent modalities: anything finite). */
  modalities: tf.Tensor2D[];
  /** N × M, 1 where the item has that modality. */
  present: tf.Tensor2D;
  /** N × 1, 1 where the item has an id embedding (`ids` then says which row). Absent: none does. */
  idMask?: tf.Tensor2D;
  /**
   * N int32 rows of the id table (any valid row where idMask is 0). Absent with idMask: item i
   * is row i (the whole catalog, in training: a slice has a gradient on wasm, a gather has not).
   */
  ids?: tf.Tensor1D;
}

const MASKED = -1e9;

/**
 * N × dims unit item vectors. Returns a new tensor; inputs are not disposed.
 * `attribution`, when given, also receives the N × M gate weights (a new tensor).
 */
export function itemVectors(params: ModelParameters, inputs: TowerInputs, attribution?: (gates: tf.Tensor2D) => void): tf.Tensor2D {
  const config = params.config;
  if (inputs.modalities.length !== config.modalities.length)
    throw new Error(`item tower: ${inputs.modalities.length} modalities given, the model has ${config.modalities.length}`);
  return tf.tidy(() => {
    const projected = config.modalities.map((m, i) => {
      const x = inputs.modalities[i]!;
      if (x.shape[1] !== m.dims) throw new Error(`item tower: ${m.name} vectors have ${x.shape[1]} dims, the model expects ${m.dims}`);
      return tf.add(tf.matMul(x, params.get(`tower.${m.name}.kernel`) as tf.Tensor2D), params.get(`tower.${m.name}.bias`)) as tf.Tensor2D;
    });
    // Gate logit per modality: w·tanh(h_m) + b_m; absent modalities get −1e9.
    const gateKernel = params.get('tower.gate.kernel') as tf.Tensor2D;
    const logits = tf.add(
      tf.concat(
        projected.map((h) => tf.matMul(tf.tanh(h), gateKernel)),
        1,
      ),
      params.get('tower.gate.bias'),
    );
    const masked = tf.add(logits, tf.mul(tf.sub(1, inputs.present), MASKED));
    const gates = tf.softmax(masked, 1) as tf.Tensor2D;
    // An item with no modality at all keeps a zero content part (not a mix of biases).
    const anyPresent = tf.minimum(tf.sum(inputs.present, 1, true), 1);
    let fused = tf.mul(tf.addN(projected.map((h, i) => tf.mul(h, tf.slice(gates, [0, i], [-1, 1])))), anyPresent) as tf.Tensor2D;
    if (params.has('tower.id') && inputs.idMask) {
      const table = params.get('tower.id') as tf.Tensor2D;
      const n = inputs.idMask.shape[0];
      if (!inputs.ids && n > table.shape[0]) throw new Error(`item tower: ${n} items but only ${table.shape[0]} id embeddings`);
      const rows = inputs.ids ? tf.gather(table, inputs.ids) : tf.slice(table, [0, 0], [n, -1]);
      fused = tf.add(fused, tf.mul(rows, inputs.idMask)) as tf.Tensor2D;
    }
    if (attribution) attribution(tf.keep(gates));
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(fused), 1, true), 1e-12));
    return tf.div(fused, norm) as tf.Tensor2D;
  });
}
