/**
 * The catalog map: every item as a point in 2-D, by PCA (project-2d.ts) of the vectors the
 * recommender compares. With a shared space, an item's point comes from the normalised mean of
 * its modalities' projections into that space (as ItemSpace.sharedMatrix fuses them), so items
 * described by text, image and sound share one map; without one, from a single modality
 * (image when the catalog has it, else the one with most items). Items without such a vector
 * are left out. Plain JS on the heap: no tensors, nothing on the backend.
 */
import type { Modality } from '../../protocol/embedding.ts';
import type { CatalogMap } from '../../protocol/catalog-view.ts';
import type { ItemSpace } from './item-space.ts';
import { project2d } from './project-2d.ts';

export function buildCatalogMap(space: ItemSpace): CatalogMap {
  const shared = space.shared;
  const points = shared ? sharedPoints(space) : modalityPoints(space, mapModality(space));
  const { rows, dims, indices } = points;
  if (indices.length === 0) return { ids: [], x: [], y: [], source: points.source, method: points.method, varianceKept: 0 };
  const map = project2d(rows, indices.length, dims);
  return {
    ids: indices.map((i) => space.items[i]!.id),
    x: map.x,
    y: map.y,
    source: points.source,
    method: points.method,
    varianceKept: map.varianceKept,
  };
}

interface MapPoints {
  /** Row-major, one row per placed item. */
  rows: Float32Array;
  dims: number;
  /** Item index of each row. */
  indices: number[];
  source: CatalogMap['source'];
  method: string;
}

function sharedPoints(space: ItemSpace): MapPoints {
  const shared = space.shared!;
  const dims = shared.dims;
  const n = space.itemCount;
  const sum = new Float32Array(n * dims);
  const modalities = space.modalities.filter((m) => shared.has(m));
  for (const modality of modalities) {
    const present = space.presence(modality);
    const inputDims = space.dims(modality);
    const indices: number[] = [];
    present.forEach((p, i) => p && indices.push(i));
    const input = new Float32Array(indices.length * inputDims);
    indices.forEach((item, r) => input.set(space.vector(item, modality)!, r * inputDims));
    const projected = shared.projectRows(modality, input, indices.length);
    indices.forEach((item, r) => {
      for (let d = 0; d < dims; d++) sum[item * dims + d]! += projected[r * dims + d]!;
    });
  }
  const placed: number[] = [];
  space.sharedPresence().forEach((p, i) => p && placed.push(i));
  const rows = new Float32Array(placed.length * dims);
  placed.forEach((item, r) => {
    const v = sum.subarray(item * dims, (item + 1) * dims);
    const norm = Math.hypot(...v);
    for (let d = 0; d < dims; d++) rows[r * dims + d] = norm > 0 ? v[d]! / norm : 0;
  });
  const method = `PCA (top two principal components) of the ${dims}-d shared space; an item's ${modalities.join(', ')} vectors are projected and averaged`;
  return { rows, dims, indices: placed, source: 'shared', method };
}

function mapModality(space: ItemSpace): Modality {
  if (space.modalities.length === 0) throw new RangeError('the catalog has no vectors to map');
  if (space.modalities.includes('image')) return 'image';
  const counted = space.modalities.map((m) => ({ m, items: space.presence(m).reduce((a, b) => a + b, 0) }));
  return counted.sort((a, b) => b.items - a.items)[0]!.m;
}

function modalityPoints(space: ItemSpace, modality: Modality): MapPoints {
  const dims = space.dims(modality);
  const indices: number[] = [];
  space.presence(modality).forEach((p, i) => p && indices.push(i));
  const rows = new Float32Array(indices.length * dims);
  indices.forEach((item, r) => rows.set(space.vector(item, modality)!, r * dims));
  return { rows, dims, indices, source: modality, method: `PCA (top two principal components) of the ${dims}-d ${modality} vectors` };
}
