import { describe, expect, it } from 'vitest';
import { ProgressLog } from '../../src/demo/progress-log.ts';
import { formatBytes } from '../../src/demo/format-bytes.ts';

describe('ProgressLog (the demo loading view’s numbers)', () => {
  it('keeps one step per stage and label, with bytes that never move backwards and the size once known', () => {
    const log = new ProgressLog();
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 0, totalBytes: 1000, done: false });
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 600, done: false });
    // A late update (they cross a worker boundary asynchronously) must not undo the 600.
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 400, done: false });
    log.add({ stage: 'catalog', label: 'image vectors', loadedBytes: 2000, totalBytes: 2000, done: true, fromCache: true });
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 1000, done: true });
    expect(log.steps).toEqual([
      { stage: 'catalog', label: 'text vectors', loadedBytes: 1000, totalBytes: 1000, done: true },
      { stage: 'catalog', label: 'image vectors', loadedBytes: 2000, totalBytes: 2000, done: true, fromCache: true },
    ]);
    expect(log.bytes(['catalog'])).toEqual({ loaded: 3000, total: 3000 });
    expect(log.bytes(['model'])).toEqual({ loaded: 0, total: 0 });
  });

  it('moves the overall fraction through the engine start and the catalog bytes, never backwards, to 1', () => {
    const log = new ProgressLog();
    expect(log.fraction(true, false)).toBe(0);
    log.add({ stage: 'assets', label: 'asset manifest', loadedBytes: 500, totalBytes: 500, done: true });
    const afterAssets = log.fraction(true, false);
    expect(afterAssets).toBeCloseTo(0.35 * 0.15, 6);
    log.add({ stage: 'backends', label: 'webgpu backend', loadedBytes: 0, done: true });
    log.add({ stage: 'backends', label: 'wasm backend', loadedBytes: 0, done: true });
    // Two of the usual four backends measured.
    expect(log.fraction(true, false)).toBeCloseTo(0.35 * (0.15 + 0.85 * 0.5), 6);
    // The engine started: its part is complete, whatever was probed.
    expect(log.fraction(true, true)).toBeCloseTo(0.35, 6);
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 250, totalBytes: 1000, done: false });
    expect(log.fraction(true, true)).toBeCloseTo(0.35 + 0.65 * 0.25, 6);
    // A new, larger file makes the known total grow: the fraction holds instead of dropping.
    log.add({ stage: 'catalog', label: 'image vectors', loadedBytes: 0, totalBytes: 9000, done: false });
    expect(log.fraction(true, true)).toBeCloseTo(0.35 + 0.65 * 0.25, 6);
    log.add({ stage: 'catalog', label: 'text vectors', loadedBytes: 1000, done: true });
    log.add({ stage: 'catalog', label: 'image vectors', loadedBytes: 9000, done: true });
    expect(log.fraction(true, true)).toBe(1);
    // Without a catalog (`?catalog=none`) the engine start alone is the whole bar.
    expect(new ProgressLog().fraction(false, true)).toBe(1);
  });
});

describe('formatBytes', () => {
  it('uses SI units with one decimal', () => {
    expect([0, 999, 1000, 495_876, 999_949, 1_233_924].map(formatBytes)).toEqual(['0 B', '999 B', '1.0 kB', '495.9 kB', '999.9 kB', '1.2 MB']);
  });
});
