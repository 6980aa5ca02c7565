/**
 * Eigenvectors of symmetric matrices in plain JS (row-major Float64Array), enough for a
 * truncated SVD (the harness's PureSVD, the learned model's warm start): the cyclic Jacobi
 * method for small matrices, and subspace iteration with Rayleigh–Ritz (Saad, "Numerical
 * Methods for Large Eigenvalue Problems", ch. 5) for the top few eigenpairs of a large positive semi-definite one.
 */
import { mulberry32 } from './seeded-random.ts';

export interface EigenPairs {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as the columns of an n × m row-major matrix, in the order of `values`. */
  vectors: Float64Array;
  /** Rows of `vectors` (n) and columns (m). */
  n: number;
  m: number;
}

/** All eigenpairs of a small symmetric n × n matrix by cyclic Jacobi rotations. */
export function jacobiEigen(matrix: Float64Array, n: number, { tolerance = 1e-12, maxSweeps = 100 } = {}): EigenPairs {
  if (matrix.length !== n * n) throw new Error(`jacobiEigen: expected ${n}×${n} values, got ${matrix.length}`);
  const a = matrix.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i]! * a[i]!;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off <= tolerance * tolerance * Math.max(scale, Number.MIN_VALUE)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.5.1).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => a[y * n + y]! - a[x * n + x]! || x - y);
  const values = Float64Array.from(order, (i) => a[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((col, j) => (vectors[r * n + j] = v[r * n + col]!));
  return { values, vectors, n, m: n };
}

/** A symmetric n × n operator applied to an n × m block (row-major): A·X. */
export type SymmetricOperator = (x: Float64Array, m: number) => Float64Array;

/** The operator of a dense row-major n × n matrix. */
export const denseOperator =
  (a: Float64Array, n: number): SymmetricOperator =>
  (x, m) =>
    multiply(a, n, x, m);

/**
 * The top `count` eigenpairs of a symmetric positive semi-definite n × n operator: a seeded
 * random block of count + oversample columns, `iterations` times multiplied by the operator and
 * re-orthonormalised, then the small projected problem solved by Jacobi.
 */
export function topEigenpairs(apply: SymmetricOperator, n: number, count: number, { iterations = 30, oversample = 10, seed = 1 } = {}): EigenPairs {
  if (!(Number.isInteger(count) && count >= 1 && count <= n)) throw new Error(`topEigenpairs: count must be in 1…${n}, got ${count}`);
  const m = Math.min(n, count + oversample);
  const random = mulberry32(seed);
  let q: Float64Array = new Float64Array(n * m);
  for (let i = 0; i < q.length; i++) q[i] = random() - 0.5;
  orthonormalise(q, n, m);
  for (let it = 0; it < iterations; it++) {
    q = apply(q, m);
    orthonormalise(q, n, m);
  }
  // Rayleigh–Ritz: B = Qᵀ·A·Q (m × m), A·Q ≈ Q·B.
  const aq = apply(q, m);
  const b = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += q[r * m + i]! * aq[r * m + j]!;
      b[i * m + j] = b[j * m + i] = s;
    }
  }
  const small = jacobiEigen(b, m);
  const vectors = new Float64Array(n * count);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < count; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += q[r * m + i]! * small.vectors[i * m + j]!;
      vectors[r * count + j] = s;
    }
  }
  return { values: small.values.slice(0, count), vectors, n, m: count };
}

/** A (n × n) · X (n × m), row-major. */
function multiply(a: Float64Array, n: number, x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k]!;
      if (aik === 0) continue;
      const xk = k * m;
      for (let j = 0; j < m; j++) out[o + j] = out[o + j]! + aik * x[xk + j]!;
    }
  }
  return out;
}

/** Modified Gram–Schmidt on the columns of an n × m matrix, in place (a dependent column becomes 0). */
function orthonormalise(x: Float64Array, n: number, m: number): void {
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let r = 0; r < n; r++) dot += x[r * m + i]! * x[r * m + j]!;
      for (let r = 0; r < n; r++) x[r * m + j] = x[r * m + j]! - dot * x[r * m + i]!;
    }
    let norm = 0;
    for (let r = 0; r < n; r++) norm += x[r * m + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < n; r++) x[r * m + j] = norm > 1e-300 ? x[r * m + j]! / norm : 0;
  }
}
