import { itemAt } from '../../shared/item-at.ts';
/**
 * Binary layouts of a catalog's vector files (one file per modality), shared by the Node
 * catalog builder (encode) and the browser worker (decode). No Node APIs here.
 *
 * Both layouts hold `count` rows of `dims` values, row-major, with no header: count, dims
 * and format come from the manifest's `vectorFiles` entry, which also records the byte
 * length and SHA-256 of the file. Multi-byte numbers are little-endian.
 *
 * `int8`   bytes = count × (dims + 4)
 *          [count × float32 scale][count × dims × int8]
 *          offset 0:          scale of row r at byte 4·r (float32 LE)
 *          offset 4·count:    value j of row r at byte 4·count + r·dims + j (int8, −127…127)
 *          decoded value = float32(int8 × scale). Symmetric quantisation per row:
 *          scale = float32(max|x| / 127), q = round(x / scale) (half away from zero),
 *          so each row's largest component is exactly ±127 × scale. A zero row has scale 0.
 *          The scales come first so the block of int8 values is one contiguous Int8Array
 *          and the scales start 4-byte aligned.
 *
 * `float16` bytes = count × dims × 2
 *          value j of row r at byte 2·(r·dims + j): IEEE 754 binary16, LE.
 *          Encoding rounds to nearest, ties to even, with subnormals; decoding is exact.
 *
 * The encoder rejects values a catalog must not hold (NaN, ±Infinity, and for float16 any
 * finite value beyond ±65504 that would become Infinity); the stand-alone conversions
 * `float32ToFloat16Bits` / `float16BitsToFloat32` carry every special value faithfully.
 */
import { MAX_INT8_SCALE } from '../../protocol/limits.ts';

/** A vector file as the manifest lists it. */
export interface CatalogVectorFile {
  /** Relative to the catalog folder. */
  path: string;
  format: VectorFormat;
  /** Rows in the file. */
  count: number;
  dims: number;
  /** Exact file size: count × (dims + 4) for int8, count × dims × 2 for float16. */
  bytes: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/** A catalog file does not match its format or its manifest. Stable name: survives the worker boundary. */
export class CatalogFormatError extends Error {
  override readonly name = 'CatalogFormatError';
}

export type VectorFormat = 'int8' | 'float16';
export const VECTOR_FORMATS: readonly VectorFormat[] = ['int8', 'float16'];

export function isVectorFormat(value: unknown): value is VectorFormat {
  return value === 'int8' || value === 'float16';
}

/** Exact byte length of `count` rows of `dims` values in `format`. */
export function vectorFileByteLength(format: VectorFormat, count: number, dims: number): number {
  return format === 'int8' ? count * (dims + 4) : count * dims * 2;
}

// ---------------------------------------------------------------------------------------
// float16 <-> float32

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/**
 * The binary16 bit pattern nearest to `value` (round to nearest, ties to even), with
 * subnormals, ±0, ±Infinity (also for overflow, |x| ≥ 65520) and NaN (quiet, top payload
 * bits kept). `value` is first rounded to float32; because float32 carries more than
 * 2 × 11 + 2 significand bits, rounding twice gives the same result as rounding a double
 * directly, so this is correctly rounded for any JS number.
 */
export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = itemAt(u32Scratch, 0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return mantissa === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mantissa >>> 13);
  const e = exponent - 127; // unbiased
  if (e > 15) return sign | 0x7c00;
  if (e >= -14) {
    // Normal half: keep 10 mantissa bits, round on the 13 dropped ones. A carry out of the
    // mantissa correctly bumps the exponent (up to 0x7c00 = Infinity).
    let h = ((e + 15) << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1;
    return sign | h;
  }
  // Subnormal half (units of 2^-24), or zero. Below 2^-25 everything rounds to ±0
  // (exactly 2^-25 is a tie and rounds to the even 0).
  if (e < -25) return sign;
  const significand = mantissa | 0x800000; // value = significand × 2^(e − 23)
  const shift = -e - 1; // 14…24: value / 2^-24 = significand >> shift
  let h = significand >>> shift;
  const rest = significand & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && (h & 1) === 1)) h += 1; // may carry into the smallest normal
  return sign | h;
}

/** The exact value of a binary16 bit pattern (low 16 bits of `bits`). */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (0x400 + mantissa) * 2 ** (exponent - 25);
}

let halfTable: Float32Array | undefined;
/** All 65 536 half values as float32 (256 kB), built on first float16 decode. */
function float16Table(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) halfTable[bits] = float16BitsToFloat32(bits);
  }
  return halfTable;
}

// ---------------------------------------------------------------------------------------
// encode / decode

