/**
 * The percentile bootstrap over users (Efron & Tibshirani 1993) that puts a 95 % interval on
 * every number the harness reports.
 *
 * A resample draws as many users as were evaluated, with replacement; a user drawn twice
 * counts twice, with all of their cases together (protocol B on dev has several cases per
 * user, and they are not independent). A statistic is any function of the per-user weights
 * (how often each user was drawn), so the same resamples serve means, ratios, set-level
 * numbers (coverage, Gini) and, row against row, paired differences: two rows scored on the
 * same resamples give a paired interval, and identical rows give exactly [0, 0].
 *
 * The resamples depend only on (seed, users, resamples), never on the rows or their order.
 *
 * Set-level statistics (catalog coverage, Gini of exposure) are not averages: a resample
 * repeats users and holds only about 63 % distinct ones, so its coverage is biased low and its
 * Gini high, and the plain percentile interval can miss the value itself. For those the
 * interval is shifted by the bootstrap's estimate of that bias (mean of the resampled values
 * − the value): the percentile interval recentred on the value, with the resamples' spread,
 * and clipped to the statistic's range (coverage and Gini lie in [0, 1]).
 */
import { mulberry32 } from '../../shared/seeded-random.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface BootstrapOptions {
  /** Number of resamples (default 1000; at least 100). */
  resamples?: number;
  /** Seed of the resampling stream (default 42). */
  seed?: number;
  /** Two-sided coverage of the intervals (default 0.95). */
  level?: number;
}

export interface Estimate {
  /** The statistic on the evaluated users as they are. */
  value: number;
  /** Percentile interval: the (1 − level)/2 and (1 + level)/2 quantiles of the resampled values. */
  low: number;
  high: number;
}

/** A statistic of the users: reads weights[u] = how often user index u is in the sample. */
export type UserStatistic = (weights: Float64Array) => number;

export const DEFAULT_RESAMPLES = 1000;

/** The resample weights: resample r's count for each of `users` users. */
export function resampleWeights(users: number, options: BootstrapOptions = {}): Float64Array[] {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!(Number.isInteger(resamples) && resamples >= 100)) throw new Error(`bootstrap: resamples must be a whole number ≥ 100, got ${resamples}`);
  if (!(Number.isInteger(users) && users >= 1)) throw new Error(`bootstrap: needs at least one user, got ${users}`);
  const random = mulberry32((options.seed ?? 42) >>> 0);
  const out: Float64Array[] = [];
  for (let r = 0; r < resamples; r++) {
    const w = new Float64Array(users);
    for (let i = 0; i < users; i++) {
      const user = Math.floor(random() * users);
      w[user] = itemAt(w, user) + 1;
    }
    out.push(w);
  }
  return out;
}

/** The statistic on every resample (NaN where it is undefined, e.g. a slice no drawn user is in). */
export function replicate(statistic: UserStatistic, weights: readonly Float64Array[]): Float64Array {
  return Float64Array.from(weights, (w) => statistic(w));
}

/** The (1 ± level)/2 quantiles (linear interpolation, NaN ignored) of `values`. */
export function percentileInterval(values: ArrayLike<number>, level = 0.95): { low: number; high: number } {
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  const sorted = Float64Array.from(Array.prototype.filter.call(values, (v: number) => !Number.isNaN(v)) as number[]).sort();
  if (sorted.length === 0) return { low: Number.NaN, high: Number.NaN };
  const at = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
  };
  return { low: at((1 - level) / 2), high: at((1 + level) / 2) };
}

/** Point value (all weights 1) and interval of a statistic; `biasShift` for set-level ones (above). */
export interface IntervalOptions {
  level?: number;
  /** Recentre the interval on the value (set-level statistics, above)… */
  biasShift?: boolean;
  /** …and clip it to this range. */
  range?: readonly [number, number];
}

export function estimate(
  statistic: UserStatistic,
  users: number,
  weights: readonly Float64Array[],
  options: IntervalOptions = {},
): { estimate: Estimate; replicates: Float64Array } {
  const replicates = replicate(statistic, weights);
  const value = statistic(new Float64Array(users).fill(1));
  return { estimate: interval(value, replicates, options), replicates };
}

/** The paired difference a − b: its point value and the interval of the per-resample differences. */
export function pairedDifference(
  a: { value: number; replicates: Float64Array },
  b: { value: number; replicates: Float64Array },
  options: IntervalOptions = {},
): Estimate {
  if (a.replicates.length !== b.replicates.length) throw new Error('pairedDifference: the two rows were not scored on the same resamples');
  const diff = a.replicates.map((v, i) => v - b.replicates[i]!);
  return interval(a.value - b.value, diff, options);
}

function interval(value: number, replicates: Float64Array, options: IntervalOptions): Estimate {
  const { low, high } = percentileInterval(replicates, options.level ?? 0.95);
  if (!options.biasShift) return { value, low, high };
  const finite = replicates.filter((v) => !Number.isNaN(v));
  const bias = finite.length > 0 ? finite.reduce((s, v) => s + v, 0) / finite.length - value : 0;
  const [min, max] = options.range ?? [-Infinity, Infinity];
  // Identical rows have all-zero differences: keep their [0, 0] exact.
  return bias === 0 ? { value, low, high } : { value, low: Math.max(min, low - bias), high: Math.min(max, high - bias) };
}

/** Σ w·num / Σ w·den over users: a mean over the drawn users' cases (NaN when no drawn user has a case). */
export function ratioStatistic(numerator: Float64Array, denominator: Float64Array): UserStatistic {
  return (w) => {
    let num = 0;
    let den = 0;
    for (let u = 0; u < w.length; u++) {
      const wu = w[u]!;
      if (wu === 0) continue;
      num += wu * numerator[u]!;
      den += wu * denominator[u]!;
    }
    return den === 0 ? Number.NaN : num / den;
  };
}
