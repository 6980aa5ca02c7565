/**
 * Items' modality vectors in the row-major form the item tower reads: per modality an
 * N × dims matrix (zeros where an item lacks it) and a presence flag, plus which items have a
 * learned id embedding. Plain arrays, so Node (build, evaluation) and the worker share them.
 */
import * as tf from '@tensorflow/tfjs';
import type { SequenceModelConfig } from './model-config.ts';
import type { TowerInputs } from './item-tower.ts';

export interface ItemContentInputs {
  count: number;
  /** Per config modality, N × dims row-major. */
  matrices: Float32Array[];
  /** N × M row-major, 1 where the item has that modality. */
  present: Uint8Array;
  /** N, 1 where the item has an id embedding (row = its index). Absent: none has. */
  hasId?: Uint8Array;
}

/** Content inputs from per-item vectors (undefined = the item lacks that modality). */
export function contentInputs(
  config: SequenceModelConfig,
  rows: ReadonlyArray<ReadonlyArray<ArrayLike<number> | undefined>>,
  count: number,
  hasId?: Uint8Array,
): ItemContentInputs {
  const m = config.modalities.length;
  if (rows.length !== m) throw new Error(`content inputs: ${rows.length} modalities, the model has ${m}`);
  const present = new Uint8Array(count * m);
  const matrices = config.modalities.map((shape, k) => {
    const out = new Float32Array(count * shape.dims);
    for (let i = 0; i < count; i++) {
      const v = rows[k]![i];
      if (!v) continue;
      if (v.length !== shape.dims) throw new Error(`content inputs: item ${i} ${shape.name} has ${v.length} dims, expected ${shape.dims}`);
      out.set(v, i * shape.dims);
      present[i * m + k] = 1;
    }
    return out;
  });
  if (hasId && hasId.length !== count) throw new Error(`content inputs: hasId has ${hasId.length} entries for ${count} items`);
  return { count, matrices, present, ...(hasId ? { hasId } : {}) };
}

/**
 * The tower's tensors for these items (the caller disposes them with `disposeTowerInputs`).
 * `present` / `hasId` override the stored flags (modality and id dropout in training).
 */
export function towerTensors(config: SequenceModelConfig, inputs: ItemContentInputs, present = inputs.present, hasId = inputs.hasId): TowerInputs {
  const n = inputs.count;
  const m = config.modalities.length;
  const out: TowerInputs = {
    modalities: config.modalities.map((shape, k) => tf.tensor2d(inputs.matrices[k]!, [n, shape.dims])),
    present: tf.tensor2d(Float32Array.from(present), [n, m]),
  };
  if (hasId && config.idItems > 0) {
    out.idMask = tf.tensor2d(Float32Array.from(hasId), [n, 1]);
    out.ids = tf.tensor1d(
      Int32Array.from({ length: n }, (_, i) => (hasId[i] && i < config.idItems ? i : 0)),
      'int32',
    );
  }
  return out;
}

export function disposeTowerInputs(inputs: TowerInputs): void {
  for (const t of inputs.modalities) t.dispose();
  inputs.present.dispose();
  inputs.idMask?.dispose();
  inputs.ids?.dispose();
}
