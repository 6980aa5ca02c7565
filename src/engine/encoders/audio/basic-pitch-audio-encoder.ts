import * as tf from '@tensorflow/tfjs';
import type { Encoder, EncoderInfo, ModelSource, PcmAudio } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { AUDIO_VECTOR_DIMS, assembleAudioVector } from './audio-vector-layout.ts';
import {
  BASIC_PITCH_MODEL_PATH,
  BP_CONTOUR_BINS,
  BP_FRAMES_PER_WINDOW,
  BP_NOTES,
  BP_OUTPUT_NAMES,
  BP_WINDOW,
  basicPitchWindowCount,
  poolBasicPitch,
  writeBasicPitchWindows,
} from './basic-pitch-features.ts';
import { decodeAudioBytes } from './decode-audio.ts';
import { meydaClipStats, standardiseMeydaStats } from './meyda-features.ts';
import { prepareAudio, type PreparedAudio } from './prepare-audio.ts';

/**
 * Audio encoder 'basic-pitch+meyda' v1: a clip-level vector of AUDIO_VECTOR_DIMS (316)
 * = [basic-pitch pooled note/contour/chroma (276) | meyda signal statistics (40)], laid out
 * in audio-vector-layout.ts, unit length.
 *
 * Pipeline per clip (all pure TS + tfjs, the same in the worker and in Node):
 * prepare-audio.ts (mono, trim, cap 10 s, resample to 22050 Hz, peak-normalise) →
 * basic-pitch-features.ts (windows → model → pooled activations) and meyda-features.ts.
 * The windows of all clips of a batch go through the model together, in calls of at most
 * `maxWindowsPerCall` windows (a 10 s clip is 7 windows).
 */

export const AUDIO_ENCODER_INFO: EncoderInfo = Object.freeze({
  modality: 'audio',
  name: 'basic-pitch+meyda',
  version: '1',
  dims: AUDIO_VECTOR_DIMS,
});

export interface AudioEncoderOptions {
  /** Model windows (~2 s of audio each) per forward pass; bounds peak memory. Default 8. */
  maxWindowsPerCall?: number;
}

export async function loadAudioEncoder(source: ModelSource, options: AudioEncoderOptions = {}): Promise<Encoder<PcmAudio>> {
  const maxWindows = Math.max(1, Math.floor(options.maxWindowsPerCall ?? 8));
  const info = AUDIO_ENCODER_INFO;
  const model = await tf.loadGraphModel(source(BASIC_PITCH_MODEL_PATH));
  const outputs = [BP_OUTPUT_NAMES.note, BP_OUTPUT_NAMES.contour];

  /** Runs `count` windows from `windows` through the model: note [count,172,88], contour [count,172,264]. */
  async function runWindows(windows: Float32Array, count: number): Promise<{ note: Float32Array; contour: Float32Array }> {
    const note = new Float32Array(count * BP_FRAMES_PER_WINDOW * BP_NOTES);
    const contour = new Float32Array(count * BP_FRAMES_PER_WINDOW * BP_CONTOUR_BINS);
    for (let start = 0; start < count; start += maxWindows) {
      const n = Math.min(maxWindows, count - start);
      const x = tf.tensor3d(windows.subarray(start * BP_WINDOW, (start + n) * BP_WINDOW), [n, BP_WINDOW, 1]);
      let ys: tf.Tensor[] = [];
      try {
        ys = model.execute(x, outputs) as tf.Tensor[];
        const [noteT, contourT] = ys as [tf.Tensor, tf.Tensor];
        if (noteT.shape[2] !== BP_NOTES || contourT.shape[2] !== BP_CONTOUR_BINS || noteT.shape[1] !== BP_FRAMES_PER_WINDOW) {
          throw new Error(`basic-pitch outputs have unexpected shapes ${noteT.shape} / ${contourT.shape}`);
        }
        note.set((await noteT.data()) as Float32Array, start * BP_FRAMES_PER_WINDOW * BP_NOTES);
        contour.set((await contourT.data()) as Float32Array, start * BP_FRAMES_PER_WINDOW * BP_CONTOUR_BINS);
      } finally {
        x.dispose();
        for (const y of ys) y.dispose();
      }
    }
    return { note, contour };
  }

  try {
    // Warm-up (and output check): the first pass compiles kernels; do it at load.
    await runWindows(new Float32Array(BP_WINDOW), 1);
  } catch (error) {
    model.dispose();
    throw error;
  }

  let disposed = false;

  return {
    info,
    async embed(batch: readonly PcmAudio[]): Promise<Float32Array[]> {
      if (disposed) throw new Error(`${info.name} encoder has been disposed`);
      // Reject bad inputs (empty, silent, malformed) before any inference runs.
      const prepared: PreparedAudio[] = batch.map((audio, i) => prepareAudio(audio, batch.length === 1 ? 'audio' : `audio ${i}`));
      if (prepared.length === 0) return [];

      const counts = prepared.map((p) => basicPitchWindowCount(p.samples.length));
      const total = counts.reduce((a, b) => a + b, 0);
      const windows = new Float32Array(total * BP_WINDOW);
      let w = 0;
      prepared.forEach((p) => {
        w += writeBasicPitchWindows(p.samples, windows, w * BP_WINDOW);
      });
      const { note, contour } = await runWindows(windows, total);

      const vectors: Float32Array[] = [];
      let first = 0;
      prepared.forEach((p, i) => {
        const pitch = poolBasicPitch(note, contour, first, counts[i]!, p.samples.length);
        first += counts[i]!;
        const signal = standardiseMeydaStats(meydaClipStats(p.samples));
        vectors.push(assembleAudioVector(pitch, signal));
      });
      return vectors;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      model.dispose();
    },
  };
}

/** Convenience: decode a file's bytes (decode-audio.ts) and embed it. */
export async function embedAudioBytes(encoder: Encoder<PcmAudio>, bytes: Uint8Array | ArrayBuffer, label = 'audio'): Promise<Float32Array> {
  const pcm = await decodeAudioBytes(bytes, label);
  try {
    const [vector] = await encoder.embed([pcm]);
    return vector!;
  } catch (error) {
    // embed() names its input "audio": name the file instead.
    if (error instanceof EncoderInputError) {
      throw new EncoderInputError(error.problem, `${label}: ${error.message.replace(/^\[[^\]]*\] audio: /, '')}`);
    }
    throw error;
  }
}
