import { describe, expect, it } from 'vitest';
import { nearestInDirection } from '../../src/demo/nearest-in-direction.ts';

describe('nearestInDirection', () => {
  // Screen coordinates (y grows downwards):
  //   0 (0,0)          1 (10,0)
  //          2 (4,4)
  //   3 (0,10)                  4 (20,9)
  // and 5, 6 on the same spot (30,30).
  const xs = [0, 10, 4, 0, 20, 30, 30];
  const ys = [0, 0, 4, 10, 9, 30, 30];

  it('moves to the nearest point that way, preferring points in line with the arrow', () => {
    expect(nearestInDirection(xs, ys, 0, 'right')).toBe(1); // 10 beats point 2 (4 + 2·4)
    expect(nearestInDirection(xs, ys, 0, 'down')).toBe(3); // 10 beats point 2 (4 + 2·4)
    expect(nearestInDirection(xs, ys, 3, 'up')).toBe(0);
    expect(nearestInDirection(xs, ys, 4, 'left')).toBe(3); // 20 + 2·1 beats point 2 (16 + 2·5)
    expect(nearestInDirection(xs, ys, 2, 'up')).toBe(0); // 4 + 2·4 beats point 1 (4 + 2·6)
  });

  it('stays put when nothing lies that way', () => {
    expect(nearestInDirection(xs, ys, 0, 'left')).toBe(0);
    expect(nearestInDirection(xs, ys, 0, 'up')).toBe(0);
    expect(nearestInDirection([5], [5], 0, 'down')).toBe(0);
  });

  it('keeps points on the same spot reachable both ways', () => {
    expect(nearestInDirection(xs, ys, 5, 'right')).toBe(6);
    expect(nearestInDirection(xs, ys, 6, 'left')).toBe(5);
    expect(nearestInDirection(xs, ys, 6, 'right')).toBe(6);
  });
});
