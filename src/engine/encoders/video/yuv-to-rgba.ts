import type { RgbaImage } from '../encoder.ts';

/**
 * Decoded video pixels (Y'CbCr planes, as WebCodecs' VideoFrame.copyTo and ffmpeg's raw
 * output lay them out) → RGBA, in plain TypeScript, so the worker and Node turn identical
 * planes into identical pixels (a browser's own conversion, e.g. drawing the frame on a
 * canvas, differs from ffmpeg's in rounding and chroma filtering).
 *
 * Chroma is upsampled by repetition (each chroma sample covers its 2×2 or 2×1 block); the
 * matrix and range come from the stream's colour description (`VideoColorSpaceInit`), with
 * BT.709 for HD and BT.601 for SD when the stream does not say (the usual convention).
 */

export type YuvFormat = 'I420' | 'I420A' | 'I422' | 'I422A' | 'I444' | 'I444A' | 'NV12';

export const YUV_FORMATS: readonly YuvFormat[] = ['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12'];

export interface YuvPlane {
  data: Uint8Array;
  /** Byte offset of the plane's first row. */
  offset: number;
  /** Bytes per row. */
  stride: number;
}

export interface YuvFrame {
  format: YuvFormat;
  /** The visible size. */
  width: number;
  height: number;
  /** Y, U, V (and A) planes; NV12: Y and interleaved UV. */
  planes: YuvPlane[];
  /** VideoColorSpaceInit's `matrix` (null: not said). */
  matrix?: string | null;
  /** VideoColorSpaceInit's `fullRange` (null: not said, taken as limited range). */
  fullRange?: boolean | null;
}

/** Luma coefficients (Kr, Kb) per matrix name. */
const MATRICES: Record<string, [number, number]> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
  bt2020: [0.2627, 0.0593],
  'bt2020-ncl': [0.2627, 0.0593],
};

/** The matrix used for a frame: its own if known, else BT.709 above 576 lines and BT.601 below. */
export function frameMatrix(matrix: string | null | undefined, height: number): [number, number] {
  return (matrix && MATRICES[matrix]) || (height > 576 ? MATRICES.bt709! : MATRICES.smpte170m!);
}

export function isYuvFormat(format: string | null | undefined): format is YuvFormat {
  return (YUV_FORMATS as readonly string[]).includes(format ?? '');
}

/** The planes of a tightly packed frame in `data` (ffmpeg's raw output, or copyTo without a layout). */
export function packedYuvPlanes(data: Uint8Array, format: YuvFormat, width: number, height: number): YuvPlane[] {
  const cw = format.startsWith('I444') ? width : Math.ceil(width / 2);
  const ch = format.startsWith('I420') || format === 'NV12' ? Math.ceil(height / 2) : height;
  if (data.length < yuvFrameBytes(format, width, height))
    throw new RangeError(`packedYuvPlanes: ${data.length} bytes, a ${width}x${height} ${format} frame needs ${yuvFrameBytes(format, width, height)}`);
  if (format === 'NV12')
    return [
      { data, offset: 0, stride: width },
      { data, offset: width * height, stride: cw * 2 },
    ];
  const planes: YuvPlane[] = [
    { data, offset: 0, stride: width },
    { data, offset: width * height, stride: cw },
    { data, offset: width * height + cw * ch, stride: cw },
  ];
  if (format.endsWith('A')) planes.push({ data, offset: width * height + 2 * cw * ch, stride: width });
  return planes;
}

/** Total bytes of a tightly packed frame of this format and size. */
export function yuvFrameBytes(format: YuvFormat, width: number, height: number): number {
  const cw = format.startsWith('I444') ? width : Math.ceil(width / 2);
  const ch = format.startsWith('I420') || format === 'NV12' ? Math.ceil(height / 2) : height;
  return width * height * (format.endsWith('A') ? 2 : 1) + 2 * cw * ch;
}