/** All rows in `format`; every row must have the same length. Throws RangeError on values a catalog must not hold. */
export function encodeVectors(vectors: Float32Array[], format: VectorFormat): Uint8Array {
  if (!isVectorFormat(format)) throw new RangeError(`unknown vector format ${JSON.stringify(format)} (expected int8 or float16)`);
  const count = vectors.length;
  const dims = count === 0 ? 0 : itemAt(vectors, 0).length;
  for (const [r, vector] of vectors.entries()) {
    if (vector.length !== dims) throw new RangeError(`vector ${r} has ${vector.length} values, vector 0 has ${dims}`);
    if (dims === 0) throw new RangeError('vectors have no values');
  }
  const out = new Uint8Array(vectorFileByteLength(format, count, dims));
  if (format === 'int8') {
    const scales = new DataView(out.buffer);
    const values = new Int8Array(out.buffer, count * 4, count * dims);
    for (let r = 0; r < count; r++) {
      const row = itemAt(vectors, r);
      let maxAbs = 0;
      for (let j = 0; j < dims; j++) {
        const v = itemAt(row, j);
        if (!Number.isFinite(v)) throw new RangeError(`vector ${r} value ${j} is ${v}: a catalog vector must be finite`);
        const a = Math.abs(v);
        if (a > maxAbs) maxAbs = a;
      }
      const scale = Math.fround(maxAbs / 127);
      scales.setFloat32(r * 4, scale, true);
      if (scale === 0) continue; // zero row (or one below float32 resolution): all zeros
      const base = r * dims;
      for (let j = 0; j < dims; j++) {
        const v = itemAt(row, j);
        const q = Math.round(Math.abs(v) / scale);
        values[base + j] = (v < 0 ? -1 : 1) * (q > 127 ? 127 : q);
      }
    }
  } else {
    for (let r = 0; r < count; r++) {
      const row = itemAt(vectors, r);
      const base = r * dims * 2;
      for (let j = 0; j < dims; j++) {
        const v = itemAt(row, j);
        const h = float32ToFloat16Bits(v);
        if ((h & 0x7c00) === 0x7c00) {
          throw new RangeError(`vector ${r} value ${j} is ${v}: float16 holds finite values up to ±65504 only`);
        }
        out[base + 2 * j] = h & 0xff;
        out[base + 2 * j + 1] = h >>> 8;
      }
    }
  }
  return out;
}

export interface DecodeVectorsOptions {
  /** Refuse an int8 row whose scale is larger (catalog vectors are unit length: MAX_INT8_SCALE). Default: any finite scale. */
  maxInt8Scale?: number;
}

/**
 * `count` rows of `dims` values from a vector file, as one row-major Float32Array.
 * `source` names the file in errors (e.g. its path). Throws CatalogFormatError naming the row
 * when the length does not match, an int8 scale is not a finite non-negative number (or is
 * above `maxInt8Scale`), or a float16 value is Infinity or NaN: one NaN would make a
 * ranking's order arbitrary.
 */
export function decodeVectors(
  bytes: Uint8Array,
  format: VectorFormat,
  count: number,
  dims: number,
  source: string,
  options: DecodeVectorsOptions = {},
): Float32Array {
  if (!isVectorFormat(format)) throw new CatalogFormatError(`${source}: unknown vector format ${JSON.stringify(format)} (expected int8 or float16)`);
  if (!Number.isSafeInteger(count) || count < 0) throw new CatalogFormatError(`${source}: count must be a non-negative integer, got ${count}`);
  if (!Number.isSafeInteger(dims) || dims <= 0) throw new CatalogFormatError(`${source}: dims must be a positive integer, got ${dims}`);
  const expected = vectorFileByteLength(format, count, dims);
  if (bytes.byteLength < expected) throw new CatalogFormatError(`${source}: truncated: expected ${expected} bytes, got ${bytes.byteLength}`);
  if (bytes.byteLength > expected) throw new CatalogFormatError(`${source}: too long: expected ${expected} bytes, got ${bytes.byteLength}`);
  const out = new Float32Array(count * dims);
  if (format === 'int8') {
    const scales = new DataView(bytes.buffer, bytes.byteOffset, count * 4);
    const values = new Int8Array(bytes.buffer, bytes.byteOffset + count * 4, count * dims);
    for (let r = 0; r < count; r++) {
      const scale = scales.getFloat32(r * 4, true);
      if (!(scale >= 0 && scale < Infinity)) throw new CatalogFormatError(`${source}: row ${r} has an invalid scale ${scale}`);
      if (options.maxInt8Scale !== undefined && scale > options.maxInt8Scale) {
        throw new CatalogFormatError(`${source}: row ${r} has an absurd scale ${scale} (at most ${options.maxInt8Scale} for unit-length vectors)`);
      }
      const base = r * dims;
      for (let j = 0; j < dims; j++) out[base + j] = itemAt(values, base + j) * scale;
    }
  } else {
    const table = float16Table();
    for (let i = 0; i < out.length; i++) {
      const bits = itemAt(bytes, 2 * i) | (itemAt(bytes, 2 * i + 1) << 8);
      const value = itemAt(table, bits);
      if ((bits & 0x7c00) === 0x7c00) {
        throw new CatalogFormatError(`${source}: row ${Math.floor(i / dims)} value ${i % dims} is ${value}: a catalog vector must be finite`);
      }
      out[i] = value;
    }
  }
  return out;
}

/**
 * Checks a fetched vector file against its manifest entry (length, then SHA-256) and
 * decodes it. `source` names the file in errors, e.g. its URL.
 */
export async function decodeVectorFile(bytes: Uint8Array, file: CatalogVectorFile, source: string): Promise<Float32Array> {
  if (bytes.byteLength !== file.bytes) {
    const problem = bytes.byteLength < file.bytes ? 'truncated' : 'too long';
    throw new CatalogFormatError(`${source}: ${problem}: expected ${file.bytes} bytes, got ${bytes.byteLength}`);
  }
  const digest = await sha256Hex(bytes);
  if (digest !== file.sha256) throw new CatalogFormatError(`${source}: sha256 mismatch: manifest has ${file.sha256}, file has ${digest}`);
  return decodeVectors(bytes, file.format, file.count, file.dims, source, { maxInt8Scale: MAX_INT8_SCALE });
}

// ---------------------------------------------------------------------------------------
// hashing

/**
 * Lowercase hex SHA-256 of `bytes`, with WebCrypto (a worker's `crypto.subtle`, or Node 20's
 * `globalThis.crypto.subtle`). Browsers offer it only in secure contexts (https, localhost).
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('crypto.subtle is not available: catalogs must be served over https or from localhost');
  // WebCrypto refuses views of a SharedArrayBuffer; copy only in that case.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await subtle.digest('SHA-256', input));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
