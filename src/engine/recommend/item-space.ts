/**
 * The catalog as the recommender sees it: per modality an item-aligned matrix (row i = item i,
 * a zero row where the item has no vector in that modality) on the active tfjs backend, the
 * same vectors on the JS heap for explanations and diversity, and which items have which
 * modality. Works the same in the worker and in Node (evaluation, catalog building).
 *
 * Item-aligned matrices cost a zero row per missing vector, and save a gather on every call.
 */
import * as tf from '@tensorflow/tfjs';
import type { Modality } from '../../protocol/embedding.ts';
import type { CatalogItem, CatalogManifest } from '../catalog/catalog-manifest.ts';
import { catalogModalities } from '../catalog/catalog-manifest.ts';
import type { SharedSpace } from '../catalog/shared-space.ts';

/** One modality's decoded vector file: `count` rows of `dims`, rows as the manifest's `vectorRows` say. */
export interface ModalityRows {
  data: Float32Array;
  dims: number;
}

interface ModalitySpace {
  dims: number;
  /** count × dims, item-aligned, unit rows (zero where missing). */
  vectors: Float32Array;
  /** 1 where the item has this modality. */
  present: Uint8Array;
  tensor: tf.Tensor2D | undefined;
}

export class ItemSpace {
  readonly items: readonly CatalogItem[];
  readonly modalities: readonly Modality[];
  private readonly spaces = new Map<Modality, ModalitySpace>();
  private readonly indexById = new Map<string, number>();
  /** The catalog's learned cross-modal space (catalogs with ≥ 2 modalities), if it has one. */
  readonly shared: SharedSpace | undefined;
  private sharedTensor: tf.Tensor2D | undefined;
  private sharedPresent: Uint8Array | undefined;

  constructor(manifest: CatalogManifest, rows: Partial<Record<Modality, ModalityRows>>, shared?: SharedSpace) {
    this.items = manifest.items;
    this.items.forEach((item, index) => this.indexById.set(item.id, index));
    this.modalities = catalogModalities(manifest).filter((m) => rows[m] && rows[m]!.data.length > 0);
    const n = this.items.length;
    for (const modality of this.modalities) {
      const { data, dims } = rows[modality]!;
      const vectors = new Float32Array(n * dims);
      const present = new Uint8Array(n);
      this.items.forEach((item, index) => {
        const row = item.vectorRows[modality];
        if (row === undefined) return;
        const source = data.subarray(row * dims, (row + 1) * dims);
        let norm = 0;
        for (let d = 0; d < dims; d++) norm += source[d]! * source[d]!;
        norm = Math.sqrt(norm);
        if (norm === 0) return;
        for (let d = 0; d < dims; d++) vectors[index * dims + d] = source[d]! / norm;
        present[index] = 1;
      });
      this.spaces.set(modality, { dims, vectors, present, tensor: undefined });
    }
    this.shared = shared && this.modalities.some((m) => shared.has(m)) ? shared : undefined;
  }

  /** Items with at least one modality the shared space projects. */
  sharedPresence(): Uint8Array {
    if (!this.sharedPresent) {
      const out = new Uint8Array(this.itemCount);
      for (const m of this.modalities) if (this.shared?.has(m)) this.presence(m).forEach((p, i) => (out[i] ||= p));
      this.sharedPresent = out;
    }
    return this.sharedPresent;
  }

  /**
   * Every item in the shared space on the backend: the normalised mean of the projections of
   * the modalities it has (count × shared.dims); computed once per backend.
   */
  sharedMatrix(): tf.Tensor2D {
    const shared = this.shared;
    if (!shared) throw new RangeError('the catalog has no shared space');
    if (!this.sharedTensor || this.sharedTensor.isDisposed) {
      const inputs = this.modalities.filter((m) => shared.has(m)).map((m) => ({ m, x: this.matrix(m), mask: this.presence(m) }));
      this.sharedTensor = tf.tidy(() => {
        let sum: tf.Tensor2D | undefined;
        for (const { m, x, mask } of inputs) {
          const projected = tf.mul(shared.project(m, x), tf.tensor2d(Float32Array.from(mask), [mask.length, 1])) as tf.Tensor2D;
          sum = sum ? (tf.add(sum, projected) as tf.Tensor2D) : projected;
        }
        const norm = tf.maximum(tf.norm(sum!, 2, 1, true), 1e-12);
        return tf.keep(tf.div(sum!, norm) as tf.Tensor2D);
      });
    }
    return this.sharedTensor;
  }

