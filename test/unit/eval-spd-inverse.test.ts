import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { invertSpd } from '../../src/node/eval/spd-inverse.ts';
import { itemAt } from '../../src/shared/item-at.ts';

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) c[i * n + j] = itemAt(c, i * n + j) + itemAt(a, i * n + k) * itemAt(b, k * n + j);
  return c;
}

describe('invertSpd', () => {
  it('A·A⁻¹ ≈ I on a random symmetric positive definite matrix', () => {
    const random = mulberry32(5);
    for (const n of [1, 2, 7, 61]) {
      // A = MᵀM + 0.1·I: symmetric positive definite, not diagonally dominant.
      const m = Float64Array.from({ length: n * n }, () => random() - 0.5);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += itemAt(m, k * n + i) * itemAt(m, k * n + j);
          a[i * n + j] = s + (i === j ? 0.1 : 0);
        }
      }
      const inverse = invertSpd(a, n);
      const product = multiply(a, inverse, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(product[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 9);
      // The inverse of a symmetric matrix is symmetric, exactly, by construction.
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inverse[i * n + j]).toBe(inverse[j * n + i]);
    }
  });

  it('matches the 2×2 closed form and rejects matrices that are not positive definite', () => {
    const [p, q, r] = [4, 1, 3];
    const det = p * r - q * q;
    expect([...invertSpd(new Float64Array([p, q, q, r]), 2)].map((v) => +v.toFixed(12))).toEqual(
      [r / det, -q / det, -q / det, p / det].map((v) => +v.toFixed(12)),
    );
    expect(() => invertSpd(new Float64Array([1, 2, 2, 1]), 2)).toThrow('not positive definite');
    expect(() => invertSpd(new Float64Array(5), 2)).toThrow('expected 2×2');
  });
});
