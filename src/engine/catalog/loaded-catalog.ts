/**
 * A catalog in the engine: its manifest, and per modality its decoded vectors as an
 * ItemMatrix (uploaded to the active tfjs backend once, dropped on a backend change and
 * uploaded again on next use, like the engine's own items), with the lookups between item
 * ids, item indices and vector rows. When the catalog has a shared space (learned projections
 * of every modality into one space, see shared-space-format.ts), `sharedSpace` holds it and
 * `sharedOnBackend(modality)` gives the modality's items projected into that space, computed
 * on the current backend once and dropped with the item matrices on a backend change.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Modality } from '../../protocol/embedding.ts';
import { ItemMatrix } from '../ranking/item-matrix.ts';
import { SharedSpace } from './shared-space.ts';
import { MODALITIES, catalogModalities, rowItems, type CatalogItem, type CatalogManifest } from './catalog-manifest.ts';
import type { LoadedCatalogFiles } from './fetch-catalog.ts';

interface ModalityVectors {
  dims: number;
  count: number;
  /** Undefined when the file has no rows (an ItemMatrix cannot be empty). */
  matrix: ItemMatrix | undefined;
  /** Row → index in `manifest.items`. */
  rowItem: Int32Array;
}

export class LoadedCatalog {
  readonly manifest: CatalogManifest;
  readonly baseUrl: string;
  readonly modalities: readonly Modality[];
  /** The catalog's shared space, or undefined when it has none. */
  readonly sharedSpace: SharedSpace | undefined;
  /** Per modality, its items projected into the shared space on the current backend. */
  private readonly shared = new Map<Modality, tf.Tensor2D>();
  private readonly byModality = new Map<Modality, ModalityVectors>();
  private readonly indexById = new Map<string, number>();
  private disposed = false;

  constructor(files: Pick<LoadedCatalogFiles, 'manifest' | 'vectors' | 'baseUrl' | 'sharedSpace'>) {
    this.manifest = files.manifest;
    this.baseUrl = files.baseUrl;
    this.modalities = catalogModalities(files.manifest);
    files.manifest.items.forEach((item, index) => this.indexById.set(item.id, index));
    for (const modality of this.modalities) {
      const decoded = files.vectors[modality];
      const file = files.manifest.vectorFiles[modality]!;
      if (!decoded) throw new Error(`catalog ${files.manifest.name}: no decoded vectors for ${modality}`);
      if (decoded.dims !== file.dims || decoded.count !== file.count || decoded.data.length !== file.count * file.dims) {
        throw new Error(
          `catalog ${files.manifest.name}: ${modality} vectors do not match the manifest (${decoded.count} × ${decoded.dims}, manifest ${file.count} × ${file.dims})`,
        );
      }
      this.byModality.set(modality, {
        dims: file.dims,
        count: file.count,
        matrix: file.count > 0 ? new ItemMatrix(decoded.data, file.dims) : undefined,
        rowItem: rowItems(files.manifest, modality),
      });
    }
    const weights = files.sharedSpace?.weights;
    if (weights) {
      for (const modality of MODALITIES) {
        const p = weights.projections[modality];
        if (!p) continue;
        const m = this.byModality.get(modality);
        if (!m) throw new Error(`catalog ${files.manifest.name}: the shared space projects ${modality}, but the catalog has no ${modality} vectors`);
        if (p.inputDims !== m.dims)
          throw new Error(`catalog ${files.manifest.name}: the shared space takes ${p.inputDims}-d ${modality} vectors, the catalog has ${m.dims}-d`);
      }
      this.sharedSpace = new SharedSpace(weights);
    } else this.sharedSpace = undefined;
  }

  get itemCount(): number {
    return this.manifest.items.length;
  }

  hasModality(modality: Modality): boolean {
    return this.byModality.has(modality);
  }

  /** Rows and dims of one modality's vectors. */
  shape(modality: Modality): { count: number; dims: number } {
    const m = this.require(modality);
    return { count: m.count, dims: m.dims };
  }

  /** Index in `manifest.items` of the item with this id, or undefined. */
  itemIndex(id: string): number | undefined {
    return this.indexById.get(id);
  }

  item(index: number): CatalogItem | undefined {
    return this.manifest.items[index];
  }

  /** The row of an item's vector in one modality, or undefined if it has none. */
  rowOf(itemIndex: number, modality: Modality): number | undefined {
    return this.manifest.items[itemIndex]?.vectorRows[modality];
  }

