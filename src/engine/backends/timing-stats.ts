import type { TimingStats } from '../../protocol/engine-api.ts';
import { itemAt } from '../../shared/item-at.ts';

/** Run `task` once to warm up (shader compiles, first uploads), then `runs` times; report median/min/max. */
export async function timeRuns(task: () => Promise<unknown>, runs: number): Promise<TimingStats> {
  await task();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  return summarize(times);
}

/**
 * Like `timeRuns`, for slow cases: the first run is timed too, and if it took longer than
 * `maxRunMs` it is the only measurement (a software GPU can take minutes per batch).
 */
export async function timeRunsWithin(task: () => Promise<unknown>, runs: number, maxRunMs = Infinity): Promise<TimingStats> {
  const start = performance.now();
  await task();
  const first = performance.now() - start;
  if (first > maxRunMs) return summarize([first]);
  return timeRuns(task, runs);
}

export function summarize(times: number[]): TimingStats {
  if (times.length === 0) throw new RangeError('no timings to summarize');
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? itemAt(sorted, mid) : (itemAt(sorted, mid - 1) + itemAt(sorted, mid)) / 2;
  return { medianMs, minMs: itemAt(sorted, 0), maxMs: itemAt(sorted, sorted.length - 1), runs: sorted.length };
}
