/**
 * The WASM SIMD int8 ranker (kernels/rank-int8.ts, compiled by scripts/build-kernels.mjs).
 *
 * The kernel reads the int8 codes directly (a quarter of float32's bytes) and multiplies them with
 * the query quantised to int16 (i32x4.dot_i16x8_s: exact integer sums), keeping a shortlist of the
 * rows with the largest *upper bound* on their exact score. The shortlist's rows are then scored
 * exactly as `rankInt8Reference` scores them (float64, same order of summation), so the result is
 * the reference's top-k, ties included, whenever the k-th exact score beats the bound of every row
 * left out; when it does not (many rows within the quantisation error of the k-th), the shortlist
 * grows, and past `MAX_SHORTLIST` rows the exact reference runs. The bound: with q = step × Q + δ,
 * |δ| ≤ step / 2, a row's exact score is at most step × scale × (Σ code × Q + 63.5 × dims).
 *
 * WASM reads only its own linear memory. A matrix made by `allocateInt8MatrixInWasm` lives there
 * already (zero copy: write the catalog file's body into it); any other large matrix is copied in
 * once, on first use, and the copy is kept as long as the matrix is; a small one (IVF partitions)
 * is copied into a shared staging memory per call (see STAGED_MATRIX_BYTES).
 */
import type { Int8Matrix, Int8Ranker, RankedRows } from '../int8-matrix.ts';
import { rankInt8Reference } from '../rank-int8-reference.ts';
import {
  exactTopOfRows,
  type KernelPathCounts,
  maxAbsOf,
  quantizationSlack,
  quantizeQuery,
  roundingSlack,
  shortlistHolds,
  toRankedRows,
} from '../exact-shortlist.ts';
import { RANK_INT8_WASM_BASE64 } from './rank-int8-wasm-bytes.generated.ts';

/** Rows the shortlist may grow to before the exact reference takes over. */
export const MAX_SHORTLIST = 8192;
const PAGE = 65536;
const I32_MAX = 2147483647;

type RankExport = (
  scales: number,
  codes: number,
  count: number,
  dims: number,
  query: number,
  mask: number,
  m: number,
  keys: number,
  rows: number,
  slack: number,
) => number;

