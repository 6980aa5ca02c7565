import type { Embedding } from '../../../protocol/embedding.ts';
import type { VideoEmbedding } from '../../../protocol/video-embedding.ts';
import type { PcmAudio, RgbaImage } from '../encoder.ts';
import { decodeAnalysisFrames } from './decode-video-frames-webcodecs.ts';
import { embedVideoFrames } from './embed-video-frames.ts';
import { openVideo, type OpenVideoOptions } from './open-video.ts';
import { readSoundtrack } from './read-soundtrack.ts';

export interface WorkerVideoEncoders {
  /** The image encoder on a batch of pictures. */
  embedPictures(pictures: RgbaImage[]): Promise<Embedding>;
  /** The audio encoder on one decoded sound. */
  embedSound(sound: PcmAudio): Promise<Embedding>;
}

/**
 * A video file in the worker → its VideoEmbedding: demuxed by mediabunny (open-video.ts, every
 * limit checked before a frame is decoded), analysis frames decoded with WebCodecs, key frames
 * through the image encoder and pooled (embed-video-frames.ts), the soundtrack through the audio
 * encoder (read-soundtrack.ts). Nothing is kept: the caller stores the vectors if it wants them.
 * A bad video rejects with an EncoderInputError; a sound track that cannot be used (silent,
 * undecodable) leaves the result without `audio` and says why in `audioProblem`.
 */
export async function embedVideoInWorker(
  file: ArrayBuffer | Uint8Array,
  encoders: WorkerVideoEncoders,
  options: OpenVideoOptions = {},
  label = 'video',
): Promise<VideoEmbedding> {
  const opened = await openVideo(file, label, options);
  try {
    const frames = await decodeAnalysisFrames(opened, label);
    let image: Embedding | undefined;
    const pooled = await embedVideoFrames(
      frames,
      async (pictures) => {
        image = await encoders.embedPictures(pictures);
        return image.vectors;
      },
      {},
      label,
    );
    const result: VideoEmbedding = {
      image: { ...image!, vectors: [pooled.vector] },
      duration: opened.duration,
      keyFrameTimes: pooled.keyFrames.map((i) => frames[i]!.timestamp),
      sceneChangeTimes: pooled.sceneChanges.map((i) => frames[i]!.timestamp),
    };
    try {
      const sound = await readSoundtrack(opened, label);
      if (sound) result.audio = await encoders.embedSound(sound);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'EncoderInputError')) throw error;
      result.audioProblem = error.message;
    }
    return result;
  } finally {
    opened.input.dispose();
  }
}
