import type { PcmAudio } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { resample } from './resample.ts';

/**
 * Shared preprocessing (browser worker and Node run this same code):
 *
 * 1. Check the PcmAudio (channels of equal length, a plausible integer rate).
 * 2. Downmix to mono: the mean of the channels.
 * 3. 0 samples → `empty-audio`; peak |x| < SILENCE_PEAK (1e-4, -80 dBFS) → `silent-audio`.
 * 4. Trim: find the first and last sample with |x| >= max(peak * 0.01, 1e-4) (-40 dB below
 *    the clip's peak), keep EDGE_MARGIN_SECONDS (10 ms) of context either side.
 * 5. Cap: keep at most MAX_SECONDS (10 s) from the start of the trimmed audio (so a long file
 *    is represented by its first 10 s of sound, after leading silence).
 * 6. Resample to 22050 Hz (resample.ts, windowed sinc) — the rate of basic-pitch and of the
 *    meyda features.
 * 7. Peak-normalise to 1: recording level carries no meaning for recommendations.
 */

export const TARGET_SAMPLE_RATE = 22050;
export const MAX_SECONDS = 10;
export const SILENCE_PEAK = 1e-4;
/** Trim threshold relative to the clip's peak (0.01 = -40 dB). */
export const TRIM_RELATIVE_THRESHOLD = 0.01;
export const EDGE_MARGIN_SECONDS = 0.01;

export interface PreparedAudio {
  /** Mono, TARGET_SAMPLE_RATE, peak 1, at most MAX_SECONDS long. */
  samples: Float32Array;
  sampleRate: typeof TARGET_SAMPLE_RATE;
  /** Seconds of the decoded input, before trimming and capping. */
  originalSeconds: number;
}

/** Validates the shape of a PcmAudio; throws `corrupt-audio` / `empty-audio`. */
export function checkPcmAudio(audio: PcmAudio, label = 'audio'): void {
  if (!audio || !Array.isArray(audio.channels)) throw new EncoderInputError('corrupt-audio', `${label}: not a PcmAudio object`);
  if (audio.channels.length === 0) throw new EncoderInputError('empty-audio', `${label}: no channels`);
  const length = audio.channels[0]!.length;
  for (const channel of audio.channels) {
    if (!(channel instanceof Float32Array)) throw new EncoderInputError('corrupt-audio', `${label}: channels must be Float32Arrays`);
    if (channel.length !== length) throw new EncoderInputError('corrupt-audio', `${label}: channels differ in length`);
  }
  const rate = audio.sampleRate;
  if (!Number.isFinite(rate) || rate < 1000 || rate > 768000) {
    throw new EncoderInputError('corrupt-audio', `${label}: implausible sample rate ${rate}`);
  }
  if (length === 0) throw new EncoderInputError('empty-audio', `${label}: 0 samples`);
}

/** Downmix → silence checks → trim → cap → resample to 22050 Hz → peak-normalise. */
export function prepareAudio(audio: PcmAudio, label = 'audio'): PreparedAudio {
  checkPcmAudio(audio, label);
  const rate = Math.round(audio.sampleRate);
  const channels = audio.channels;
  const length = channels[0]!.length;

  const mono = new Float32Array(length);
  if (channels.length === 1) {
    mono.set(channels[0]!);
  } else {
    const inv = 1 / channels.length;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i]!;
      mono[i] = sum * inv;
    }
  }

  let peak = 0;
  for (let i = 0; i < length; i++) {
    const a = Math.abs(mono[i]!);
    if (!(a <= peak)) {
      if (!Number.isFinite(a)) throw new EncoderInputError('corrupt-audio', `${label}: samples are not finite`);
      peak = a;
    }
  }
  if (peak < SILENCE_PEAK) {
    throw new EncoderInputError('silent-audio', `${label}: the audio is silent (peak ${peak.toExponential(2)} < ${SILENCE_PEAK})`);
  }

  const threshold = Math.max(peak * TRIM_RELATIVE_THRESHOLD, SILENCE_PEAK);
  let first = 0;
  while (Math.abs(mono[first]!) < threshold) first++;
  let last = length - 1;
  while (Math.abs(mono[last]!) < threshold) last--;
  const margin = Math.round(EDGE_MARGIN_SECONDS * rate);
  const start = Math.max(0, first - margin);
  const end = Math.min(length, last + 1 + margin, start + MAX_SECONDS * rate);

  const resampled = resample(mono.subarray(start, end), rate, TARGET_SAMPLE_RATE);
  let outPeak = 0;
  for (let i = 0; i < resampled.length; i++) outPeak = Math.max(outPeak, Math.abs(resampled[i]!));
  if (outPeak > 0) {
    const gain = 1 / outPeak;
    for (let i = 0; i < resampled.length; i++) resampled[i]! *= gain;
  }
  return { samples: resampled, sampleRate: TARGET_SAMPLE_RATE, originalSeconds: length / audio.sampleRate };
}
