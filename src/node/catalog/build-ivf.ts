/**
 * Builds IVF partitions (format: src/engine/ivf/ivf-format.ts) for int8 rows: spherical k-means on
 * a seeded sample (tfjs matMul on the wasm backend; call initNodeTf first), every row assigned to
 * its nearest centroid by dot product, then one file per partition with the rows' own int8 codes,
 * so a query that probes every partition scores exactly as a brute-force scan. Deterministic for a
 * given seed.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mulberry32 } from '../../engine/backends/seeded-vectors.ts';
import { quantizeInt8Rows, type Int8Matrix } from '../../engine/ranking/int8-matrix.ts';
import { IVF_FORMAT, IVF_FORMAT_VERSION, ivfPartitionByteLength, type IvfIndexFile, type IvfPartitionEntry } from '../../engine/ivf/ivf-format.ts';

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
      for (let j = 0; j < dims; j++) out[i * dims + j] *= inv;
    }
  }
  return out;
}

/** For each of `rows` (decoded), the index of the centroid with the largest dot product. */
function assign(matrix: Int8Matrix, rows: Int32Array, centroids: tf.Tensor2D): Int32Array {
  const out = new Int32Array(rows.length);
  for (let at = 0; at < rows.length; at += BATCH) {
    const batch = rows.subarray(at, Math.min(rows.length, at + BATCH));
    const x = decodeRows(matrix, batch, false);
    const best = tf.tidy(() => tf.argMax(tf.matMul(tf.tensor2d(x, [batch.length, matrix.dims]), centroids, false, true), 1));
    out.set(Int32Array.from(best.dataSync()), at);
    best.dispose();
  }
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
  const xs = tf.tensor2d(x, [sampleSize, dims]);
  // Initial centroids: distinct sample rows.
  let centroids = tf.tensor2d(x.slice(0, partitions * dims), [partitions, dims]);
  try {
    for (let it = 0; it < iterations; it++) {
      const best = tf.tidy(() => tf.argMax(tf.matMul(xs, centroids, false, true), 1));
      const trainAssignment = Int32Array.from(best.dataSync());
      best.dispose();
      const sums = new Float32Array(partitions * dims);
      const sizes = new Int32Array(partitions);
      for (let i = 0; i < sampleSize; i++) {
        const c = trainAssignment[i]!;
        sizes[c]++;
        for (let j = 0; j < dims; j++) sums[c * dims + j] += x[i * dims + j]!;
      }
      for (let c = 0; c < partitions; c++) {
        // An empty cluster restarts at a random sample row.
        if (sizes[c] === 0) sums.set(x.subarray(Math.floor(random() * sampleSize) * dims, Math.floor(random() * sampleSize) * dims + dims), c * dims);
        let norm = 0;
        for (let j = 0; j < dims; j++) norm += sums[c * dims + j]! ** 2;
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        for (let j = 0; j < dims; j++) sums[c * dims + j] *= inv;
      }
      centroids.dispose();
      centroids = tf.tensor2d(sums, [partitions, dims]);
      options.onProgress?.('k-means', it + 1, iterations);
    }
    // Assign every row, with the centroids as they will be searched (int8).
    const quantized = quantizeInt8Rows(centroids.dataSync() as Float32Array, dims);
    centroids.dispose();
    centroids = tf.tensor2d(decodeRows(quantized, Int32Array.from({ length: partitions }, (_, i) => i), false), [partitions, dims]);
    const all = Int32Array.from({ length: count }, (_, i) => i);
    const assignment = assign(matrix, all, centroids);
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
      training: { method: 'spherical k-means, seeded sample', sampleSize, iterations, seed: options.seed ?? 1 },
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
  } finally {
    xs.dispose();
    centroids.dispose();
  }
}
