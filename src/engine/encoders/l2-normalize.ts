/** Scale `values` in place to unit length (a zero vector stays zero); returns it. */
export function l2NormalizeInPlace(values: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < values.length; i++) values[i]! *= inv;
  }
  return values;
}
