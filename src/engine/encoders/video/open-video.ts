import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input, type InputAudioTrack, type InputVideoTrack } from 'mediabunny';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { MAX_VIDEO_FRAME_PIXELS, MAX_VIDEO_FRAMES } from '../../../protocol/limits.ts';

/**
 * A video file opened with mediabunny (a maintained pure-TypeScript demuxer: MP4/MOV, WebM,
 * Matroska, Ogg, MPEG-TS), in the worker and in Node alike: its tracks, and the presentation
 * timestamps of every video frame read from the container's packets (no decoding), which is
 * what frame-schedule.ts chooses frames from. Every check that can be made before decoding is
 * made here, each failure an EncoderInputError:
 *
 * - 0 bytes or no video track → `empty-video`; not a container mediabunny reads →
 *   `unsupported-format`; an unknown video codec (e.g. Theora, MS Video 1) → `undecodable-video`;
 * - a file over `maxBytes`, frames over MAX_VIDEO_FRAME_PIXELS or more than MAX_VIDEO_FRAMES
 *   frames → `too-large`; longer than `maxSeconds` → `too-long`;
 * - a container that breaks while being read, or whose frames cover much less than the
 *   duration it declares (cut short, or damaged part-way) → `corrupt-video`.
 */

/** Frames must cover at least this share of the declared duration (less one second of slack): containers round, tracks start late. */
const CUT_SHORT_SHARE = 0.9;
const CUT_SHORT_SLACK_SECONDS = 1;

/**
 * WebCodecs' VideoColorSpaceInit as far as the frame conversion reads it, named here so that
 * Node code (which has no WebCodecs types) can read an OpenedVideo too.
 */
export interface VideoColours {
  matrix?: string | null;
  fullRange?: boolean | null;
  primaries?: string | null;
  transfer?: string | null;
}

export interface OpenedVideo {
  input: Input;
  video: InputVideoTrack;
  audio: InputAudioTrack | null;
  /** Presentation timestamps of every frame, seconds, ascending. */
  timestamps: number[];
  /** Seconds, first frame to the end of the last. */
  duration: number;
  /** Displayed size before rotation. */
  width: number;
  height: number;
  /** Clockwise degrees the frames are to be turned for display. */
  rotation: number;
  /** The stream's colour description (matrix, range) as the container or bitstream states it. */
  colorSpace: VideoColours;
  codec: string;
  /** The container, e.g. `WebM`, `MP4`. */
  container: string;
}

export interface OpenVideoOptions {
  maxBytes?: number;
  maxSeconds?: number;
}

function bytesOf(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/** Runs a mediabunny read; anything it throws that is not already ours becomes `corrupt-video`. */
async function reading<T>(label: string, what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof EncoderInputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-video', `${label}: ${what} failed: the file looks damaged (${reason})`);
  }
}

export async function openVideo(file: Uint8Array | ArrayBuffer, label = 'video', options: OpenVideoOptions = {}): Promise<OpenedVideo> {
  const bytes = bytesOf(file);
  if (bytes.length === 0) throw new EncoderInputError('empty-video', `${label}: the file is empty (0 bytes)`);
  if (options.maxBytes !== undefined && bytes.length > options.maxBytes) {
    throw new EncoderInputError(
      'too-large',
      `${label}: the file is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${(options.maxBytes / 1048576).toFixed(0)} MB`,
    );
  }
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(bytes) });
  try {
    let container: string;
    try {
      container = (await input.getFormat()).name;
    } catch {
      throw new EncoderInputError('unsupported-format', `${label}: not a video file this app reads (MP4, MOV, WebM, Matroska, Ogg or MPEG-TS)`);
    }
    const video = await reading(label, 'reading its tracks', () => input.getPrimaryVideoTrack());
    if (!video) throw new EncoderInputError('empty-video', `${label}: the ${container} file has no video track`);
    const codec = await reading(label, 'reading its codec', () => video.getCodec());
    if (!codec) throw new EncoderInputError('undecodable-video', `${label}: its video codec is not one a browser decodes (use H.264, VP8, VP9 or AV1)`);
    const width = await reading(label, 'reading its size', async () => video.getSquarePixelWidth());
    const height = await reading(label, 'reading its size', async () => video.getSquarePixelHeight());
    if (!(width > 0 && height > 0)) throw new EncoderInputError('corrupt-video', `${label}: the video track says its frames are ${width}×${height}`);
    if (width * height > MAX_VIDEO_FRAME_PIXELS) {
      throw new EncoderInputError(
        'too-large',
        `${label}: its frames are ${width}×${height}; the limit is ${MAX_VIDEO_FRAME_PIXELS.toLocaleString('en')} pixels (4K)`,
      );
    }
    const maxSeconds = options.maxSeconds;
    const declared = await reading(label, 'reading its duration', () => input.getDurationFromMetadata([video]));
    if (maxSeconds !== undefined && declared !== null && declared > maxSeconds) throw tooLong(label, declared, maxSeconds);
    const timestamps: number[] = [];
    await reading(label, 'reading its frames', async () => {
      const sink = new EncodedPacketSink(video);
      for await (const packet of sink.packets(undefined, undefined, { metadataOnly: true })) {
        timestamps.push(packet.timestamp);
        if (timestamps.length > MAX_VIDEO_FRAMES) throw new EncoderInputError('too-large', `${label}: it has more than ${MAX_VIDEO_FRAMES} frames`);
      }
    });
    if (timestamps.length === 0) {
      if (declared !== null && declared > 0)
        throw new EncoderInputError(
          'corrupt-video',
          `${label}: the file says it lasts ${declared.toFixed(1)} s, but not one frame can be read: it is cut short or damaged`,
        );
      throw new EncoderInputError('empty-video', `${label}: the video track has no frames`);
    }
    timestamps.sort((a, b) => a - b);
    const n = timestamps.length;
    const step = n > 1 ? (timestamps[n - 1]! - timestamps[0]!) / (n - 1) : 0;
    const duration = timestamps[n - 1]! - timestamps[0]! + step;
    if (maxSeconds !== undefined && duration > maxSeconds) throw tooLong(label, duration, maxSeconds);
    // The container says how long the video is; frames for much less of it mean the file was cut
    // short or its frame data is damaged (the demuxer stops at the first thing it cannot read).
    if (declared !== null && duration < declared * CUT_SHORT_SHARE - CUT_SHORT_SLACK_SECONDS) {
      throw new EncoderInputError(
        'corrupt-video',
        `${label}: the file says it lasts ${declared.toFixed(1)} s, but frames for only ${duration.toFixed(1)} s can be read: it is cut short or damaged`,
      );
    }
    const audio = await reading(label, 'reading its tracks', () => input.getPrimaryAudioTrack());
    return {
      input,
      video,
      audio,
      timestamps,
      duration,
      width,
      height,
      rotation: await reading(label, 'reading its rotation', () => video.getRotation()),
      colorSpace: await reading(label, 'reading its colours', () => video.getColorSpace()),
      codec,
      container,
    };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

function tooLong(label: string, seconds: number, maxSeconds: number): EncoderInputError {
  return new EncoderInputError('too-long', `${label}: the video is ${seconds.toFixed(1)} s long; the limit is ${maxSeconds} s. Use a shorter clip.`);
}
