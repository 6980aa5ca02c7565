/**
 * Labelled item vectors for the classification report: a built catalog's stored vectors (each
 * modality, and the modalities fused) with the item's top-level category as its label
 * (MovieLens genres: movielens-genre-report.ts). Vectors are L2-normalised; the fused vector
 * is the concatenation of the item's normalised modality vectors (zeros for one it lacks),
 * normalised again. Classes with fewer than `minPerClass` items are left out (counted).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../engine/catalog/catalog-manifest-parser.ts';
import { decodeVectors } from '../../engine/catalog/vector-codec.ts';
import type { Modality } from '../../protocol/embedding.ts';

export interface LabelledVectors {
  name: string;
  ids: string[];
  labels: string[];
  vectors: Float32Array[];
  /** Items left out because their class is too small. */
  droppedItems: number;
  droppedClasses: string[];
}

function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s) || 1;
  return v.map((x) => x / norm);
}

/** Keeps classes with at least `minPerClass` items. */
export function withLargeClasses(name: string, ids: string[], labels: string[], vectors: Float32Array[], minPerClass: number): LabelledVectors {
  const count = new Map<string, number>();
  for (const l of labels) count.set(l, (count.get(l) ?? 0) + 1);
  const keep = labels.map((l) => count.get(l)! >= minPerClass);
  return {
    name,
    ids: ids.filter((_, i) => keep[i]),
    labels: labels.filter((_, i) => keep[i]),
    vectors: vectors.filter((_, i) => keep[i]).map(normalised),
    droppedItems: keep.filter((k) => !k).length,
    droppedClasses: [...count]
      .filter(([, c]) => c < minPerClass)
      .map(([l]) => l)
      .sort(),
  };
}

/** Per modality of the catalog, and 'fused' over all of them. */
export function catalogLabelledVectors(dir: string, minPerClass: number): LabelledVectors[] {
  const manifest: CatalogManifest = parseCatalogManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')), join(dir, 'manifest.json'));
  const modalities = Object.keys(manifest.vectorFiles) as Modality[];
  const rows = new Map<Modality, { data: Float32Array; dims: number }>();
  for (const m of modalities) {
    const file = manifest.vectorFiles[m]!;
    rows.set(m, { data: decodeVectors(new Uint8Array(readFileSync(join(dir, file.path))), file.format, file.count, file.dims, file.path), dims: file.dims });
  }
  const top = (category: string) => category.split('/')[0]!;
  const vectorOf = (m: Modality, row: number) => {
    const r = rows.get(m)!;
    return normalised(r.data.slice(row * r.dims, (row + 1) * r.dims));
  };
  const out = modalities.map((m) => {
    const items = manifest.items.filter((i) => i.vectorRows[m] !== undefined);
    return withLargeClasses(
      m,
      items.map((i) => i.id),
      items.map((i) => top(i.category)),
      items.map((i) => vectorOf(m, i.vectorRows[m]!)),
      minPerClass,
    );
  });
  const totalDims = modalities.reduce((s, m) => s + rows.get(m)!.dims, 0);
  const fused = manifest.items.map((item) => {
    const v = new Float32Array(totalDims);
    let offset = 0;
    for (const m of modalities) {
      const row = item.vectorRows[m];
      if (row !== undefined) v.set(vectorOf(m, row), offset);
      offset += rows.get(m)!.dims;
    }
    return v;
  });
  out.push(
    withLargeClasses(
      `fused (${modalities.join('+')})`,
      manifest.items.map((i) => i.id),
      manifest.items.map((i) => top(i.category)),
      fused,
      minPerClass,
    ),
  );
  return out;
}