  /** A history token's vectors in the shared space: the normalised mean of their projections. */
  sharedVectorOf(vectors: Partial<Record<Modality, Float32Array>>): Float32Array | undefined {
    const shared = this.shared;
    if (!shared) return undefined;
    let sum: Float32Array | undefined;
    for (const [m, v] of Object.entries(vectors) as Array<[Modality, Float32Array]>) {
      if (!shared.has(m) || v.length !== shared.inputDims(m)) continue;
      const p = shared.projectVector(m, v);
      if (!sum) sum = new Float32Array(p.length);
      for (let d = 0; d < p.length; d++) sum[d]! += p[d]!;
    }
    if (!sum) return undefined;
    const norm = Math.hypot(...sum);
    return norm > 0 ? sum.map((x) => x / norm) : undefined;
  }

  get itemCount(): number {
    return this.items.length;
  }

  indexOf(id: string): number | undefined {
    return this.indexById.get(id);
  }

  dims(modality: Modality): number {
    return this.require(modality).dims;
  }

  has(index: number, modality: Modality): boolean {
    return this.spaces.get(modality)?.present[index] === 1;
  }

  /** Which items have a vector in this modality (1) or not (0). */
  presence(modality: Modality): Uint8Array {
    return this.require(modality).present;
  }

  /** A view (not a copy) of one item's unit vector, or undefined. */
  vector(index: number, modality: Modality): Float32Array | undefined {
    const space = this.spaces.get(modality);
    if (!space || space.present[index] !== 1) return undefined;
    return space.vectors.subarray(index * space.dims, (index + 1) * space.dims);
  }

  /** Mean cosine over the modalities both items have (vectors are unit length); 0 when they share none. Diversity's item similarity. */
  similarity(a: number, b: number): number {
    let sum = 0;
    let n = 0;
    for (const m of this.modalities) {
      const va = this.vector(a, m);
      const vb = this.vector(b, m);
      if (!va || !vb) continue;
      let dot = 0;
      for (let d = 0; d < va.length; d++) dot += va[d]! * vb[d]!;
      sum += dot;
      n++;
    }
    return n ? sum / n : 0;
  }

  /** The item-aligned matrix on the current backend (uploaded on first use after a backend change). */
  matrix(modality: Modality): tf.Tensor2D {
    const space = this.require(modality);
    if (!space.tensor || space.tensor.isDisposed) space.tensor = tf.tensor2d(space.vectors, [this.itemCount, space.dims]);
    return space.tensor;
  }

  /** Drop the device copies (after a backend change); `swallowErrors` for a lost device. */
  release(swallowErrors = false): void {
    try {
      this.sharedTensor?.dispose();
    } catch (error) {
      if (!swallowErrors) throw error;
    }
    this.sharedTensor = undefined;
    this.shared?.release(swallowErrors);
    for (const space of this.spaces.values()) {
      try {
        space.tensor?.dispose();
      } catch (error) {
        if (!swallowErrors) throw error;
      }
      space.tensor = undefined;
    }
  }

  private require(modality: Modality): ModalitySpace {
    const space = this.spaces.get(modality);
    if (!space) throw new RangeError(`the catalog has no ${modality} vectors (it has: ${this.modalities.join(', ') || 'none'})`);
    return space;
  }
}

/** History tokens' view of a catalog: an item's title and its vectors (views, not copies). */
export function catalogItemLookup(space: ItemSpace) {
  return (id: string) => {
    const index = space.indexOf(id);
    if (index === undefined) return undefined;
    const vectors: Partial<Record<Modality, Float32Array>> = {};
    for (const m of space.modalities) {
      const v = space.vector(index, m);
      if (v) vectors[m] = v;
    }
    return { index, title: space.items[index]!.title, vectors };
  };
}
