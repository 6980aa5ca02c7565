import * as tf from '@tensorflow/tfjs';

/**
 * The catalog's vectors on the active backend, with the source kept on the JS heap so
 * they can be re-uploaded after a backend change (e.g. a lost WebGPU device).
 */
export class ItemMatrix {
  private tensor: tf.Tensor2D | undefined;

  constructor(
    readonly vectors: Float32Array,
    readonly dims: number,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    if (vectors.length === 0 || vectors.length % dims !== 0) {
      throw new RangeError(`vector data length ${vectors.length} is not a non-zero multiple of dims ${dims}`);
    }
  }

  get count(): number {
    return this.vectors.length / this.dims;
  }

  /** The tensor on the current backend, uploading it on first use after a backend change. */
  onBackend(): tf.Tensor2D {
    if (!this.tensor || this.tensor.isDisposed) {
      this.tensor = tf.tensor2d(this.vectors, [this.count, this.dims]);
    }
    return this.tensor;
  }

  /** Drop the device copy; `swallowErrors` for a backend whose device is already gone. */
  release(swallowErrors = false): void {
    try {
      this.tensor?.dispose();
    } catch (error) {
      if (!swallowErrors) throw error;
    }
    this.tensor = undefined;
  }
}
