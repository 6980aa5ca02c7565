/**
 * Seeded cases every Int8Ranker must rank exactly like `rankInt8Reference` (same rows, same order,
 * same float32 scores): random data at the dims the engine uses (64 for the learned model, 256 for
 * the encoders) and odd ones, masks, ties, near-ties inside the quantisation error, and edge cases.
 * Shared by the Node tests (JS, WASM) and the browser test (WebGPU).
 */
import { mulberry32 } from '../src/shared/seeded-random.ts';
import { quantizeInt8Rows, type Int8Matrix } from '../src/engine/ranking/int8-matrix.ts';
import { itemAt } from '../src/shared/item-at.ts';

export interface RankerCase {
  name: string;
  matrix: Int8Matrix;
  query: Float32Array;
  k: number;
  mask?: Uint8Array;
  /** The fast kernel must answer from its own shortlist (the reference only backs up zero queries and the like). */
  kernelAnswers: boolean;
}

function randomRows(count: number, dims: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: count * dims }, () => random() + random() + random() - 1.5);
}

function randomQuery(dims: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: dims }, () => random() * 2 - 1);
}

export function rankerCases(): RankerCase[] {
  const cases: RankerCase[] = [];
  for (const [count, dims] of [
    [20_000, 256],
    [30_000, 64],
    [5_003, 37],
    [2_001, 300],
    [7, 16],
  ] as const) {
    const matrix = quantizeInt8Rows(randomRows(count, dims, count + dims), dims);
    cases.push({ name: `random ${count} × ${dims}, k = 10`, matrix, query: randomQuery(dims, dims), k: 10, kernelAnswers: true });
  }
  const big = quantizeInt8Rows(randomRows(10_000, 64, 5), 64);
  cases.push({ name: 'k = 100', matrix: big, query: randomQuery(64, 6), k: 100, kernelAnswers: false });
  cases.push({ name: 'k larger than the matrix', matrix: quantizeInt8Rows(randomRows(5, 64, 8), 64), query: randomQuery(64, 9), k: 10, kernelAnswers: true });
  const random = mulberry32(12);
  const mask = Uint8Array.from({ length: 10_000 }, () => (random() < 0.1 ? 1 : 0));
  cases.push({ name: 'a category mask (10 % of rows)', matrix: big, query: randomQuery(64, 13), k: 10, mask, kernelAnswers: true });
  cases.push({
    name: 'a mask allowing 3 rows',
    matrix: big,
    query: randomQuery(64, 14),
    k: 10,
    mask: Uint8Array.from({ length: 10_000 }, (_, i) => (i % 4000 === 7 ? 1 : 0)),
    kernelAnswers: true,
  });

  // Ties: 600 copies of one row among random rows, and a query that puts them on top; the top-10
  // are the copies with the lowest rows. More copies than the first shortlist, so it must grow.
  {
    const dims = 64;
    const values = randomRows(4000, dims, 21);
    const best = randomQuery(dims, 22);
    for (let c = 0; c < 600; c++) values.set(best, (c * 6 + 3) * dims);
    cases.push({ name: '600 identical rows on top (ties by lower row)', matrix: quantizeInt8Rows(values, dims), query: best, k: 10, kernelAnswers: false });
  }
  // Near-ties: rows that differ in one code, so their scores differ by less than the int16
  // quantisation error of the query; only the exact re-scoring orders them.
  {
    const dims = 256;
    const values = randomRows(40_000, dims, 31);
    const base = randomQuery(dims, 32).map((v) => v * 0.5);
    for (let c = 0; c < 200; c++) {
      const row = base.slice();
      row[c % dims] = itemAt(row, c % dims) + (c % 7) * 1e-3;
      row[0] = 1; // same max → same scale for every copy
      values.set(row, c * 197 * dims); // spread out: a GPU workgroup (4096 rows) holds at most ~21 of them
    }
    cases.push({
      name: 'near-ties within the quantisation error',
      matrix: quantizeInt8Rows(values, dims),
      query: Float32Array.from(base, (v, j) => (j === 0 ? 1 : v)),
      k: 20,
      kernelAnswers: true,
    });
  }
  // Adversarial near-ties: 127 variants of one row, variant m moving one code step from position
  // 2m+1 to 2m+2, where the query differs by m × 1e-7: exact scores 1e-7 apart, far below the
  // query's int16 step, so the kernel's integer scores order them arbitrarily and only the bound
  // (the slack for the query's rounding) makes it look past its first shortlist.
  {
    const dims = 256;
    const random = mulberry32(61);
    const query = new Float32Array(dims);
    query[0] = 1;
    for (let m = 0; m < 127; m++) {
      const v = random() * 0.5 + 0.25;
      query[2 * m + 1] = v;
      query[2 * m + 2] = v + m * 1e-7;
    }
    const count = 20_000;
    const codes = new Int8Array(count * dims);
    const scales = new Float32Array(count).fill(0.01);
    for (let r = 0; r < count; r++) for (let j = 0; j < dims; j++) codes[r * dims + j] = Math.round((random() * 2 - 1) * 40);
    for (let m = 0; m < 127; m++) {
      const row = (m * 151 + 5) % count;
      for (let j = 0; j < dims; j++) codes[row * dims + j] = j === 0 ? 127 : 60;
      codes[row * dims + 2 * m + 1] = 59;
      codes[row * dims + 2 * m + 2] = 61;
    }
    cases.push({ name: 'adversarial near-ties below the quantisation step', matrix: { count, dims, codes, scales }, query, k: 10, kernelAnswers: true });
  }
  // Zero rows and a zero query: every score is 0, so the order is by row.
  cases.push({ name: 'zero query', matrix: big, query: new Float32Array(64), k: 10, kernelAnswers: false });
  cases.push({ name: 'zero rows', matrix: quantizeInt8Rows(new Float32Array(50 * 32), 32), query: randomQuery(32, 41), k: 5, kernelAnswers: false });
  // Extreme scales: rows of very different magnitude.
  {
    const dims = 48;
    const values = randomRows(3000, dims, 51);
    const scaleRandom = mulberry32(52);
    for (let r = 0; r < 3000; r++) {
      const s = 10 ** (scaleRandom() * 8 - 4);
      for (let j = 0; j < dims; j++) values[r * dims + j] = itemAt(values, r * dims + j) * s;
    }
    cases.push({ name: 'row scales from 1e-4 to 1e4', matrix: quantizeInt8Rows(values, dims), query: randomQuery(dims, 53), k: 10, kernelAnswers: true });
  }
  return cases;
}
