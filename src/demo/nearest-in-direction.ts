export type Direction = 'left' | 'right' | 'up' | 'down';

/**
 * Arrow-key movement on a scatter plot: the index of the point nearest to `from` among those
 * lying in `direction` (screen coordinates, y down), where sideways offset counts double so
 * the choice follows the arrow; `from` itself when nothing lies that way.
 */
export function nearestInDirection(xs: ArrayLike<number>, ys: ArrayLike<number>, from: number, direction: Direction): number {
  const x0 = xs[from]!;
  const y0 = ys[from]!;
  let best = from;
  let bestCost = Infinity;
  for (let i = 0; i < xs.length; i++) {
    if (i === from) continue;
    const dx = xs[i]! - x0;
    const dy = ys[i]! - y0;
    const ahead = direction === 'right' ? dx : direction === 'left' ? -dx : direction === 'down' ? dy : -dy;
    const sideways = Math.abs(direction === 'left' || direction === 'right' ? dy : dx);
    // Points on the same spot: right/down go to the later index, left/up to the earlier, so both stay reachable.
    const forward = direction === 'right' || direction === 'down';
    if (ahead < 0 || (ahead === 0 && (sideways > 0 || (forward ? i < from : i > from)))) continue;
    const cost = ahead + 2 * sideways;
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}
