/**
 * z-scores over a subset of items (`present` = 1), 0 elsewhere: content features over the
 * items that have a modality, final scores over the items the rules allow.
 */
export function standardise(values: Float32Array, present: Uint8Array): Float32Array {
  let n = 0;
  let mean = 0;
  for (let i = 0; i < values.length; i++) {
    if (!present[i]) continue;
    n++;
    mean += values[i]!;
  }
  if (n === 0) return new Float32Array(values.length);
  mean /= n;
  let variance = 0;
  for (let i = 0; i < values.length; i++) if (present[i]) variance += (values[i]! - mean) ** 2;
  const std = Math.sqrt(variance / n) || 1;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (present[i]) out[i] = (values[i]! - mean) / std;
  return out;
}