interface KernelInstance {
  memory: WebAssembly.Memory;
  rank: RankExport;
  count: number;
  dims: number;
  codes: number;
  query: number;
  mask: number;
  keys: number;
  rows: number;
  /** Largest row scale (bounds the reference's own float64 rounding). */
  maxScale: number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null where this WebAssembly has no SIMD. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = base64Bytes(RANK_INT8_WASM_BASE64);
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** Whether this JS engine runs the kernel (WebAssembly with fixed-width SIMD). */
export function wasmSimdAvailable(): boolean {
  try {
    return kernelModule() !== null;
  } catch {
    return false;
  }
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** Offsets of the matrix, query, mask and heap for `count × dims` in one kernel memory, and its size. */
function layout(count: number, dims: number) {
  const codes = count * 4;
  const query = align16(codes + count * dims);
  const mask = align16(query + dims * 2 + 32);
  const keys = align16(mask + count);
  const rows = keys + MAX_SHORTLIST * 8;
  return { codes, query, mask, keys, rows, total: rows + MAX_SHORTLIST * 4 };
}

function instantiate(count: number, dims: number): KernelInstance {
  const module = kernelModule();
  if (!module) throw new Error('WebAssembly SIMD is not available here');
  const at = layout(count, dims);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(at.total / PAGE) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return {
    memory,
    rank: instance.exports.rank as RankExport,
    count,
    dims,
    codes: at.codes,
    query: at.query,
    mask: at.mask,
    keys: at.keys,
    rows: at.rows,
    maxScale: 0,
  };
}

/**
 * Matrices smaller than this (IVF partitions, a page of items) are copied into one shared staging
 * memory on every call (a copy of ~100 kB costs microseconds) instead of getting a WASM memory each:
 * browsers reserve gigabytes of address space per WASM memory, so thousands of them fail.
 */
export const STAGED_MATRIX_BYTES = 8 * 2 ** 20;
let staging: KernelInstance | undefined;

function stagedKernel(matrix: Int8Matrix): KernelInstance {
  const { count, dims } = matrix;
  const at = layout(count, dims);
  if (!staging) staging = instantiate(count, dims);
  const have = staging.memory.buffer.byteLength;
  if (have < at.total) staging.memory.grow(Math.ceil((at.total - have) / PAGE));
  Object.assign(staging, { count, dims, codes: at.codes, query: at.query, mask: at.mask, keys: at.keys, rows: at.rows });
  new Float32Array(staging.memory.buffer, 0, count).set(matrix.scales);
  new Int8Array(staging.memory.buffer, at.codes, count * dims).set(matrix.codes);
  let max = 0;
  for (let r = 0; r < count; r++) max = Math.max(max, Math.abs(matrix.scales[r]!));
  staging.maxScale = max;
  return staging;
}

/** Per matrix (keyed by its codes array): the kernel instance whose memory holds it. */
const instances = new WeakMap<Int8Array, KernelInstance>();

/**
 * A `count × dims` int8 matrix whose scales and codes live in a kernel's WASM memory, laid out as a
 * catalog's int8 file body; fill `body` (e.g. `body.set(fileBytes)`) or the two arrays, then rank
 * it with `wasmInt8Ranker` without a copy. Its row scales are read at the first ranking.
 */
export function allocateInt8MatrixInWasm(count: number, dims: number): Int8Matrix & { body: Uint8Array } {
  if (!Number.isSafeInteger(count) || count < 0 || !Number.isSafeInteger(dims) || dims <= 0) throw new RangeError(`int8 matrix: bad shape ${count} × ${dims}`);
  const kernel = instantiate(count, dims);
  const buffer = kernel.memory.buffer;
  const matrix = {
    count,
    dims,
    scales: new Float32Array(buffer, 0, count),
    codes: new Int8Array(buffer, kernel.codes, count * dims),
    body: new Uint8Array(buffer, 0, count * (dims + 4)),
  };
  kernel.maxScale = NaN; // read at first use: the caller fills the matrix after this
  instances.set(matrix.codes, kernel);
  return matrix;
}

function kernelFor(matrix: Int8Matrix): KernelInstance {
  let kernel = instances.get(matrix.codes);
  if (!kernel && matrix.count * (matrix.dims + 4) < STAGED_MATRIX_BYTES) return stagedKernel(matrix);
  if (!kernel || kernel.count !== matrix.count || kernel.dims !== matrix.dims) {
    kernel = instantiate(matrix.count, matrix.dims);
    new Float32Array(kernel.memory.buffer, 0, matrix.count).set(matrix.scales);
    new Int8Array(kernel.memory.buffer, kernel.codes, matrix.count * matrix.dims).set(matrix.codes);
    kernel.maxScale = NaN;
    instances.set(matrix.codes, kernel);
  }
  if (Number.isNaN(kernel.maxScale)) {
    let max = 0;
    for (const s of new Float32Array(kernel.memory.buffer, 0, matrix.count)) max = Math.max(max, Math.abs(s));
    kernel.maxScale = max;
  }
  return kernel;
}

/** Calls answered from the kernel's shortlist vs by the reference (tests check the kernel did the work). */
export const wasmPathCounts: KernelPathCounts = { shortlist: 0, reference: 0 };

function reference(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): RankedRows {
  wasmPathCounts.reference++;
  return rankInt8Reference(matrix, query, k, mask);
}

/** Same contract and results as `rankInt8Reference`; see the file comment for how. */
export function rankInt8Wasm(matrix: Int8Matrix, query: Float32Array, k: number, mask?: Uint8Array): RankedRows {
  const { count, dims } = matrix;
  if (query.length !== dims) throw new RangeError(`query has ${query.length} dims, the matrix has ${dims}`);
  if (mask && mask.length !== count) throw new RangeError(`mask has ${mask.length} entries, the matrix has ${count} rows`);
  const limit = Math.max(0, Math.min(Math.floor(k), count));
  const maxAbs = maxAbsOf(query);
  // A zero or non-finite query scores every row alike (or as NaN): nothing to shortlist.
  if (limit === 0 || !(maxAbs > 0 && maxAbs < Infinity)) return reference(matrix, query, k, mask);

  const kernel = kernelFor(matrix);
  const whole = dims - (dims % 16);
  const qmax = Math.min(32767, Math.floor(I32_MAX / (127 * Math.max(1, whole / 4))));
  const step = quantizeQuery(query, maxAbs, qmax, new Int16Array(kernel.memory.buffer, kernel.query, dims));
  if (mask) new Uint8Array(kernel.memory.buffer, kernel.mask, count).set(mask);
  const slack = quantizationSlack(dims);
  const rounding = roundingSlack(dims, kernel.maxScale, maxAbs);

  for (let m = Math.min(count, limit + 32); ; m = Math.min(count, m * 8)) {
    if (m > MAX_SHORTLIST) return reference(matrix, query, k, mask);
    const filled = kernel.rank(0, kernel.codes, count, dims, kernel.query, mask ? kernel.mask : 0, m, kernel.keys, kernel.rows, slack);
    const rows = new Int32Array(kernel.memory.buffer, kernel.rows, filled).slice();
    const top = exactTopOfRows(matrix, query, rows, limit);
    // A heap with room holds every allowed row; otherwise its smallest key bounds the rest.
    if (filled < m || m === count) {
      wasmPathCounts.shortlist++;
      return toRankedRows(top);
    }
    const cut = new Float64Array(kernel.memory.buffer, kernel.keys, 1)[0]! * step;
    if (shortlistHolds(top, limit, cut + Math.abs(cut) * 1e-9 + rounding)) {
      wasmPathCounts.shortlist++;
      return toRankedRows(top);
    }
  }
}

export const wasmInt8Ranker: Int8Ranker = { name: 'wasm-simd', rank: rankInt8Wasm };

function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
  if (typeof atob === 'function') return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new Uint8Array(Buffer.from(text, 'base64'));
}
