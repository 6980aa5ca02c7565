import type { RgbaImage } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';

/**
 * Every pixel operation between decoded RGBA and the network input, in plain
 * TypeScript (no canvas, no DOM, no Node) so the browser worker and Node give
 * bit-identical inputs from identical RGBA. JS arithmetic is IEEE double
 * everywhere, so the same operations in the same order give the same numbers.
 *
 * Steps:
 * 1. Trim fully transparent borders (alpha === 0): Tux Paint stamps and other
 *    cut-outs often sit in a larger transparent canvas; trimming makes the
 *    object fill the frame the same way whatever the padding. Opaque images
 *    (JPEG, photos) are unchanged. A fully transparent image becomes all white.
 * 2. Composite onto white: rgb = a*c + (1-a)*255, in floating point.
 * 3. Letterbox: scale so the longer side is `size` (aspect ratio kept), centre
 *    on a white `size` x `size` square. Chosen over centre-crop because stamps
 *    are whole objects on a transparent background: cropping would cut off
 *    heads and tails, and white padding equals their own background.
 * 4. Resample with a separable triangle (bilinear) filter whose support widens
 *    by the downscale factor (antialiased bilinear, as Pillow's BILINEAR): this
 *    area-averages when shrinking and interpolates when enlarging.
 * 5. Output HWC RGB floats in [0, 1] (value / 255), as nsfwjs feeds MobileNetV2.
 */

export const IMAGE_INPUT_SIZE = 224;

export interface PrepareImageOptions {
  /** Side of the square output. Default 224. */
  size?: number;
  /** Crop away fully transparent borders before scaling. Default true. */
  trimTransparent?: boolean;
}

/** Checks that an RgbaImage is well-formed; throws 'corrupt-image' otherwise. */
export function checkRgbaImage(image: RgbaImage, label = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new EncoderInputError('corrupt-image', `${label} has invalid size ${width}x${height}`);
  }
  if (!data || data.length !== width * height * 4) {
    throw new EncoderInputError(
      'corrupt-image',
      `${label} has ${data ? data.length : 0} bytes of pixel data, expected ${width}x${height}x4 = ${width * height * 4} (RGBA)`,
    );
  }
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Bounding box of pixels with alpha > 0, or undefined when all are transparent. */
export function opaqueBounds(image: RgbaImage): Box | undefined {
  const { width, height, data } = image;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3] !== 0) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return undefined;
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** RGB (3 floats per pixel, 0..255) of `box` composited onto white. */
function compositeOnWhite(image: RgbaImage, box: Box): Float64Array {
  const { width, data } = image;
  const out = new Float64Array(box.width * box.height * 3);
  let o = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    let i = (y * width + box.x) * 4;
    for (let x = 0; x < box.width; x++, i += 4) {
      const a = data[i + 3]! / 255;
      const w = 255 * (1 - a);
      out[o++] = data[i]! * a + w;
      out[o++] = data[i + 1]! * a + w;
      out[o++] = data[i + 2]! * a + w;
    }
  }
  return out;
}

interface Taps {
  /** First input index for each output index. */
  start: Int32Array;
  /** Number of taps for each output index. */
  count: Int32Array;
  /** Weights, `maxTaps` per output index. */
  weights: Float64Array;
  maxTaps: number;
}

/** Pillow-style antialiased bilinear taps for resampling `inSize` samples to `outSize`. */
function triangleTaps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(1, scale);
  const support = filterScale; // triangle filter has support 1
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    let total = 0;
    const n = hi - lo;
    for (let k = 0; k < n; k++) {
      const t = Math.abs((lo + k - center + 0.5) / filterScale);
      const w = t < 1 ? 1 - t : 0;
      weights[i * maxTaps + k] = w;
      total += w;
    }
    if (total > 0) for (let k = 0; k < n; k++) weights[i * maxTaps + k]! /= total;
    start[i] = lo;
    count[i] = n;
  }
  return { start, count, weights, maxTaps };
}

/** Resamples interleaved RGB floats from inW x inH to outW x outH (horizontal pass, then vertical). */
function resampleRgb(src: Float64Array, inW: number, inH: number, outW: number, outH: number): Float64Array {
  const h = triangleTaps(inW, outW);
  const tmp = new Float64Array(outW * inH * 3);
  for (let y = 0; y < inH; y++) {
    const row = y * inW * 3;
    const outRow = y * outW * 3;
    for (let x = 0; x < outW; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      const s = h.start[x]!;
      const n = h.count[x]!;
      const wo = x * h.maxTaps;
      for (let k = 0; k < n; k++) {
        const w = h.weights[wo + k]!;
        const p = row + (s + k) * 3;
        r += src[p]! * w;
        g += src[p + 1]! * w;
        b += src[p + 2]! * w;
      }
      tmp[outRow + x * 3] = r;
      tmp[outRow + x * 3 + 1] = g;
      tmp[outRow + x * 3 + 2] = b;
    }
  }
  const v = triangleTaps(inH, outH);
  const out = new Float64Array(outW * outH * 3);
  const stride = outW * 3;
  for (let y = 0; y < outH; y++) {
    const s = v.start[y]!;
    const n = v.count[y]!;
    const wo = y * v.maxTaps;
    const outRow = y * stride;
    for (let k = 0; k < n; k++) {
      const w = v.weights[wo + k]!;
      const inRow = (s + k) * stride;
      for (let i = 0; i < stride; i++) out[outRow + i]! += tmp[inRow + i]! * w;
    }
  }
  return out;
}

/**
 * Writes the network input for one image (HWC RGB in [0, 1], size x size x 3 floats)
 * into `out` starting at `offset`. Throws 'corrupt-image' for malformed pixel data.
 */
export function prepareImageInto(image: RgbaImage, out: Float32Array, offset = 0, options: PrepareImageOptions = {}, label = 'image'): void {
  const size = options.size ?? IMAGE_INPUT_SIZE;
  const trim = options.trimTransparent ?? true;
  checkRgbaImage(image, label);
  const length = size * size * 3;
  if (offset < 0 || offset + length > out.length) throw new RangeError(`prepareImageInto: no room for ${length} floats at ${offset}`);
  out.fill(1, offset, offset + length); // white

  const full: Box = { x: 0, y: 0, width: image.width, height: image.height };
  const box = trim ? opaqueBounds(image) : full;
  if (!box) return; // nothing visible: all white

  const scale = size / Math.max(box.width, box.height);
  const outW = Math.min(size, Math.max(1, Math.round(box.width * scale)));
  const outH = Math.min(size, Math.max(1, Math.round(box.height * scale)));
  const left = Math.floor((size - outW) / 2);
  const top = Math.floor((size - outH) / 2);

  const rgb = compositeOnWhite(image, box);
  const resized = outW === box.width && outH === box.height ? rgb : resampleRgb(rgb, box.width, box.height, outW, outH);
  for (let y = 0; y < outH; y++) {
    let o = offset + ((top + y) * size + left) * 3;
    let i = y * outW * 3;
    for (let x = 0; x < outW * 3; x++) {
      const v = resized[i++]! / 255;
      out[o++] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
}

/** The network input for one image: Float32Array of size x size x 3 (HWC RGB in [0, 1]). */
export function prepareImage(image: RgbaImage, options: PrepareImageOptions = {}, label = 'image'): Float32Array {
  const size = options.size ?? IMAGE_INPUT_SIZE;
  const out = new Float32Array(size * size * 3);
  prepareImageInto(image, out, 0, options, label);
  return out;
}