  /** The index of the item a row belongs to. */
  itemOfRow(modality: Modality, row: number): number {
    const index = this.require(modality).rowItem[row];
    if (index === undefined || index < 0) throw new RangeError(`${modality} row ${row} is out of range`);
    return index;
  }

  /** A copy of one item's decoded vector, or null for an unknown id or an item without a vector in this modality. */
  vector(id: string, modality: Modality): Float32Array | null {
    const m = this.require(modality);
    const index = this.indexById.get(id);
    if (index === undefined || !m.matrix) return null;
    const row = this.rowOf(index, modality);
    if (row === undefined) return null;
    return m.matrix.vectors.slice(row * m.dims, (row + 1) * m.dims);
  }

  /** The modality's matrix on the current backend (uploaded on first use after a backend change); undefined when it has no rows. */
  onBackend(modality: Modality): tf.Tensor2D | undefined {
    if (this.disposed) throw new Error('catalog has been disposed');
    return this.require(modality).matrix?.onBackend();
  }

  /** Whether the catalog has a shared space with a projection for this modality. */
  hasShared(modality: Modality): boolean {
    return this.sharedSpace?.has(modality) === true && this.byModality.has(modality);
  }

  /**
   * The modality's items projected into the shared space (`count × sharedSpace.dims`, rows
   * L2-normalised, row r = vector row r as in `onBackend`), on the current backend; computed
   * on first use after a backend change. Undefined when the modality has no rows. Throws when
   * the catalog has no shared space or it does not project this modality.
   */
  sharedOnBackend(modality: Modality): tf.Tensor2D | undefined {
    if (this.disposed) throw new Error('catalog has been disposed');
    const space = this.requireShared(modality);
    const cached = this.shared.get(modality);
    if (cached && !cached.isDisposed) return cached;
    const matrix = this.onBackend(modality);
    if (!matrix) return undefined;
    const projected = space.project(modality, matrix);
    this.shared.set(modality, projected);
    return projected;
  }

  /** A query vector of this modality (the encoder's output) in the shared space, L2-normalised; computed in JS. */
  projectQuery(modality: Modality, vector: ArrayLike<number>): Float32Array {
    const space = this.requireShared(modality);
    const dims = space.inputDims(modality);
    if (vector.length !== dims) throw new RangeError(`expected a ${dims}-d ${modality} vector, got ${vector.length} values`);
    return space.projectVector(modality, vector);
  }

  /** One item's vector of this modality in the shared space, or null for an unknown id or an item without that modality. */
  sharedVector(id: string, modality: Modality): Float32Array | null {
    const space = this.requireShared(modality);
    const vector = this.vector(id, modality);
    return vector ? space.projectVector(modality, vector) : null;
  }

  /**
   * Upload every modality's matrix to the current backend now. Shared-space projections are
   * made on first use (`sharedOnBackend`): loading should not pay for what a page may never ask.
   */
  upload(): void {
    for (const modality of this.modalities) this.onBackend(modality);
  }

  /** Drop the device copies (after a backend change); the next use uploads again. */
  release(swallowErrors = false): void {
    for (const m of this.byModality.values()) m.matrix?.release(swallowErrors);
    for (const t of this.shared.values()) {
      try {
        t.dispose();
      } catch (error) {
        if (!swallowErrors) throw error;
      }
    }
    this.shared.clear();
    this.sharedSpace?.release(swallowErrors);
  }

  /** Free the device copies for good. */
  dispose(): void {
    this.release(true);
    this.sharedSpace?.dispose();
    this.disposed = true;
  }

  private requireShared(modality: Modality): SharedSpace {
    this.require(modality);
    if (!this.sharedSpace) throw new RangeError(`catalog "${this.manifest.name}" has no shared space`);
    if (!this.sharedSpace.has(modality)) {
      throw new RangeError(
        `the shared space of catalog "${this.manifest.name}" has no ${String(modality)} projection (it has: ${this.sharedSpace.modalities.join(', ')})`,
      );
    }
    return this.sharedSpace;
  }

  private require(modality: Modality): ModalityVectors {
    const m = this.byModality.get(modality);
    if (!m) {
      const have = this.modalities.length ? this.modalities.join(', ') : 'none';
      throw new RangeError(`catalog "${this.manifest.name}" has no ${String(modality)} vectors (it has: ${have})`);
    }
    return m;
  }
}
