import { describe, expect, it } from 'vitest';
import { seededUnitVectors } from '../../src/engine/backends/seeded-vectors.ts';
import { summarize } from '../../src/engine/backends/timing-stats.ts';
import { SerialQueue } from '../../src/engine/serial-queue.ts';

describe('summarize', () => {
  it('gives median, min and max', () => {
    expect(summarize([5, 1, 3])).toEqual({ medianMs: 3, minMs: 1, maxMs: 5, runs: 3 });
    expect(summarize([4, 1, 3, 2]).medianMs).toBe(2.5);
    expect(() => summarize([])).toThrow('no timings');
  });
});

describe('seededUnitVectors', () => {
  it('is deterministic and unit length', () => {
    const a = seededUnitVectors(3, 8, 42);
    expect(Array.from(a)).toEqual(Array.from(seededUnitVectors(3, 8, 42)));
    expect(Array.from(a)).not.toEqual(Array.from(seededUnitVectors(3, 8, 43)));
    for (let row = 0; row < 3; row++) {
      const norm = Math.hypot(...a.subarray(row * 8, row * 8 + 8));
      expect(norm).toBeCloseTo(1, 5);
    }
  });
});

describe('SerialQueue', () => {
  it('runs tasks one at a time in call order, and a failure does not stop the next', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const slow = queue.run(async () => {
      log.push('a start');
      await new Promise((r) => setTimeout(r, 20));
      log.push('a end');
    });
    const failing = queue.run(async () => {
      log.push('b');
      throw new Error('boom');
    });
    const last = queue.run(async () => log.push('c'));
    await slow;
    await expect(failing).rejects.toThrow('boom');
    await last;
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });
});
