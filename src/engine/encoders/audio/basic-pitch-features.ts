/**
 * Pitch half of the audio vector, from Spotify's basic-pitch (tfjs graph model, Apache-2.0).
 *
 * Model: input [B, 43844, 1] float32 mono at 22050 Hz; outputs per window of 172 frames
 * (86 frames/s, hop 256): `Identity` = contour [B,172,264] (3 bins per semitone),
 * `Identity_1` = note ("frames") [B,172,88] (MIDI 21..108), `Identity_2` = onset [B,172,88]
 * (mapping from @spotify/basic-pitch src/inference.ts OUTPUT_TO_TENSOR_NAME and model.json's
 * signature; checked at load by shape).
 *
 * Windowing follows basic-pitch's own inference.ts exactly: prepend 3840 zeros (half of the
 * 30-frame overlap), cut windows of 43844 samples with hop 36164, one starting at every hop before the end
 * (zero-padded, as tf.signal.frame with padEnd), run
 * all windows in batches, drop 15 frames at each end of every window (edge effects), join
 * the frames and keep the first floor(samples * 86 / 22050) of them (at least 1): frames that
 * only saw padding never count.
 *
 * Pooled over the kept frames (BASIC_PITCH_DIMS = 276):
 *   noteMean    88  mean note activation per MIDI pitch 21..108
 *   noteMax     88  max note activation per pitch
 *   contourMean 88  mean contour activation, the 264 bins mean-pooled in threes (one per semitone)
 *   chroma      12  noteMean folded to pitch classes (C, C#, …, B; MIDI % 12), sum-normalised
 */

export const BASIC_PITCH_MODEL_PATH = 'basic-pitch/model.json';
export const BP_SAMPLE_RATE = 22050;
export const BP_WINDOW = 43844;
export const BP_FRAMES_PER_WINDOW = 172;
export const BP_FFT_HOP = 256;
export const BP_FPS = Math.floor(BP_SAMPLE_RATE / BP_FFT_HOP); // 86
const OVERLAP_FRAMES = 30;
const HALF_OVERLAP_FRAMES = OVERLAP_FRAMES / 2; // 15
const OVERLAP_SAMPLES = OVERLAP_FRAMES * BP_FFT_HOP; // 7680
export const BP_HOP = BP_WINDOW - OVERLAP_SAMPLES; // 36164
const LEAD_PADDING = OVERLAP_SAMPLES / 2; // 3840
export const BP_KEPT_FRAMES_PER_WINDOW = BP_FRAMES_PER_WINDOW - 2 * HALF_OVERLAP_FRAMES; // 142

export const BP_NOTES = 88;
export const BP_CONTOUR_BINS = 264;
export const BP_OUTPUT_NAMES = { contour: 'Identity', note: 'Identity_1', onset: 'Identity_2' } as const;
/** MIDI number of note bin 0 (A0). */
export const BP_LOWEST_MIDI = 21;

export const BASIC_PITCH_DIMS = 3 * BP_NOTES + 12; // 276

/** Number of model windows for `length` prepared samples. */
export function basicPitchWindowCount(length: number): number {
  // As tf.signal.frame(..., padEnd = true) in basic-pitch: a window starts at every hop
  // before the end of the padded signal (so 142 kept frames per window always cover it).
  return Math.max(1, Math.ceil((LEAD_PADDING + length) / BP_HOP));
}

/** Frames that count for `length` prepared samples. */
export function basicPitchFrameCount(length: number): number {
  return Math.max(1, Math.floor((length * BP_FPS) / BP_SAMPLE_RATE));
}

/**
 * Writes the windows of one clip into `out` (count * BP_WINDOW floats, starting at `offset`;
 * `out` must be zero-filled there). Returns the number of windows written.
 */
export function writeBasicPitchWindows(samples: Float32Array, out: Float32Array, offset: number): number {
  const count = basicPitchWindowCount(samples.length);
  for (let w = 0; w < count; w++) {
    // Window w covers padded positions [w*HOP, w*HOP + WINDOW); padded = LEAD_PADDING zeros + samples.
    const paddedStart = w * BP_HOP;
    const srcStart = paddedStart - LEAD_PADDING;
    const from = Math.max(0, srcStart);
    const to = Math.min(samples.length, srcStart + BP_WINDOW);
    if (to > from) out.set(samples.subarray(from, to), offset + w * BP_WINDOW + (from - srcStart));
  }
  return count;
}

/**
 * Pools one clip's model outputs. `note` holds [windows, 172, 88] and `contour`
 * [windows, 172, 264] for this clip's windows, starting at window `firstWindow`.
 */
export function poolBasicPitch(note: Float32Array, contour: Float32Array, firstWindow: number, windowCount: number, sampleCount: number): Float32Array {
  const wanted = basicPitchFrameCount(sampleCount);
  const noteSum = new Float64Array(BP_NOTES);
  const noteMax = new Float64Array(BP_NOTES);
  const contourSum = new Float64Array(BP_CONTOUR_BINS);
  let frames = 0;
  for (let w = 0; w < windowCount && frames < wanted; w++) {
    for (let f = HALF_OVERLAP_FRAMES; f < BP_FRAMES_PER_WINDOW - HALF_OVERLAP_FRAMES && frames < wanted; f++) {
      const frameIndex = (firstWindow + w) * BP_FRAMES_PER_WINDOW + f;
      const nBase = frameIndex * BP_NOTES;
      for (let k = 0; k < BP_NOTES; k++) {
        const v = note[nBase + k]!;
        noteSum[k]! += v;
        if (v > noteMax[k]!) noteMax[k] = v;
      }
      const cBase = frameIndex * BP_CONTOUR_BINS;
      for (let k = 0; k < BP_CONTOUR_BINS; k++) contourSum[k]! += contour[cBase + k]!;
      frames++;
    }
  }
  const out = new Float32Array(BASIC_PITCH_DIMS);
  const inv = 1 / Math.max(1, frames);
  for (let k = 0; k < BP_NOTES; k++) {
    out[k] = noteSum[k]! * inv;
    out[BP_NOTES + k] = noteMax[k]!;
    out[2 * BP_NOTES + k] = ((contourSum[3 * k]! + contourSum[3 * k + 1]! + contourSum[3 * k + 2]!) * inv) / 3;
  }
  let chromaTotal = 0;
  const chroma = new Float64Array(12);
  for (let k = 0; k < BP_NOTES; k++) {
    chroma[(BP_LOWEST_MIDI + k) % 12]! += out[k]!;
    chromaTotal += out[k]!;
  }
  for (let c = 0; c < 12; c++) out[3 * BP_NOTES + c] = chromaTotal > 0 ? chroma[c]! / chromaTotal : 1 / 12;
  return out;
}
