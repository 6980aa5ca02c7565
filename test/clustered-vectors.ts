/**
 * Synthetic clustered vectors (labelled as such wherever used): a Gaussian mixture on the unit
 * sphere, the shape of real embedding collections (items come in topics), which a plain uniform
 * distribution lacks — IVF partitions are only meaningful on data with structure. For speed and
 * scale tests; recall on real data is measured on real catalogs.
 */
import { mulberry32 } from '../src/engine/backends/seeded-vectors.ts';

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
    for (let j = 0; j < dims; j++) out[r * dims + j] *= inv;
  }
  return out;
}
