import { imageSize } from 'image-size';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS } from '../../protocol/limits.ts';
import { EncoderInputError } from '../encoder-input-error.ts';
import { checkSvgLimits } from './check-svg-limits.ts';
import type { ImageFormat } from './detect-image-format.ts';

/** Width and height as the file's header declares them. */
export interface ImageHeaderSize {
  width: number;
  height: number;
}

/**
 * Width and height of a raster picture (PNG, JPEG, WebP, GIF, BMP) from its header, without
 * decoding a pixel, with the `image-size` library (pinned; pure JS on bytes, so the worker,
 * the page and Node read the same header). Throws `corrupt-image` when the header gives none.
 */
export function readImageHeaderSize(bytes: Uint8Array, label = 'image', formatName = 'a picture'): ImageHeaderSize {
  let size: { width?: number; height?: number };
  try {
    size = imageSize(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-image', `${label} looks like ${formatName} but could not be decoded (its header gives no picture size: ${reason})`);
  }
  const { width, height } = size;
  if (!(Number.isSafeInteger(width) && Number.isSafeInteger(height) && width! > 0 && height! > 0)) {
    throw new EncoderInputError('corrupt-image', `${label} looks like ${formatName} but could not be decoded (its header gives the size ${width}x${height})`);
  }
  return { width: width!, height: height! };
}

/** The refusal for a picture over MAX_IMAGE_PIXELS, or undefined; shared with the page's pre-check. */
export function imagePixelProblem(size: ImageHeaderSize): string | undefined {
  const pixels = size.width * size.height;
  if (pixels <= MAX_IMAGE_PIXELS) return undefined;
  return `${size.width}×${size.height} pixels (${(pixels / 1e6).toFixed(1)} megapixels); the limit is ${MAX_IMAGE_PIXELS / 1e6} megapixels`;
}

/**
 * Refuses a picture over the limits of protocol/limits.ts before it is decoded: any file over
 * MAX_IMAGE_BYTES, a raster picture whose header declares more than MAX_IMAGE_PIXELS, an SVG
 * over the SVG limits (check-svg-limits.ts). EncoderInputError `too-large` names the size.
 */
export function checkImageLimits(bytes: Uint8Array, format: ImageFormat, label = 'image'): void {
  if (format === 'svg') {
    checkSvgLimits(bytes, label);
    return;
  }
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new EncoderInputError('too-large', `${label} is ${(bytes.byteLength / 1048576).toFixed(1)} MB; the limit is ${MAX_IMAGE_BYTES / 1048576} MB`);
  }
  const problem = imagePixelProblem(readImageHeaderSize(bytes, label, format.toUpperCase()));
  if (problem) throw new EncoderInputError('too-large', `${label} is ${problem}`);
}
