/**
 * How evenly the recommended lists spread over the catalog (set-level: they read every list
 * of a run at once).
 *
 * - catalog coverage@k: the share of the items that appear in at least one top-k list;
 * - Gini coefficient of exposure: over the items, how unequal their number of appearances
 *   in the lists is (0 = every item shown equally often, (n − 1) / n = one item takes all);
 *   G = Σᵢ (2i − n − 1)·xᵢ / (n·Σ x) with x sorted ascending, i = 1…n.
 *
 * `universe` is the items a list could contain (the catalog; protocol C: the new items).
 */

/** Share of `universe` with a positive exposure count. */
export function catalogCoverage(exposure: ArrayLike<number>, universe: ArrayLike<number>): number {
  if (universe.length === 0) throw new Error('catalogCoverage: empty universe');
  let shown = 0;
  for (let i = 0; i < universe.length; i++) if (exposure[universe[i]!]! > 0) shown++;
  return shown / universe.length;
}

/** Gini coefficient of the exposure counts over `universe` (0 when nothing was shown). */
export function giniCoefficient(exposure: ArrayLike<number>, universe: ArrayLike<number>): number {
  const n = universe.length;
  if (n === 0) throw new Error('giniCoefficient: empty universe');
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = exposure[universe[i]!]!;
  x.sort();
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += x[i]!;
    weighted += (2 * (i + 1) - n - 1) * x[i]!;
  }
  return total === 0 ? 0 : weighted / (n * total);
}
