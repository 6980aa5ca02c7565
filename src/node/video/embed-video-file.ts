import { readFile } from 'node:fs/promises';
import type { Embedding } from '../../protocol/embedding.ts';
import type { PcmAudio, RgbaImage } from '../../engine/encoders/encoder.ts';
import { EncoderInputError } from '../../shared/encoder-input-error.ts';
import { embedVideoFrames, type EmbedVideoFramesOptions, type VideoFrameEmbedding } from '../../engine/encoders/video/embed-video-frames.ts';
import type { FrameScheduleOptions } from '../../engine/encoders/video/frame-schedule.ts';
import { openVideo, type OpenVideoOptions } from '../../engine/encoders/video/open-video.ts';
import { readSoundtrack } from '../../engine/encoders/video/read-soundtrack.ts';
import { ffmpegAnalysisFrames } from './ffmpeg-analysis-frames.ts';

/** What embedding a video needs from the encoders (NodeEncoders has both). */
export interface VideoEncoders {
  embedImagePixels(images: readonly RgbaImage[]): Promise<Embedding>;
  embedPcmAudio(clips: readonly PcmAudio[]): Promise<Embedding>;
}

export interface NodeVideoEmbedding {
  /** The pooled key-frame vector (the item's image vector) and how it was made. */
  image: VideoFrameEmbedding & { encoder: Embedding['encoder']; timestamps: number[] };
  /** The soundtrack's vector, why there is none (an EncoderInputError: silent, undecodable …), or undefined without a sound track. */
  audio?: { vector: Float32Array; encoder: Embedding['encoder'] } | EncoderInputError;
  /** The poster frame at full size (the key frame most like the pooled vector). */
  poster: RgbaImage;
  duration: number;
}

/**
 * A video file → its image vector (key frames pooled) and its soundtrack's audio vector, in
 * Node: mediabunny reads the container (as in the worker), ffmpeg decodes the frames, the rest
 * is the shared code of src/engine/encoders/video/. Bad input throws EncoderInputError.
 */
export async function embedVideoFile(
  path: string,
  encoders: VideoEncoders,
  options: OpenVideoOptions & EmbedVideoFramesOptions & { schedule?: FrameScheduleOptions; soundtrack?: boolean } = {},
): Promise<NodeVideoEmbedding> {
  const label = path.split('/').pop() ?? 'video';
  const opened = await openVideo(await readFile(path), label, options);
  try {
    const { frames, fullFrames } = await ffmpegAnalysisFrames(path, opened, options.schedule, true);
    if (frames.length === 0) throw new EncoderInputError('empty-video', `${label}: no frame could be decoded`);
    let encoder: Embedding['encoder'] | undefined;
    const image = await embedVideoFrames(
      frames,
      async (pictures) => {
        const out = await encoders.embedImagePixels(pictures);
        encoder = out.encoder;
        return out.vectors;
      },
      options,
      label,
    );
    let audio: NodeVideoEmbedding['audio'];
    if (options.soundtrack !== false) {
      try {
        const pcm = await readSoundtrack(opened, label);
        if (pcm) {
          const out = await encoders.embedPcmAudio([pcm]);
          audio = { vector: out.vectors[0]!, encoder: out.encoder };
        }
      } catch (error) {
        if (!(error instanceof Error && error.name === 'EncoderInputError')) throw error;
        audio = error as EncoderInputError;
      }
    }
    return {
      image: { ...image, encoder: encoder!, timestamps: frames.map((f) => f.timestamp) },
      ...(audio ? { audio } : {}),
      poster: fullFrames![image.posterFrame]!,
      duration: opened.duration,
    };
  } finally {
    opened.input.dispose();
  }
}
