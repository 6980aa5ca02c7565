import { describe, expect, it } from 'vitest';
import { principalComponents, project2d, symmetricEigen, unitRange } from '../../src/engine/recommend/project-2d.ts';

/** An orthonormal basis of R^dims from a fixed rotation, so the test's "known plane" is not axis-aligned. */
function rotatedBasis(dims: number): Float64Array[] {
  const basis: Float64Array[] = [];
  for (let i = 0; i < dims; i++) {
    const v = Float64Array.from({ length: dims }, (_, d) => Math.cos((i + 1) * (d + 1) * 0.7) + (i === d ? 2 : 0));
    for (const u of basis) {
      const c = v.reduce((s, x, d) => s + x * u[d]!, 0);
      for (let d = 0; d < dims; d++) v[d]! -= c * u[d]!;
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  return basis;
}

const dotOf = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i]!, 0);

/**
 * Points on an ellipse with semi-axes 3 and 1 in the plane of u and v, offset by c, plus a small
 * wobble 0.2·sin(3θ) along w. With θ evenly spaced over a full turn the covariance is known
 * exactly: 3²/2 along u, 1²/2 along v, 0.2²/2 along w, nothing else.
 */
function ellipse(count: number, dims: number) {
  const [u, v, w] = rotatedBasis(dims);
  const c = Float64Array.from({ length: dims }, (_, d) => d * 0.1 - 0.3);
  const data = new Float32Array(count * dims);
  for (let i = 0; i < count; i++) {
    const theta = (2 * Math.PI * i) / count;
    for (let d = 0; d < dims; d++) data[i * dims + d] = c[d]! + 3 * Math.cos(theta) * u![d]! + Math.sin(theta) * v![d]! + 0.2 * Math.sin(3 * theta) * w![d]!;
  }
  return { data, u: u!, v: v!, variances: [4.5, 0.5, 0.02] };
}

describe('principalComponents', () => {
  it('recovers the axes, variances and varianceKept of an ellipse in a known plane', () => {
    const { data, u, v, variances } = ellipse(360, 12);
    const pca = principalComponents(data, 360, 12);
    expect(pca.converged).toBe(true);
    // float32 storage of the points limits agreement to ~1e-6.
    expect(pca.variances[0]).toBeCloseTo(variances[0]!, 4);
    expect(pca.variances[1]).toBeCloseTo(variances[1]!, 4);
    expect(pca.totalVariance).toBeCloseTo(variances[0]! + variances[1]! + variances[2]!, 4);
    expect(pca.varianceKept).toBeCloseTo(5 / 5.02, 5);
    expect(Math.abs(dotOf(pca.axes[0]!, u))).toBeCloseTo(1, 5);
    expect(Math.abs(dotOf(pca.axes[1]!, v))).toBeCloseTo(1, 5);
    expect(dotOf(pca.axes[0]!, pca.axes[1]!)).toBeCloseTo(0, 8);
    // Scores are the centred coordinates: the first one spans the major axis, −3 … 3.
    expect(Math.max(...pca.scores[0]!)).toBeCloseTo(3, 4);
    expect(Math.min(...pca.scores[0]!)).toBeCloseTo(-3, 4);
  });

  it('agrees with a full eigendecomposition of the covariance on scattered data', () => {
    const count = 200;
    const dims = 16;
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
    // Correlated columns with a decaying spectrum.
    const data = new Float32Array(count * dims);
    for (let r = 0; r < count; r++) {
      const z = Array.from({ length: dims }, next);
      for (let d = 0; d < dims; d++) data[r * dims + d] = z.slice(0, d + 1).reduce((s, x, k) => s + x / (k + 1), 0);
    }
    const mean = Array.from({ length: dims }, (_, d) => Array.from({ length: count }, (_, r) => data[r * dims + d]!).reduce((a, b) => a + b) / count);
    const cov = Array.from({ length: dims }, (_, i) =>
      Float64Array.from({ length: dims }, (_, j) => {
        let s = 0;
        for (let r = 0; r < count; r++) s += (data[r * dims + i]! - mean[i]!) * (data[r * dims + j]! - mean[j]!);
        return s / count;
      }),
    );
    const full = symmetricEigen(cov);
    const pca = principalComponents(data, count, dims);
    expect(pca.variances[0]).toBeCloseTo(full.values[0]!, 9);
    expect(pca.variances[1]).toBeCloseTo(full.values[1]!, 9);
    expect(Math.abs(dotOf(pca.axes[0]!, full.vectors[0]!))).toBeCloseTo(1, 6);
    expect(Math.abs(dotOf(pca.axes[1]!, full.vectors[1]!))).toBeCloseTo(1, 6);
    expect(pca.varianceKept).toBeCloseTo((full.values[0]! + full.values[1]!) / full.values.reduce((a, b) => a + b), 9);
  });

  it('is deterministic: the same data gives the same axes, signs included', () => {
    const { data } = ellipse(100, 9);
    const a = principalComponents(data, 100, 9);
    const b = principalComponents(data, 100, 9);
    expect(Array.from(b.axes[0]!)).toEqual(Array.from(a.axes[0]!));
    expect(Array.from(b.scores[1]!)).toEqual(Array.from(a.scores[1]!));
    // The sign convention holds whatever the start block: another seed gives the same axes.
    const c = principalComponents(data, 100, 9, { seed: 12345 });
    for (let i = 0; i < 2; i++) expect(dotOf(c.axes[i]!, a.axes[i]!)).toBeCloseTo(1, 6);
  });

  it('copes with data of lower rank than the block and with no variance at all', () => {
    // Three points in 6-d: rank 2 after centring.
    const three = new Float32Array([1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const pca = principalComponents(three, 3, 6);
    expect(pca.converged).toBe(true);
    expect(pca.varianceKept).toBeCloseTo(1, 9);
    const same = principalComponents(new Float32Array(12).fill(0.25), 4, 3);
    expect(same.varianceKept).toBe(0);
    expect(Array.from(same.scores[0]!)).toEqual([0, 0, 0, 0]);
  });

  it('rejects a matrix whose size does not match its shape', () => {
    expect(() => principalComponents(new Float32Array(5), 2, 3)).toThrow('expected 2 × 3 = 6 values, got 5');
    expect(() => principalComponents(new Float32Array(6), 2, 3, { components: 4 })).toThrow('components must be from 1 to 3');
  });
});

describe('project2d', () => {
  it('places the ellipse in the unit square, its major axis along x', () => {
    const { data } = ellipse(360, 12);
    const map = project2d(data, 360, 12);
    expect(map.x).toHaveLength(360);
    expect(Math.min(...map.x)).toBe(0);
    expect(Math.max(...map.x)).toBe(1);
    expect(Math.min(...map.y)).toBe(0);
    expect(Math.max(...map.y)).toBe(1);
    // θ = 0 and θ = π are the two ends of the major axis; θ = π/2 is the middle of x.
    expect(Math.abs(map.x[0]! - map.x[180]!)).toBeCloseTo(1, 5);
    expect(map.x[90]).toBeCloseTo(0.5, 5);
    expect(map.varianceKept).toBeCloseTo(5 / 5.02, 5);
    expect(project2d(data, 360, 12)).toEqual(map);
  });

  it('gives one-dimensional data y = 0.5', () => {
    expect(project2d(new Float32Array([0, 1, 2]), 3, 1)).toEqual({ x: [0, 0.5, 1], y: [0.5, 0.5, 0.5], varianceKept: 1 });
    expect(unitRange([4, 4])).toEqual([0.5, 0.5]);
  });
});
