import type * as tf from '@tensorflow/tfjs';

import type { EncoderInfo } from '../../protocol/embedding.ts';

export type { EncoderInfo, Modality } from '../../protocol/embedding.ts';

/**
 * One pretrained network that turns inputs of one modality into fixed-size vectors.
 * The same implementation runs in the browser worker and in Node; only decoding of
 * files into `Input` differs between the two, and happens before `embed`.
 */
export interface Encoder<Input> {
  readonly info: EncoderInfo;
  /** Embed a batch; one vector of `info.dims` per input, in order. Leaves no tensors behind. */
  embed(batch: readonly Input[]): Promise<Float32Array[]>;
  /** Release the model's weights. */
  dispose(): void;
}

/**
 * Where model files come from: maps a path relative to the models folder
 * (e.g. `use-lite/model.json`) to a URL (browser) or a tfjs IOHandler (Node, from disk).
 */
export type ModelSource = (path: string) => string | tf.io.IOHandler;

/** Decoded RGBA pixels, as ImageData has them. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

export type { PcmAudio } from '../../shared/audio/pcm-audio.ts';
