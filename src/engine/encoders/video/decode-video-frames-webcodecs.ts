import { VideoSampleSink, type VideoSample } from 'mediabunny';
import type { RgbaImage } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { analyseFrame, type AnalysedFrame } from './analyse-frame.ts';
import { analysisFrameIndices, type FrameScheduleOptions } from './frame-schedule.ts';
import type { OpenedVideo } from './open-video.ts';
import { isYuvFormat, rotateRgba, yuvToRgba, type YuvPlane } from './yuv-to-rgba.ts';

/**
 * Worker side: the analysis frames of an opened video (frame-schedule.ts), decoded with
 * WebCodecs through mediabunny's VideoSampleSink (each packet decoded at most once; if the
 * decoder cannot start at a frame the file calls a key frame, every frame in order). Each frame's
 * Y'CbCr planes are copied out and converted by the shared yuv-to-rgba.ts, as Node converts
 * ffmpeg's planes, so the same file gives the same pixels on both sides; a frame in a format
 * that module does not know (10-bit, RGB) is converted by the browser instead (copyTo RGBA).
 * Errors: the browser cannot decode the codec → `undecodable-video`; the decoder fails →
 * `corrupt-video`.
 */
export async function decodeAnalysisFrames(opened: OpenedVideo, label = 'video', schedule: FrameScheduleOptions = {}): Promise<AnalysedFrame[]> {
  if (typeof VideoDecoder === 'undefined' || !(await opened.video.canDecode())) {
    throw new EncoderInputError('undecodable-video', `${label}: this browser cannot decode its ${opened.codec} video`);
  }
  const wanted = analysisFrameIndices(opened.timestamps, schedule).map((i) => opened.timestamps[i]!);
  const sink = new VideoSampleSink(opened.video);
  const analyse = async (sample: VideoSample) => analyseFrame(rotateRgba(await samplePixels(sample, opened), opened.rotation), sample.timestamp);
  let frames: AnalysedFrame[] = [];
  try {
    // Fast path: decode only from the key frame before each wanted frame.
    for await (const sample of sink.samplesAtTimestamps(wanted)) {
      if (!sample) continue;
      try {
        frames.push(await analyse(sample));
      } finally {
        sample.close();
      }
    }
  } catch (fast) {
    if (fast instanceof EncoderInputError) throw fast;
    // Some files mark frames as key frames that a decoder cannot start from (an H.264 I frame
    // that is not an IDR, seen in imageio's cockatoo.mp4): decode every frame in order instead
    // and keep the wanted ones. Only if that fails too is the video damaged.
    frames = [];
    try {
      let next = 0;
      for await (const sample of sink.samples()) {
        try {
          while (next < wanted.length && wanted[next]! < sample.timestamp - 1e-6) next++;
          if (next < wanted.length && Math.abs(wanted[next]! - sample.timestamp) <= 1e-6) {
            frames.push(await analyse(sample));
            next++;
          }
        } finally {
          sample.close();
        }
        if (next >= wanted.length) break;
      }
    } catch (error) {
      if (error instanceof EncoderInputError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new EncoderInputError('corrupt-video', `${label}: its ${opened.codec} video could not be decoded (${reason})`);
    }
  }
  if (frames.length === 0) throw new EncoderInputError('empty-video', `${label}: no frame could be decoded`);
  return frames;
}

/** A decoded frame's visible pixels as RGBA. */
async function samplePixels(sample: VideoSample, opened: OpenedVideo): Promise<RgbaImage> {
  const { width, height } = sample.visibleRect;
  const format = sample.format;
  if (isYuvFormat(format)) {
    const data = new Uint8Array(sample.allocationSize());
    const layout = await sample.copyTo(data);
    const planes: YuvPlane[] = layout.map((plane) => ({ data, offset: plane.offset, stride: plane.stride }));
    // The track's colour description, as Node reads it: a frame's own may be filled in by the decoder.
    return yuvToRgba({ format, width, height, planes, matrix: opened.colorSpace.matrix ?? null, fullRange: opened.colorSpace.fullRange ?? null });
  }
  const data = new Uint8ClampedArray(width * height * 4);
  await sample.copyTo(data, { format: 'RGBA' });
  return { width, height, data };
}
