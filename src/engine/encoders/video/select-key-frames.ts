/**
 * Key frames: evenly spaced analysis frames plus the frames that open a new scene. Pure and
 * shared, so the worker and Node choose the same frames from the same analysis frames.
 *
 * A scene change at analysis frame i is a jump in the colour layout (analyse-frame.ts) from
 * frame i−1: the mean absolute difference of the 192 cell colours, 0…1. It counts when it is
 * a local peak, at least SCENE_MIN_CHANGE, and at least SCENE_MEDIAN_FACTOR times the clip's
 * median difference (so a clip that is all motion does not turn every frame into a "cut").
 */

/** Evenly spaced key frames (fewer when the clip has fewer analysis frames). */
export const EVEN_KEY_FRAMES = 8;
/** At most this many scene-change key frames on top, the largest changes first. */
export const MAX_SCENE_KEY_FRAMES = 8;
export const SCENE_MIN_CHANGE = 0.1;
export const SCENE_MEDIAN_FACTOR = 3;

export interface KeyFrameChoice {
  /** Indices into the analysis frames, ascending, no repeats. */
  keyFrames: number[];
  /** The scene-change frames among them. */
  sceneChanges: number[];
  /** Change from the previous analysis frame, per analysis frame (0 for the first). */
  changes: Float64Array;
}

export interface KeyFrameOptions {
  even?: number;
  maxScene?: number;
  minChange?: number;
  medianFactor?: number;
}

/** Mean absolute difference of two colour layouts (0…1). */
export function layoutChange(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`layoutChange: ${a.length} vs ${b.length} values`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return a.length > 0 ? sum / a.length : 0;
}

export function selectKeyFrames(signatures: readonly Float32Array[], options: KeyFrameOptions = {}): KeyFrameChoice {
  const n = signatures.length;
  const even = options.even ?? EVEN_KEY_FRAMES;
  const maxScene = options.maxScene ?? MAX_SCENE_KEY_FRAMES;
  const minChange = options.minChange ?? SCENE_MIN_CHANGE;
  const factor = options.medianFactor ?? SCENE_MEDIAN_FACTOR;
  const changes = new Float64Array(n);
  for (let i = 1; i < n; i++) changes[i] = layoutChange(signatures[i - 1]!, signatures[i]!);

  const chosen = new Set<number>();
  if (n <= even) for (let i = 0; i < n; i++) chosen.add(i);
  else for (let j = 0; j < even; j++) chosen.add(Math.floor(((j + 0.5) * n) / even));

  const sorted = Array.from(changes.subarray(1)).sort((a, b) => a - b);
  const median =
    sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  const threshold = Math.max(minChange, factor * median);
  const peaks: number[] = [];
  for (let i = 1; i < n; i++) {
    const c = changes[i]!;
    if (c >= threshold && c >= changes[i - 1]! && (i + 1 >= n || c >= changes[i + 1]!)) peaks.push(i);
  }
  // Largest first; ties by earlier frame, so the choice never depends on sort stability.
  peaks.sort((a, b) => changes[b]! - changes[a]! || a - b);
  const sceneChanges = peaks.slice(0, maxScene).sort((a, b) => a - b);
  for (const i of sceneChanges) chosen.add(i);
  return { keyFrames: [...chosen].sort((a, b) => a - b), sceneChanges, changes };
}
