import Meyda from 'meyda';

/**
 * Signal-feature half of the audio vector, from meyda 5.6.3 (pure JS).
 *
 * Input: prepared audio (mono, 22050 Hz, peak 1; prepare-audio.ts).
 * Frames of MEYDA_FRAME_SIZE = 1024 samples (46 ms), hop 512, Hann window (meyda's default);
 * frames start at 0 and the last one is zero-padded; a clip shorter than a frame is one
 * zero-padded frame. Frames whose RMS is below SILENT_FRAME_RMS (1e-4, -80 dB re peak) are
 * skipped (the frame holding the clip's peak never is, so at least one frame counts).
 *
 * Per frame, MEYDA_FRAME_FEATURES (20 values):
 *   mfcc0..mfcc12   meyda `mfcc` (26 mel bands, log(1 + power), DCT-II)
 *   centroid        `spectralCentroid` / 512 bins (fraction of Nyquist)
 *   spread          `spectralSpread` / 512 bins
 *   flatness        `spectralFlatness` (0..1)
 *   rolloff         `spectralRolloff` / 11025 Hz (99 % energy point)
 *   crest           `spectralCrest` (peak / RMS of the magnitude spectrum)
 *   zcr             `zcr` / 1023 (zero crossings per sample)
 *   rmsDb           20 log10(`rms`)
 * Clip descriptor (raw, 40 values): the mean over counted frames of each, then the
 * (population) standard deviation of each.
 *
 * `standardiseMeydaStats` z-scores the 40 values with fixed constants (MEYDA_STATS_MEAN,
 * MEYDA_STATS_STD) measured once over the Tux Paint stamp sound effects
 * (tuxpaint-stamps-default: the 136 `stamps/**\/NAME.ogg` files, not the spoken `_desc`
 * ones; 4 of them are silent, so 132 clips), mean and population std per statistic, so every
 * feature has roughly unit spread across typical catalogue sounds and none dominates through
 * its units. Changing them changes the vectors: bump the encoder version.
 */

export const MEYDA_SAMPLE_RATE = 22050;
export const MEYDA_FRAME_SIZE = 1024;
export const MEYDA_HOP = 512;
export const SILENT_FRAME_RMS = 1e-4;
const MFCC_COUNT = 13;
const MEL_BANDS = 26;

export const MEYDA_FRAME_FEATURES: readonly string[] = Object.freeze([
  ...Array.from({ length: MFCC_COUNT }, (_, i) => `mfcc${i}`),
  'centroid',
  'spread',
  'flatness',
  'rolloff',
  'crest',
  'zcr',
  'rmsDb',
]);
export const MEYDA_FRAME_DIMS = MEYDA_FRAME_FEATURES.length; // 20
export const MEYDA_STATS_DIMS = 2 * MEYDA_FRAME_DIMS; // 40
export const MEYDA_STATS_NAMES: readonly string[] = Object.freeze([
  ...MEYDA_FRAME_FEATURES.map((f) => `mean(${f})`),
  ...MEYDA_FRAME_FEATURES.map((f) => `std(${f})`),
]);

// prettier-ignore
/** Mean of each raw clip statistic over the Tux Paint stamp sound effects (see file comment). */
export const MEYDA_STATS_MEAN: readonly number[] = Object.freeze([
  127.813, 33.0699, -13.7172, 3.42481, 1.44144, -3.53368, -4.11109, 0.0323891, -2.6956, 0.74367,
  -0.277, -0.131769, 0.588233, 0.187209, 0.154638, 0.165577, 0.669838, 10.9445, 0.127572, -19.4784,
  55.3978, 18.6014, 16.1763, 10.1077, 8.36929, 8.12598, 7.51093, 6.73191, 6.31665, 5.30809,
  5.01891, 5.0551, 4.96204, 0.0389222, 0.0248781, 0.0586187, 0.0552951, 2.79602, 0.0430128, 7.57643,
]);
// prettier-ignore
/** Standard deviation of each raw clip statistic over the same sounds. */
export const MEYDA_STATS_STD: readonly number[] = Object.freeze([
  45.8318, 28.518, 25.5068, 18.8107, 14.0755, 10.1674, 8.86664, 8.73155, 7.10826, 6.40516,
  5.13087, 5.94383, 6.0221, 0.0970688, 0.0562254, 0.156229, 0.20897, 2.87544, 0.0921024, 4.44222,
  21.3834, 8.57022, 6.57622, 4.20892, 3.23447, 3.67601, 3.14794, 2.60863, 2.51465, 2.23752,
  2.16729, 2.38258, 2.17161, 0.026349, 0.0146338, 0.0468724, 0.0401828, 1.15423, 0.0319918, 3.01606,
]);

interface MeydaState {
  bufferSize: number;
  sampleRate: number;
  melBands: number;
  numberOfMFCCCoefficients: number;
  windowingFunction: string;
  // Cached filter banks: meyda only rebuilds them when the buffer size changes, not the rate.
  barkScale?: unknown;
  melFilterBank?: unknown;
  chromaFilterBank?: unknown;
}

