/**
 * The size of a tfjs model's weight files, from the `weightsManifest` in its model.json: every
 * weight is stored as `size(shape)` elements of its stored type (the quantisation dtype when
 * quantised), and shards are those bytes concatenated and split, with no padding.
 */

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

export type WeightsManifest = Array<{ paths: string[]; weights: WeightEntry[] }>;

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, int8: 1, uint16: 2, float16: 2 };

/** Total bytes of the weight files, or undefined when the manifest has a type of unknown width (e.g. strings). */
export function weightManifestBytes(manifest: WeightsManifest | undefined): number | undefined {
  if (!Array.isArray(manifest)) return undefined;
  let total = 0;
  for (const group of manifest) {
    for (const weight of group.weights ?? []) {
      const stored = weight.quantization?.dtype ?? weight.dtype;
      const width = BYTES_PER_ELEMENT[stored];
      if (width === undefined || !Array.isArray(weight.shape)) return undefined;
      total += weight.shape.reduce((n, d) => n * d, 1) * width;
    }
  }
  return total;
}
