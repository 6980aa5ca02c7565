/**
 * Which frames of a video are looked at (the "analysis frames"), from the frames' presentation
 * timestamps alone, so the worker (mediabunny + WebCodecs) and Node (ffmpeg) pick the very same
 * frames of the same file: both read the timestamps from the container with mediabunny.
 *
 * A grid of `min(maxFrames, ceil(duration × framesPerSecond))` instants is laid evenly over the
 * video, each at the middle of its cell; each instant takes the frame on screen then (the last
 * frame whose timestamp is ≤ the instant). Two instants that land on one frame keep it once.
 */

/** Analysis frames per second of video, before the cap. */
export const ANALYSIS_FRAMES_PER_SECOND = 4;
/** At most this many analysis frames per video (a 12 s clip gets 4 per second; a 60 s one 0.8). */
export const MAX_ANALYSIS_FRAMES = 48;

export interface FrameScheduleOptions {
  framesPerSecond?: number;
  maxFrames?: number;
  /** Only frames shown within [start, end) seconds (default: the whole video). */
  start?: number;
  end?: number;
}

/**
 * Indices (into `timestamps`, which must be sorted ascending) of the analysis frames, ascending.
 * The video is taken to last from its first timestamp to one frame interval past its last.
 */
export function analysisFrameIndices(timestamps: readonly number[], options: FrameScheduleOptions = {}): number[] {
  const n = timestamps.length;
  if (n === 0) return [];
  for (let i = 1; i < n; i++) {
    if (!(timestamps[i]! >= timestamps[i - 1]!)) throw new RangeError(`analysisFrameIndices: timestamps must be sorted (index ${i})`);
  }
  const fps = options.framesPerSecond ?? ANALYSIS_FRAMES_PER_SECOND;
  const maxFrames = options.maxFrames ?? MAX_ANALYSIS_FRAMES;
  const step = n > 1 ? (timestamps[n - 1]! - timestamps[0]!) / (n - 1) : 0;
  const start = Math.max(options.start ?? -Infinity, timestamps[0]!);
  const end = Math.min(options.end ?? Infinity, timestamps[n - 1]! + step);
  if (!(end > start)) {
    // A single frame (or a window without time in it): the frame on screen at `start`.
    const only = lastAtOrBefore(timestamps, start);
    return [Math.max(0, only)];
  }
  const count = Math.max(1, Math.min(maxFrames, Math.ceil((end - start) * fps)));
  const picked: number[] = [];
  for (let k = 0; k < count; k++) {
    const instant = start + ((k + 0.5) * (end - start)) / count;
    const index = Math.max(0, lastAtOrBefore(timestamps, instant));
    if (picked[picked.length - 1] !== index) picked.push(index);
  }
  return picked;
}

/** Index of the last timestamp ≤ t (binary search), or -1 if all are later. */
function lastAtOrBefore(timestamps: readonly number[], t: number): number {
  let lo = 0;
  let hi = timestamps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    // A microsecond of slack: containers store timestamps in ms or µs, and decimal
    // seconds from two readers of one file may differ in the last float bit.
    if (timestamps[mid]! <= t + 1e-6) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
