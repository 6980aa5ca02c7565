import type { RgbaImage } from '../../engine/encoders/encoder.ts';
import { analyseFrame, type AnalysedFrame } from '../../engine/encoders/video/analyse-frame.ts';
import { analysisFrameIndices, type FrameScheduleOptions } from '../../engine/encoders/video/frame-schedule.ts';
import type { OpenedVideo } from '../../engine/encoders/video/open-video.ts';
import { packedYuvPlanes, rotateRgba, yuvFrameBytes, yuvToRgba } from '../../engine/encoders/video/yuv-to-rgba.ts';
import { probeVideoSize, spawnFfmpeg } from './run-ffmpeg.ts';

/**
 * Node side of decode-video-frames-webcodecs.ts: the same analysis frames (chosen by the shared
 * frame-schedule.ts from the timestamps mediabunny read), decoded by ffmpeg into raw I420
 * planes in presentation order (`-fps_mode passthrough`: no frame dropped or repeated,
 * `-noautorotate`: rotation is applied by the shared code, as in the worker) and converted by
 * the shared yuv-to-rgba.ts. VP9 and H.264 decoding is bit-exact across conforming decoders,
 * so for an I420 stream (every video the catalog builder writes) Node and the worker get the
 * same pixels; other pixel formats are converted to I420 by ffmpeg first.
 */
export interface NodeAnalysisFrames {
  frames: AnalysedFrame[];
  /** With `keepFullFrames`: each analysis frame at full size (the builder's poster comes from one). */
  fullFrames?: RgbaImage[];
}

export async function ffmpegAnalysisFrames(
  path: string,
  opened: OpenedVideo,
  schedule: FrameScheduleOptions = {},
  keepFullFrames = false,
): Promise<NodeAnalysisFrames> {
  const indices = analysisFrameIndices(opened.timestamps, schedule);
  const wanted = new Map(indices.map((index) => [index, opened.timestamps[index]!] as const));
  const last = indices[indices.length - 1] ?? -1;
  // The decoded size, as the worker's decoder reports it too (mediabunny's track size is corrected for non-square pixels).
  const { width, height } = await probeVideoSize(path);
  const frameBytes = yuvFrameBytes('I420', width, height);
  const { child, done } = spawnFfmpeg(['-noautorotate', '-i', path, '-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-']);
  child.stdin.end();
  const frames: AnalysedFrame[] = [];
  const fullFrames: RgbaImage[] = [];
  let index = 0;
  let buffer: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      while (buffer.length >= frameBytes) {
        const timestamp = wanted.get(index);
        if (timestamp !== undefined) {
          const planes = packedYuvPlanes(new Uint8Array(buffer.buffer, buffer.byteOffset, frameBytes), 'I420', width, height);
          const rgba = yuvToRgba({
            format: 'I420',
            width,
            height,
            planes,
            matrix: opened.colorSpace.matrix ?? null,
            fullRange: opened.colorSpace.fullRange ?? null,
          });
          const turned = rotateRgba(rgba, opened.rotation);
          frames.push(analyseFrame(turned, timestamp));
          if (keepFullFrames) fullFrames.push(turned);
        }
        buffer = buffer.subarray(frameBytes);
        index++;
      }
      // Past the last wanted frame: nothing more to read.
      if (index > last) {
        child.kill();
        break;
      }
    }
    await done.catch((error: unknown) => {
      if (index <= last) throw error;
    });
  } finally {
    if (child.exitCode === null) child.kill();
  }
  if (index <= last) throw new Error(`ffmpeg gave ${index} frames of ${path}; its container lists ${opened.timestamps.length} (wanted frame ${last})`);
  return keepFullFrames ? { frames, fullFrames } : { frames };
}
