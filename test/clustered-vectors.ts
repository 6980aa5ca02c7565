/**
 * Synthetic clustered vectors (labelled as such wherever used): a Gaussian mixture on the unit
 * sphere, the shape of real embedding collections (items come in topics), which a plain uniform
 * distribution lacks — IVF partitions are only meaningful on data with structure. For speed and
 * scale tests; recall on real data is measured on real catalogs.
 */
import { mulberry32 } from '../src/shared/seeded-random.ts';
import { itemAt } from '../src/shared/item-at.ts';

function gaussian(random: () => number): number {
  // Irwin–Hall approximation: cheap and deterministic.
  return random() + random() + random() + random() - 2;
}

/** `count` rows of `dims` from `clusters` centres, spread `spread` around their centre, unit length. */
export function clusteredVectors(count: number, dims: number, clusters: number, spread: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(random);
  const out = new Float32Array(count * dims);
  for (let r = 0; r < count; r++) {
    const c = Math.floor(random() * clusters);
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const v = centres[c * dims + j]! + spread * gaussian(random);
      out[r * dims + j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < dims; j++) out[r * dims + j] = itemAt(out, r * dims + j) * inv;
  }
  return out;
}

/**
 * The same rows as `quantizeInt8Rows(clusteredVectors(count, …))`, quantised row by row so a
 * million rows never exist as float32 (1 GB); the last `extra` rows come back as float32 (queries
 * from the same mixture).
 */
export function clusteredInt8Rows(
  count: number,
  extra: number,
  dims: number,
  clusters: number,
  spread: number,
  seed: number,
): { scales: Float32Array; codes: Int8Array; extraRows: Float32Array } {
  const random = mulberry32(seed);
  const centres = new Float32Array(clusters * dims);
  for (let i = 0; i < centres.length; i++) centres[i] = gaussian(random);
  const scales = new Float32Array(count);
  const codes = new Int8Array(count * dims);
  const extraRows = new Float32Array(extra * dims);
  const row = new Float32Array(dims);
  for (let r = 0; r < count + extra; r++) {
    const c = Math.floor(random() * clusters);
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const v = centres[c * dims + j]! + spread * gaussian(random);
      row[j] = v;
      norm += v * v;
    }
    const inv = 1 / Math.sqrt(norm);
    let maxAbs = 0;
    for (let j = 0; j < dims; j++) {
      row[j]! *= inv;
      maxAbs = Math.max(maxAbs, Math.abs(row[j]!));
    }
    if (r >= count) {
      extraRows.set(row, (r - count) * dims);
      continue;
    }
    // quantizeInt8Rows' rule: scale = max|x| / 127, round half away from zero.
    const scale = Math.fround(maxAbs / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let j = 0; j < dims; j++) {
      const q = Math.min(127, Math.round(Math.abs(row[j]!) / scale));
      codes[r * dims + j] = row[j]! < 0 ? -q : q;
    }
  }
  return { scales, codes, extraRows };
}
