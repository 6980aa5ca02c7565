import { mulberry32 } from '../../shared/seeded-random.ts';

/**
 * 95 % intervals by a bootstrap over clusters (users, clips): each resample draws clusters
 * with replacement and averages the per-query values of the drawn clusters, so queries of one
 * cluster move together. `paired` resamples two methods' values with the same draws, giving the
 * interval of their difference (A beats B when it excludes 0). Seeded: the same numbers every run.
 */

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** `values[i]` belongs to `clusters[i]`; the statistic is the mean over the queries of the drawn clusters. */
export function clusterBootstrap(values: readonly number[], clusters: readonly string[], resamples = 2000, seed = 1): Interval {
  return pairedClusterBootstrap(
    values,
    values.map(() => 0),
    clusters,
    resamples,
    seed,
  );
}

/** Interval of mean(a) − mean(b) over resampled clusters (a and b hold the same queries, in the same order). */
export function pairedClusterBootstrap(a: readonly number[], b: readonly number[], clusters: readonly string[], resamples = 2000, seed = 1): Interval {
  if (a.length !== b.length || a.length !== clusters.length) throw new RangeError('pairedClusterBootstrap: a, b and clusters must have the same length');
  const byCluster = new Map<string, number[]>();
  clusters.forEach((c, i) => (byCluster.get(c) ?? byCluster.set(c, []).get(c)!).push(i));
  const groups = [...byCluster.values()];
  const diff = (indices: readonly number[]) => indices.reduce((s, i) => s + a[i]! - b[i]!, 0);
  const mean = diff(a.map((_, i) => i)) / a.length;
  const random = mulberry32(seed);
  const stats: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[Math.floor(random() * groups.length)]!;
      sum += diff(group);
      count += group.length;
    }
    stats.push(sum / count);
  }
  stats.sort((x, y) => x - y);
  return { mean, low: quantile(stats, 0.025), high: quantile(stats, 0.975) };
}