/** Converts one frame to straight RGBA (alpha 255 unless the format carries alpha). */
export function yuvToRgba(frame: YuvFrame): RgbaImage {
  const { format, width, height, planes } = frame;
  if (!isYuvFormat(format)) throw new RangeError(`yuvToRgba: unsupported pixel format ${String(format)}`);
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`yuvToRgba: bad size ${width}x${height}`);
  const [kr, kb] = frameMatrix(frame.matrix, height);
  const kg = 1 - kr - kb;
  const full = frame.fullRange === true;
  // Y' in [0, 1] and chroma in [-0.5, 0.5] from 8-bit codes.
  const yScale = full ? 1 / 255 : 1 / 219;
  const yOffset = full ? 0 : 16;
  const cScale = full ? 1 / 255 : 1 / 224;
  const crToR = 2 * (1 - kr);
  const cbToB = 2 * (1 - kb);
  const cbToG = (-2 * (1 - kb) * kb) / kg;
  const crToG = (-2 * (1 - kr) * kr) / kg;

  const xShift = format.startsWith('I444') ? 0 : 1;
  const yShift = format.startsWith('I420') || format === 'NV12' ? 1 : 0;
  const nv12 = format === 'NV12';
  const [py, pu, pv] = planes as [YuvPlane, YuvPlane, YuvPlane | undefined];
  const pa = format.endsWith('A') ? planes[3] : undefined;
  if (!py || !pu || (!nv12 && !pv)) throw new RangeError(`yuvToRgba: ${format} needs ${nv12 ? 2 : 3} planes`);

  const out = new Uint8ClampedArray(width * height * 4);
  const clampByte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));
  for (let y = 0; y < height; y++) {
    const yRow = py.offset + y * py.stride;
    const cy = y >> yShift;
    const uRow = pu.offset + cy * pu.stride;
    const vRow = nv12 ? uRow : pv!.offset + cy * pv!.stride;
    const aRow = pa ? pa.offset + y * pa.stride : 0;
    let o = y * width * 4;
    for (let x = 0; x < width; x++) {
      const cx = x >> xShift;
      const Y = (py.data[yRow + x]! - yOffset) * yScale;
      const Cb = ((nv12 ? pu.data[uRow + 2 * cx]! : pu.data[uRow + cx]!) - 128) * cScale;
      const Cr = ((nv12 ? pu.data[uRow + 2 * cx + 1]! : pv!.data[vRow + cx]!) - 128) * cScale;
      out[o] = clampByte(Y + crToR * Cr);
      out[o + 1] = clampByte(Y + cbToG * Cb + crToG * Cr);
      out[o + 2] = clampByte(Y + cbToB * Cb);
      out[o + 3] = pa ? pa.data[aRow + x]! : 255;
      o += 4;
    }
  }
  return { width, height, data: out };
}

/** Rotates an RGBA image clockwise by 0, 90, 180 or 270 degrees (a phone video's display rotation). */
export function rotateRgba(image: RgbaImage, degrees: number): RgbaImage {
  const turns = ((Math.round(degrees / 90) % 4) + 4) % 4;
  if (turns === 0) return image;
  const { width, height, data } = image;
  const outW = turns === 2 ? width : height;
  const outH = turns === 2 ? height : width;
  const out = new Uint8ClampedArray(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let nx: number;
      let ny: number;
      if (turns === 1) [nx, ny] = [height - 1 - y, x];
      else if (turns === 2) [nx, ny] = [width - 1 - x, height - 1 - y];
      else [nx, ny] = [y, width - 1 - x];
      const i = (y * width + x) * 4;
      const o = (ny * outW + nx) * 4;
      out[o] = data[i]!;
      out[o + 1] = data[i + 1]!;
      out[o + 2] = data[i + 2]!;
      out[o + 3] = data[i + 3]!;
    }
  }
  return { width: outW, height: outH, data: out };
}