interface FrameResult {
  mfcc?: number[];
  spectralCentroid?: number;
  spectralSpread?: number;
  spectralFlatness?: number;
  spectralRolloff?: number;
  spectralCrest?: number;
  zcr?: number;
  rms?: number;
}

const FEATURES = ['mfcc', 'spectralCentroid', 'spectralSpread', 'spectralFlatness', 'spectralRolloff', 'spectralCrest', 'zcr', 'rms'] as const;

function configureMeyda(): void {
  const state = Meyda as unknown as MeydaState;
  if (
    state.bufferSize !== MEYDA_FRAME_SIZE ||
    state.sampleRate !== MEYDA_SAMPLE_RATE ||
    state.melBands !== MEL_BANDS ||
    state.numberOfMFCCCoefficients !== MFCC_COUNT ||
    state.windowingFunction !== 'hanning'
  ) {
    state.bufferSize = MEYDA_FRAME_SIZE;
    state.sampleRate = MEYDA_SAMPLE_RATE;
    state.melBands = MEL_BANDS;
    state.numberOfMFCCCoefficients = MFCC_COUNT;
    state.windowingFunction = 'hanning';
    state.barkScale = undefined;
    state.melFilterBank = undefined;
    state.chromaFilterBank = undefined;
  }
}

function finite(x: number | undefined): number {
  return x !== undefined && Number.isFinite(x) ? x : 0;
}

/** Raw (unstandardised) 40 clip statistics of prepared 22050 Hz mono audio. */
export function meydaClipStats(samples: Float32Array): Float32Array {
  configureMeyda();
  const n = samples.length;
  const frameCount = n <= MEYDA_FRAME_SIZE ? 1 : Math.ceil((n - MEYDA_FRAME_SIZE) / MEYDA_HOP) + 1;
  const sum = new Float64Array(MEYDA_FRAME_DIMS);
  const sumSq = new Float64Array(MEYDA_FRAME_DIMS);
  const frame = new Float32Array(MEYDA_FRAME_SIZE);
  const values = new Float64Array(MEYDA_FRAME_DIMS);
  let counted = 0;

  for (let f = 0; f < frameCount; f++) {
    const start = f * MEYDA_HOP;
    frame.fill(0);
    frame.set(samples.subarray(start, Math.min(n, start + MEYDA_FRAME_SIZE)));
    let energy = 0;
    for (let i = 0; i < MEYDA_FRAME_SIZE; i++) energy += frame[i]! * frame[i]!;
    const rms = Math.sqrt(energy / MEYDA_FRAME_SIZE);
    if (rms < SILENT_FRAME_RMS) continue;

    // meyda windows a copy; `frame` is reused.
    const r = Meyda.extract(FEATURES as unknown as Parameters<typeof Meyda.extract>[0], frame) as FrameResult | null;
    if (!r) continue;
    const mfcc = r.mfcc ?? [];
    for (let i = 0; i < MFCC_COUNT; i++) values[i] = finite(mfcc[i]);
    const nyquistBins = MEYDA_FRAME_SIZE / 2;
    values[MFCC_COUNT + 0] = finite(r.spectralCentroid) / nyquistBins;
    values[MFCC_COUNT + 1] = finite(r.spectralSpread) / nyquistBins;
    values[MFCC_COUNT + 2] = finite(r.spectralFlatness);
    values[MFCC_COUNT + 3] = finite(r.spectralRolloff) / (MEYDA_SAMPLE_RATE / 2);
    values[MFCC_COUNT + 4] = finite(r.spectralCrest);
    values[MFCC_COUNT + 5] = finite(r.zcr) / (MEYDA_FRAME_SIZE - 1);
    values[MFCC_COUNT + 6] = 20 * Math.log10(rms);
    for (let i = 0; i < MEYDA_FRAME_DIMS; i++) {
      sum[i]! += values[i]!;
      sumSq[i]! += values[i]! * values[i]!;
    }
    counted++;
  }

  const stats = new Float32Array(MEYDA_STATS_DIMS);
  if (counted === 0) return stats;
  for (let i = 0; i < MEYDA_FRAME_DIMS; i++) {
    const mean = sum[i]! / counted;
    stats[i] = mean;
    stats[MEYDA_FRAME_DIMS + i] = Math.sqrt(Math.max(0, sumSq[i]! / counted - mean * mean));
  }
  return stats;
}

/** z-scores raw clip statistics with the fixed corpus constants (new array). */
export function standardiseMeydaStats(stats: Float32Array): Float32Array {
  const out = new Float32Array(MEYDA_STATS_DIMS);
  for (let i = 0; i < MEYDA_STATS_DIMS; i++) out[i] = (stats[i]! - MEYDA_STATS_MEAN[i]!) / MEYDA_STATS_STD[i]!;
  return out;
}
