/**
 * Item vectors as catalogs ship them (vector-codec.ts, `int8` layout): per row one float32 scale
 * and `dims` int8 codes, value = code × scale. Ranking reads the codes directly instead of a
 * decoded float32 copy: a quarter of the bytes, which is what bounds a scan over many items.
 *
 * Every ranking kernel (plain JS, WASM SIMD, WebGPU) implements `Int8Ranker` and is checked
 * against `rankInt8Reference` (rank-int8-reference.ts).
 */

export interface Int8Matrix {
  readonly count: number;
  readonly dims: number;
  /** `count` scales, one per row. */
  readonly scales: Float32Array;
  /** `count × dims` codes, row-major. */
  readonly codes: Int8Array;
}

/** Rows of a ranking, best first. */
export interface RankedRows {
  indices: Int32Array;
  scores: Float32Array;
}

export interface Int8Ranker {
  /** Which kernel this is (`js`, `wasm-simd`, `webgpu`, …), for reports and benchmarks. */
  readonly name: string;
  /**
   * The `k` rows with the largest dot product with `query`, among the rows whose `mask` byte is
   * non-zero (all rows without a mask). Equal scores keep the lower row first. Fewer than `k`
   * rows come back when fewer are allowed.
   */
  rank(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): RankedRows | Promise<RankedRows>;
}

/**
 * A zero-copy view of an int8 vector file body (`[count × float32 scale][count × dims × int8]`).
 * Copies only when the scales would not be 4-byte aligned. Length checks are the caller's
 * (decodeVectorFile / the manifest); this only refuses a body of the wrong size.
 */
export function int8MatrixView(bytes: Uint8Array, count: number, dims: number): Int8Matrix {
  const expected = count * (dims + 4);
  if (bytes.byteLength !== expected) throw new RangeError(`int8 matrix: expected ${expected} bytes for ${count} × ${dims}, got ${bytes.byteLength}`);
  const body = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return {
    count,
    dims,
    scales: new Float32Array(body.buffer, body.byteOffset, count),
    codes: new Int8Array(body.buffer, body.byteOffset + count * 4, count * dims),
  };
}

/** Quantises row-major float32 rows with the catalog's rule (scale = max|x| / 127, round half away from zero). */
export function quantizeInt8Rows(vectors: Float32Array, dims: number): Int8Matrix {
  if (!Number.isInteger(dims) || dims <= 0 || vectors.length % dims !== 0)
    throw new RangeError(`int8 matrix: ${vectors.length} values are not rows of ${dims}`);
  const count = vectors.length / dims;
  const scales = new Float32Array(count);
  const codes = new Int8Array(count * dims);
  for (let r = 0; r < count; r++) {
    const base = r * dims;
    let maxAbs = 0;
    for (let j = 0; j < dims; j++) {
      const v = vectors[base + j]!;
      if (!Number.isFinite(v)) throw new RangeError(`int8 matrix: row ${r} value ${j} is ${v}`);
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    const scale = Math.fround(maxAbs / 127);
    scales[r] = scale;
    if (scale === 0) continue;
    for (let j = 0; j < dims; j++) {
      const v = vectors[base + j]!;
      const q = Math.min(127, Math.round(Math.abs(v) / scale));
      codes[base + j] = v < 0 ? -q : q;
    }
  }
  return { count, dims, scales, codes };
}
