/**
 * Inverse of a symmetric positive definite matrix (row-major Float64Array, n×n) by Cholesky:
 * A = L·Lᵀ, A⁻¹ = L⁻ᵀ·L⁻¹. About n³/2 multiply-adds, half of Gauss–Jordan's, and every inner
 * loop is a dot product of two contiguous rows, so plain JS inverts EASE's 1682×1682 Gram
 * matrix in seconds (tfjs has no inverse op, and its CPU backend would not beat this).
 */
import { itemAt } from '../../shared/item-at.ts';
export function invertSpd(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw new Error(`invertSpd: expected ${n}×${n} = ${n * n} values, got ${a.length}`);
  // Cholesky, row by row: L[i][j] = (A[i][j] − row_i·row_j) / L[j][j], over columns < j.
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = itemAt(a, ri + j) - dot(l, ri, l, rj, j);
      if (i === j) {
        if (!(s > 0)) throw new Error(`invertSpd: matrix is not positive definite (pivot ${i} is ${s})`);
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / itemAt(l, rj + j);
      }
    }
  }
  // U = (L⁻¹)ᵀ, upper triangular, built row by row so both operands stay contiguous:
  // U[j][i] = −(Σ_{k=j}^{i−1} L[i][k]·U[j][k]) / L[i][i].
  const u = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    u[rj + j] = 1 / itemAt(l, rj + j);
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      u[rj + i] = -dot(l, ri + j, u, rj + j, i - j) / itemAt(l, ri + i);
    }
  }
  // A⁻¹[i][j] = Σ_{k≥max(i,j)} U[i][k]·U[j][k]; L's buffer is free now, so reuse it.
  const inv = l;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = dot(u, i * n + j, u, j * n + j, n - j);
      inv[i * n + j] = v;
      inv[j * n + i] = v;
    }
  }
  return inv;
}

/** Σ x[xs + t]·y[ys + t] for t < len, unrolled by four (the hot loop of the inverse). */
function dot(x: Float64Array, xs: number, y: Float64Array, ys: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < len; t += 4) {
    s0 += itemAt(x, xs + t) * itemAt(y, ys + t);
    s1 += itemAt(x, xs + t + 1) * itemAt(y, ys + t + 1);
    s2 += itemAt(x, xs + t + 2) * itemAt(y, ys + t + 2);
    s3 += itemAt(x, xs + t + 3) * itemAt(y, ys + t + 3);
  }
  for (; t < len; t++) s0 += itemAt(x, xs + t) * itemAt(y, ys + t);
  return s0 + s1 + s2 + s3;
}
