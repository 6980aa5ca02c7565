/**
 * Run `runPass` over passes of at most `maxBatch` inputs of similar length (less padding),
 * and return one result per input in input order.
 */
export async function embedInLengthOrder<T>(
  inputs: readonly T[],
  lengthOf: (input: T) => number,
  maxBatch: number,
  runPass: (pass: T[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const order = inputs.map((_, i) => i).sort((a, b) => lengthOf(inputs[a]!) - lengthOf(inputs[b]!));
  const vectors = new Array<Float32Array>(inputs.length);
  for (let start = 0; start < order.length; start += maxBatch) {
    const rows = order.slice(start, start + maxBatch);
    const out = await runPass(rows.map((i) => inputs[i]!));
    rows.forEach((i, j) => (vectors[i] = out[j]!));
  }
  return vectors;
}
