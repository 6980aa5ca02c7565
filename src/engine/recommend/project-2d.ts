/**
 * Principal component analysis of row vectors, in plain JS (no tensors, no backend), for the
 * catalog map: a few thousand items × a few hundred dims.
 *
 * The covariance is never formed: block power (subspace) iteration multiplies by it as
 * Xcᵀ(Xc·Q)/n, centring on the fly, with a Rayleigh–Ritz step each round (the small projected
 * matrix is diagonalised by Jacobi rotations), so two axes with nearly equal variance are still
 * separated correctly and convergence depends on the gap to the axes beyond the block. The
 * start block comes from a seeded generator and each axis's sign is fixed (its largest
 * component is positive), so the same data always gives the same map.
 */
import { mulberry32 } from '../../shared/seeded-random.ts';

export interface PcaOptions {
  /** Axes wanted (default 2). */
  components?: number;
  /** Seed of the start block (default 1). */
  seed?: number;
  /** Stop after this many rounds even if not converged (default 500). */
  maxIterations?: number;
  /** Converged when every wanted axis q satisfies ‖Cq − λq‖ ≤ tolerance · λ₁ (default 1e-7). */
  tolerance?: number;
}

export interface PrincipalComponents {
  /** Unit axes, strongest first, each `dims` long. */
  axes: Float64Array[];
  /** Variance of the data along each axis (the covariance's eigenvalues), descending. */
  variances: number[];
  /** Sum of the variances of every dimension (the covariance's trace). */
  totalVariance: number;
  /** Share of `totalVariance` the axes keep (0…1; 0 for data without variance). */
  varianceKept: number;
  /** Per axis, every row's coordinate along it (centred), `count` long. */
  scores: Float64Array[];
  /** Mean row. */
  mean: Float64Array;
  iterations: number;
  converged: boolean;
}

/** PCA of `count` row-major rows of `dims` values in `data`. */
export function principalComponents(data: ArrayLike<number>, count: number, dims: number, options: PcaOptions = {}): PrincipalComponents {
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(dims) || dims < 1)
    throw new RangeError(`PCA needs at least one row of at least one value, got ${count} × ${dims}`);
  if (data.length !== count * dims) throw new RangeError(`PCA: expected ${count} × ${dims} = ${count * dims} values, got ${data.length}`);
  const components = options.components ?? 2;
  if (!Number.isSafeInteger(components) || components < 1 || components > dims)
    throw new RangeError(`PCA: components must be from 1 to ${dims}, got ${components}`);
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-7;
  const random = mulberry32(options.seed ?? 1);

  const mean = new Float64Array(dims);
  for (let r = 0; r < count; r++) for (let d = 0; d < dims; d++) mean[d]! += data[r * dims + d]!;
  for (let d = 0; d < dims; d++) mean[d]! /= count;
  let totalVariance = 0;
  for (let r = 0; r < count; r++) {
    for (let d = 0; d < dims; d++) {
      const c = data[r * dims + d]! - mean[d]!;
      totalVariance += c * c;
    }
  }
  totalVariance /= count;

  /** C·q for the covariance C of the centred rows, without forming C. */
  const times = (q: Float64Array): Float64Array => {
    let shift = 0;
    for (let d = 0; d < dims; d++) shift += mean[d]! * q[d]!;
    const u = new Float64Array(count);
    let uSum = 0;
    for (let r = 0; r < count; r++) {
      let s = -shift;
      const base = r * dims;
      for (let d = 0; d < dims; d++) s += data[base + d]! * q[d]!;
      u[r] = s;
      uSum += s;
    }
    const out = new Float64Array(dims);
    for (let r = 0; r < count; r++) {
      const s = u[r]!;
      if (s === 0) continue;
      const base = r * dims;
      for (let d = 0; d < dims; d++) out[d]! += data[base + d]! * s;
    }
    for (let d = 0; d < dims; d++) out[d] = (out[d]! - mean[d]! * uSum) / count;
    return out;
  };

  // A few extra vectors in the block speed up convergence of the wanted ones.
  const block = Math.min(dims, components + 3);
  let q = orthonormalise(
    Array.from({ length: block }, () => Float64Array.from({ length: dims }, () => random() - 0.5)),
    random,
  );
  let variances = new Array<number>(block).fill(0);
  let iterations = 0;
  let converged = totalVariance === 0;
  while (!converged && iterations < maxIterations) {
    iterations++;
    const z = q.map(times);
    // Rayleigh–Ritz: diagonalise T = Qᵀ C Q and rotate the block onto T's eigenvectors.
    const t = q.map((qi) => z.map((zj) => dot(qi, zj)));
    const { values, vectors } = symmetricEigen(t);
    const ritz = rotate(q, vectors);
    const cRitz = rotate(z, vectors);
    variances = values;
    const scale = Math.max(values[0]!, Number.MIN_VALUE);
    converged = true;
    for (let i = 0; i < components; i++) {
      let residual = 0;
      for (let d = 0; d < dims; d++) {
        const e = cRitz[i]![d]! - values[i]! * ritz[i]![d]!;
        residual += e * e;
      }
      if (Math.sqrt(residual) > tolerance * scale) converged = false;
    }
    q = converged ? ritz : orthonormalise(cRitz, random);
  }

  const axes = q.slice(0, components).map(fixSign);
  const kept = variances.slice(0, components).map((v) => Math.max(0, v));
  const scores = axes.map((axis) => {
    const out = new Float64Array(count);
    for (let r = 0; r < count; r++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (data[r * dims + d]! - mean[d]!) * axis[d]!;
      out[r] = s;
    }
    return out;
  });
  const varianceKept = totalVariance > 0 ? Math.min(1, kept.reduce((a, b) => a + b, 0) / totalVariance) : 0;
  return { axes, variances: kept, totalVariance, varianceKept, scores, mean, iterations, converged };
}

