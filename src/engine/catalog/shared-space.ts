import { itemAt } from '../../shared/item-at.ts';
/**
 * A catalog's shared space in the engine: per modality a learned linear projection
 * (kernel inputDims × dims, bias dims; format in src/engine/catalog/shared-space-format.ts)
 * followed by L2 normalisation, so a text, an image and a sound of the same thing land close
 * together and a cosine (dot product) compares vectors of any two modalities.
 *
 * The weights stay on the JS heap; their device copies are uploaded to the current tfjs
 * backend on first use and dropped by `release()` after a backend change (uploaded again on
 * next use), like the catalog's item matrices.
 */
import * as tf from '@tensorflow/tfjs';
import type { Modality } from '../../protocol/embedding.ts';
import type { SharedSpaceProjection, SharedSpaceWeights } from './shared-space-format.ts';

const MODALITY_ORDER: readonly Modality[] = ['text', 'image', 'audio'];

interface DeviceWeights {
  kernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

export class SharedSpace {
  readonly dims: number;
  /** Modalities with a projection, in text, image, audio order. */
  readonly modalities: readonly Modality[];
  private readonly projections = new Map<Modality, SharedSpaceProjection>();
  private readonly device = new Map<Modality, DeviceWeights>();
  private disposed = false;

  constructor(weights: SharedSpaceWeights) {
    const { dims } = weights;
    if (!Number.isSafeInteger(dims) || dims <= 0) throw new RangeError(`shared space dims must be a positive integer, got ${dims}`);
    this.dims = dims;
    for (const modality of MODALITY_ORDER) {
      const p = weights.projections[modality];
      if (!p) continue;
      if (!Number.isSafeInteger(p.inputDims) || p.inputDims <= 0 || p.kernel.length !== p.inputDims * dims || p.bias.length !== dims) {
        throw new RangeError(
          `shared space ${modality}: kernel has ${p.kernel.length} values and bias ${p.bias.length}, expected ${p.inputDims} × ${dims} and ${dims}`,
        );
      }
      this.projections.set(modality, p);
    }
    this.modalities = MODALITY_ORDER.filter((m) => this.projections.has(m));
  }

  has(modality: Modality): boolean {
    return this.projections.has(modality);
  }

  /** Length of the encoder vectors this modality's projection takes. */
  inputDims(modality: Modality): number {
    return this.require(modality).inputDims;
  }

  /**
   * Projects `x` (rows of `inputDims(modality)` values, on the current backend) into the
   * shared space: a new `rows × dims` tensor, each row L2-normalised (a zero row stays zero).
   * The caller owns (and disposes) the result; `x` is left as it is.
   */
  project(modality: Modality, x: tf.Tensor2D): tf.Tensor2D {
    const p = this.require(modality);
    if (x.rank !== 2 || x.shape[1] !== p.inputDims) {
      throw new RangeError(`shared space ${modality}: expected rows of ${p.inputDims} values, got shape [${x.shape.join(', ')}]`);
    }
    const w = this.onBackend(modality);
    return tf.tidy(() => {
      const z = tf.add(tf.matMul(x, w.kernel), w.bias) as tf.Tensor2D;
      const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-24));
      return tf.div(z, norm) as tf.Tensor2D;
    });
  }

  /**
   * One vector (`inputDims(modality)` values) into the shared space, L2-normalised, computed
   * in JS (no tensors, no backend): for a query.
   */
  projectVector(modality: Modality, vector: ArrayLike<number>): Float32Array {
    return this.projectRows(modality, vector, 1);
  }

  /** `count` row-major vectors into the shared space in JS: `count × dims`, each row L2-normalised. */
  projectRows(modality: Modality, data: ArrayLike<number>, count: number): Float32Array {
    const p = this.require(modality);
    const { dims } = this;
    const n = p.inputDims;
    if (!Number.isSafeInteger(count) || count < 0 || data.length !== count * n) {
      throw new RangeError(`shared space ${modality}: expected ${count} × ${n} values, got ${data.length}`);
    }
    const out = new Float32Array(count * dims);
    const acc = new Float64Array(dims);
    for (let r = 0; r < count; r++) {
      acc.set(p.bias);
      for (let i = 0; i < n; i++) {
        const x = itemAt(data, r * n + i);
        if (x === 0) continue;
        const base = i * dims;
        for (let j = 0; j < dims; j++) acc[j] = itemAt(acc, j) + x * itemAt(p.kernel, base + j);
      }
      let sum = 0;
      for (const a of acc) sum += a * a;
      const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
      acc.forEach((a, j) => (out[r * dims + j] = a * scale));
    }
    return out;
  }

  /** The projection's weights on the current backend (uploaded on first use after a release). */
  private onBackend(modality: Modality): DeviceWeights {
    if (this.disposed) throw new Error('shared space has been disposed');
    let w = this.device.get(modality);
    if (!w || w.kernel.isDisposed || w.bias.isDisposed) {
      const p = this.require(modality);
      if (w) this.releaseOne(w, true);
      w = { kernel: tf.tensor2d(p.kernel, [p.inputDims, this.dims]), bias: tf.tensor1d(p.bias) };
      this.device.set(modality, w);
    }
    return w;
  }

  /** Drop the device copies (after a backend change); the next `project` uploads again. */
  release(swallowErrors = false): void {
    for (const w of this.device.values()) this.releaseOne(w, swallowErrors);
    this.device.clear();
  }

  /** Free the device copies for good. */
  dispose(): void {
    this.release(true);
    this.disposed = true;
  }

  private releaseOne(w: DeviceWeights, swallowErrors: boolean): void {
    for (const t of [w.kernel, w.bias]) {
      try {
        t.dispose();
      } catch (error) {
        if (!swallowErrors) throw error;
      }
    }
  }

  private require(modality: Modality): SharedSpaceProjection {
    const p = this.projections.get(modality);
    if (!p) {
      throw new RangeError(`the shared space has no ${String(modality)} projection (it has: ${this.modalities.join(', ')})`);
    }
    return p;
  }
}
