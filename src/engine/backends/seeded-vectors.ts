/**
 * Deterministic unit-length vectors for the backend probe and the ranking benchmark.
 * These are a numeric fixture for timing and cross-backend agreement, not data:
 * every backend sees the same bytes, so their rankings must agree exactly.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import { itemAt } from '../../shared/item-at.ts';

/** `count` rows of `dims` values, each row scaled to unit length. */
export function seededUnitVectors(count: number, dims: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(count * dims);
  for (let row = 0; row < count; row++) {
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      // Sum of uniforms: cheap, roughly Gaussian, so directions are spread out.
      const v = random() + random() + random() - 1.5;
      out[row * dims + j] = v;
      norm += v * v;
    }
    const scale = 1 / Math.sqrt(norm || 1);
    for (let j = 0; j < dims; j++) out[row * dims + j] = itemAt(out, row * dims + j) * scale;
  }
  return out;
}
