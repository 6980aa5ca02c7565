/**
 * Builds IVF partitions (format: src/engine/ivf/ivf-format.ts) for int8 rows: spherical k-means on
 * a seeded sample, every row assigned to its nearest centroid by dot product, then one file per
 * partition with the rows' own int8 codes, so a query that probes every partition scores exactly as
 * a brute-force scan. Assignment ranks the int8 centroids with the engine's WASM SIMD kernel, exactly
 * as a query probes them (and ~50× faster here than tfjs-wasm's matMul). Deterministic for a seed.
 */
import { rankInt8Wasm } from '../../engine/ranking/wasm/rank-int8-wasm.ts';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../../shared/seeded-random.ts';
import { quantizeInt8Rows, type Int8Matrix } from '../../engine/ranking/int8-matrix.ts';
import { IVF_FORMAT, IVF_FORMAT_VERSION, ivfPartitionByteLength, type IvfIndexFile, type IvfPartitionEntry } from '../../engine/ivf/ivf-format.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface BuildIvfOptions {
  /** Default: √count rounded, at least 1. */
  partitions?: number;
  /** Rows k-means trains on (default min(count, 64 × partitions)). */
  sampleSize?: number;
  iterations?: number;
  seed?: number;
  /** A row's category path, to let a category filter skip partitions. */
  categoryOf?: (row: number) => string | undefined;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface BuiltIvf {
  /** index.json's path relative to `dir`'s parent catalog folder is the caller's business; this is its absolute path. */
  indexPath: string;
  indexBytes: number;
  indexSha256: string;
  partitions: number;
  /** Rows per partition: smallest, median, largest. */
  sizes: { min: number; median: number; max: number };
  seconds: number;
}

const BATCH = 8192;

function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Rows `from…to` of the matrix as float32 (codes × scale), optionally L2-normalised. */
function decodeRows(matrix: Int8Matrix, rows: ArrayLike<number>, normalise: boolean): Float32Array {
  const { dims, codes, scales } = matrix;
  const out = new Float32Array(rows.length * dims);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const s = scales[r]!;
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const v = codes[r * dims + j]! * s;
      out[i * dims + j] = v;
      norm += v * v;
    }
    if (normalise && norm > 0) {
      const inv = 1 / Math.sqrt(norm);
      for (let j = 0; j < dims; j++) out[i * dims + j] = itemAt(out, i * dims + j) * inv;
    }
  }
  return out;
}

/** For each row of `x` (`dims` floats each), the centroid (int8 rows) with the largest dot product. */
function assign(x: Float32Array, dims: number, centroids: Int8Matrix): Int32Array {
  const n = x.length / dims;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rankInt8Wasm(centroids, x.subarray(i * dims, (i + 1) * dims), 1).indices[0]!;
  return out;
}

