import type { RgbaImage } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import type { AnalysedFrame } from './analyse-frame.ts';
import { poolFrameVectors, type FramePooling, type PoolingOptions } from './pool-frame-vectors.ts';
import { selectKeyFrames, type KeyFrameOptions } from './select-key-frames.ts';
import { VIDEO_POOLING, VIDEO_POOLING_OPTIONS } from './video-pooling-choice.ts';

/**
 * A video's picture vector from its analysis frames: key frames chosen (select-key-frames.ts),
 * each embedded by the image encoder exactly like a picture, pooled over time
 * (pool-frame-vectors.ts). The result lives in the image encoder's space, so a catalog stores
 * it as the item's image vector and everything downstream compares it with pictures as is.
 * Shared by the worker and Node: only how the analysis frames were decoded differs.
 */

export interface VideoFrameEmbedding {
  /** Unit length, the image encoder's dims. */
  vector: Float32Array;
  /** Indices into the analysis frames of the key frames, ascending. */
  keyFrames: number[];
  /** The scene-change frames among them. */
  sceneChanges: number[];
  /** Key-frame vectors, in keyFrames order. */
  frameVectors: Float32Array[];
  /** The key frame most like the pooled vector (highest cosine): the catalog's poster frame. An analysis-frame index. */
  posterFrame: number;
}

export interface EmbedVideoFramesOptions extends KeyFrameOptions {
  pooling?: FramePooling;
  poolingOptions?: PoolingOptions;
}

/** Embeds pictures with the image encoder (Encoder.embed, or the builder's batch call): one unit vector per picture, in order. */
export type EmbedPictures = (pictures: RgbaImage[]) => Promise<Float32Array[]>;

export async function embedVideoFrames(
  frames: readonly AnalysedFrame[],
  embedPictures: EmbedPictures,
  options: EmbedVideoFramesOptions = {},
  label = 'video',
): Promise<VideoFrameEmbedding> {
  if (frames.length === 0) throw new EncoderInputError('empty-video', `${label}: no frame could be read`);
  const choice = selectKeyFrames(
    frames.map((f) => f.signature),
    options,
  );
  const frameVectors = await embedPictures(choice.keyFrames.map((i) => frames[i]!.thumb));
  const pooling = options.pooling ?? VIDEO_POOLING;
  const vector = poolFrameVectors(frameVectors, pooling, options.poolingOptions ?? (pooling === VIDEO_POOLING ? VIDEO_POOLING_OPTIONS : {}));
  let best = 0;
  let bestCos = -Infinity;
  frameVectors.forEach((v, k) => {
    let cos = 0;
    for (let d = 0; d < v.length; d++) cos += v[d]! * vector[d]!;
    if (cos > bestCos) [best, bestCos] = [k, cos];
  });
  return { vector, keyFrames: choice.keyFrames, sceneChanges: choice.sceneChanges, frameVectors, posterFrame: choice.keyFrames[best]! };
}