export interface Map2d {
  /** Coordinates scaled to [0, 1] per axis (0.5 where an axis has no spread). */
  x: number[];
  y: number[];
  varianceKept: number;
}

/** The rows' first two principal coordinates, each scaled to [0, 1]. One-dimensional data gets y = 0.5. */
export function project2d(data: ArrayLike<number>, count: number, dims: number, options: Omit<PcaOptions, 'components'> = {}): Map2d {
  const pca = principalComponents(data, count, dims, { ...options, components: Math.min(2, dims) });
  const x = unitRange(pca.scores[0]!);
  const y = pca.scores[1] ? unitRange(pca.scores[1]) : new Array<number>(count).fill(0.5);
  return { x, y, varianceKept: pca.varianceKept };
}

/** Scale values linearly onto [0, 1] (all 0.5 when they are all equal). */
export function unitRange(values: ArrayLike<number>): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const span = max - min;
  return Array.from(values, (v) => (span > 0 ? (v - min) / span : 0.5));
}

/**
 * Eigenvalues (descending) and unit eigenvectors (`vectors[i]` belongs to `values[i]`) of a
 * small symmetric matrix, by cyclic Jacobi rotations.
 */
export function symmetricEigen(matrix: readonly ArrayLike<number>[]): { values: number[]; vectors: Float64Array[] } {
  const n = matrix.length;
  // Symmetrise: T = QᵀCQ is symmetric only up to rounding.
  const a = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (matrix[i]![j]! + matrix[j]![i]!) / 2));
  const v = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i]![i]! * a[i]![i]!;
      for (let j = i + 1; j < n; j++) off += a[i]![j]! * a[i]![j]!;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let r = p + 1; r < n; r++) {
        const apr = a[p]![r]!;
        if (apr === 0) continue;
        const theta = (a[r]![r]! - a[p]![p]!) / (2 * apr);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akr = a[k]![r]!;
          a[k]![p] = c * akp - s * akr;
          a[k]![r] = s * akp + c * akr;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const ark = a[r]![k]!;
          a[p]![k] = c * apk - s * ark;
          a[r]![k] = s * apk + c * ark;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkr = v[k]![r]!;
          v[k]![p] = c * vkp - s * vkr;
          v[k]![r] = s * vkp + c * vkr;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j]![j]! - a[i]![i]! || i - j);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => Float64Array.from({ length: n }, (_, k) => v[k]![i]!)),
  };
}

/** Linear combinations of the block: out[i] = Σ_j w[i][j] · block[j]. */
function rotate(block: readonly Float64Array[], weights: readonly Float64Array[]): Float64Array[] {
  const dims = block[0]!.length;
  return weights.map((w) => {
    const out = new Float64Array(dims);
    w.forEach((c, j) => {
      if (c === 0) return;
      const b = block[j]!;
      for (let d = 0; d < dims; d++) out[d]! += c * b[d]!;
    });
    return out;
  });
}

/** Modified Gram–Schmidt; a vector that collapses (rank-deficient data) is replaced by a fresh random direction. */
function orthonormalise(vectors: Float64Array[], random: () => number): Float64Array[] {
  const out: Float64Array[] = [];
  for (const source of vectors) {
    let v = Float64Array.from(source);
    const original = Math.sqrt(dot(v, v));
    for (let attempt = 0; attempt < 10; attempt++) {
      for (const u of out) {
        const c = dot(v, u);
        for (let d = 0; d < v.length; d++) v[d]! -= c * u[d]!;
      }
      const norm = Math.sqrt(dot(v, v));
      if (norm > 1e-10 * Math.max(original, 1e-300) && norm > 1e-150) {
        for (let d = 0; d < v.length; d++) v[d]! /= norm;
        break;
      }
      v = Float64Array.from({ length: v.length }, () => random() - 0.5);
    }
    out.push(v);
  }
  return out;
}

/** The same axis pointing the way where its largest component is positive (the sign of an eigenvector is arbitrary). */
function fixSign(axis: Float64Array): Float64Array {
  let at = 0;
  for (let d = 1; d < axis.length; d++) if (Math.abs(axis[d]!) > Math.abs(axis[at]!) + 1e-12) at = d;
  return axis[at]! < 0 ? axis.map((x) => -x) : axis;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