/** Writes `dir`/index.json, centroids.int8 and p<k>.bin for `matrix`. */
export async function buildIvf(dir: string, matrix: Int8Matrix, options: BuildIvfOptions = {}): Promise<BuiltIvf> {
  const started = performance.now();
  const { count, dims } = matrix;
  if (count === 0) throw new RangeError('IVF: the matrix has no rows');
  const partitions = Math.max(1, Math.min(count, options.partitions ?? Math.round(Math.sqrt(count))));
  const sampleSize = Math.min(count, options.sampleSize ?? 64 * partitions);
  const iterations = options.iterations ?? 10;
  const random = mulberry32(options.seed ?? 1);

  // A seeded sample (partial Fisher–Yates over row indices).
  const order = Int32Array.from({ length: count }, (_, i) => i);
  for (let i = 0; i < sampleSize; i++) {
    const j = i + Math.floor(random() * (count - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const sample = order.slice(0, sampleSize).sort();
  const x = decodeRows(matrix, sample, true);
  // Initial centroids: distinct sample rows.
  let centroids = quantizeInt8Rows(x.slice(0, partitions * dims), dims);
  {
    for (let it = 0; it < iterations; it++) {
      const trainAssignment = assign(x, dims, centroids);
      const sums = new Float32Array(partitions * dims);
      const sizes = new Int32Array(partitions);
      for (let i = 0; i < sampleSize; i++) {
        const c = trainAssignment[i]!;
        sizes[c] = itemAt(sizes, c) + 1;
        for (let j = 0; j < dims; j++) sums[c * dims + j] = itemAt(sums, c * dims + j) + x[i * dims + j]!;
      }
      for (let c = 0; c < partitions; c++) {
        // An empty cluster restarts at a random sample row.
        if (sizes[c] === 0) {
          const from = Math.floor(random() * sampleSize) * dims;
          sums.set(x.subarray(from, from + dims), c * dims);
        }
        let norm = 0;
        for (let j = 0; j < dims; j++) norm += sums[c * dims + j]! ** 2;
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < dims; j++) sums[c * dims + j] = itemAt(sums, c * dims + j) * inv;
      }
      centroids = quantizeInt8Rows(sums, dims);
      options.onProgress?.('k-means', it + 1, iterations);
    }
    // Every row, by the int8 centroids as they will be searched.
    const quantized = centroids;
    const assignment = new Int32Array(count);
    for (let at = 0; at < count; at += BATCH) {
      const rows = Int32Array.from({ length: Math.min(BATCH, count - at) }, (_, i) => at + i);
      assignment.set(assign(decodeRows(matrix, rows, false), dims, quantized), at);
      if ((at / BATCH) % 16 === 0) options.onProgress?.('assign', at, count);
    }
    options.onProgress?.('assign', count, count);

    // Files.
    const members: number[][] = Array.from({ length: partitions }, () => []);
    for (let r = 0; r < count; r++) members[assignment[r]!]!.push(r);
    const categoryNames: string[] = [];
    const categoryIndex = new Map<string, number>();
    const entries: IvfPartitionEntry[] = members.map((rows, p) => {
      const n = rows.length;
      const bytes = new Uint8Array(ivfPartitionByteLength(n, dims));
      const view = new DataView(bytes.buffer);
      rows.forEach((r, i) => {
        view.setUint32(4 * i, r, true);
        view.setFloat32(4 * n + 4 * i, matrix.scales[r]!, true);
        bytes.set(new Uint8Array(matrix.codes.buffer, matrix.codes.byteOffset + r * dims, dims), 8 * n + i * dims);
      });
      const path = `p${p}.bin`;
      writeAtomic(join(dir, path), bytes);
      const entry: IvfPartitionEntry = { path, count: n, bytes: bytes.byteLength, sha256: sha256(bytes) };
      if (options.categoryOf) {
        const cats = new Set<number>();
        for (const r of rows) {
          const name = options.categoryOf(r);
          if (name === undefined) continue;
          let index = categoryIndex.get(name);
          if (index === undefined) {
            index = categoryNames.length;
            categoryNames.push(name);
            categoryIndex.set(name, index);
          }
          cats.add(index);
        }
        entry.categories = [...cats].sort((a, b) => a - b);
      }
      return entry;
    });
    const centroidBytes = new Uint8Array(partitions * (4 + dims));
    new Float32Array(centroidBytes.buffer, 0, partitions).set(quantized.scales);
    new Int8Array(centroidBytes.buffer, 4 * partitions).set(quantized.codes);
    writeAtomic(join(dir, 'centroids.int8'), centroidBytes);
    const sizes = members.map((m) => m.length).sort((a, b) => a - b);
    const seconds = (performance.now() - started) / 1000;
    const index: IvfIndexFile = {
      format: IVF_FORMAT,
      formatVersion: IVF_FORMAT_VERSION,
      dims,
      count,
      centroids: { path: 'centroids.int8', count: partitions, bytes: centroidBytes.byteLength, sha256: sha256(centroidBytes) },
      partitions: entries,
      ...(options.categoryOf ? { categories: categoryNames } : {}),
      training: { method: 'spherical k-means on a seeded sample, assignment by the int8 centroids', sampleSize, iterations, seed: options.seed ?? 1 },
    };
    const text = JSON.stringify(index) + '\n';
    const indexPath = join(dir, 'index.json');
    writeAtomic(indexPath, text);
    return {
      indexPath,
      indexBytes: Buffer.byteLength(text),
      indexSha256: sha256(text),
      partitions,
      sizes: { min: sizes[0]!, median: sizes[sizes.length >> 1]!, max: sizes[sizes.length - 1]! },
      seconds,
    };
  }
}
