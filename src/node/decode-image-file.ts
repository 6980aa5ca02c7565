import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type { RgbaImage } from '../engine/encoders/encoder.ts';
import { EncoderInputError } from '../shared/encoder-input-error.ts';
import { checkImageLimits } from '../shared/image/check-image-limits.ts';
import { initSvgRasterizer, rasterizeSvg } from '../engine/encoders/image/rasterize-svg.ts';
import { sniffImageFormat } from '../engine/encoders/image/sniff-image-format.ts';

/**
 * Node counterpart of decode-image-in-worker.ts: image file bytes → straight RGBA.
 * Raster formats (PNG, JPEG, WebP, GIF: first frame) are decoded by sharp with
 * settings that match the browser path (createImageBitmap with
 * colorSpaceConversion 'none', premultiplyAlpha 'none', imageOrientation
 * 'from-image'): embedded ICC profiles are ignored, EXIF orientation is applied,
 * 8 bits per channel. SVG goes through resvg-wasm, the same code as in the browser.
 * All later pixel work happens in the shared prepare-image.ts.
 */

let svgInit: Promise<void> | undefined;

/** Loads resvg's wasm from node_modules (once). */
export function initNodeSvgRasterizer(): Promise<void> {
  if (!svgInit) {
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve('@resvg/resvg-wasm/index_bg.wasm');
    svgInit = initSvgRasterizer(readFile(wasmPath)).catch((error: unknown) => {
      svgInit = undefined;
      throw error;
    });
  }
  return svgInit;
}

/** Expands sharp's 1-4 channel raw output to RGBA. */
function toRgba(raw: Buffer, width: number, height: number, channels: number): Uint8Array {
  const pixels = width * height;
  if (channels === 4) return new Uint8Array(raw.buffer, raw.byteOffset, pixels * 4);
  const out = new Uint8Array(pixels * 4);
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 4) {
    if (channels === 1 || channels === 2) {
      const g = raw[i]!;
      out[o] = g;
      out[o + 1] = g;
      out[o + 2] = g;
      out[o + 3] = channels === 2 ? raw[i + 1]! : 255;
    } else if (channels === 3) {
      out[o] = raw[i]!;
      out[o + 1] = raw[i + 1]!;
      out[o + 2] = raw[i + 2]!;
      out[o + 3] = 255;
    } else {
      throw new Error(`unexpected channel count ${channels}`);
    }
  }
  return out;
}

/**
 * Decodes image file bytes (format sniffed from the bytes, never the name) to RGBA.
 * Throws EncoderInputError: 'corrupt-image' (empty, or claims a format but does
 * not decode), 'unsupported-format' or 'too-large' (limits.ts, read from the header).
 */
export async function decodeImageBytes(bytes: Uint8Array, label = 'image'): Promise<RgbaImage> {
  const format = sniffImageFormat(bytes, label);
  checkImageLimits(bytes, format, label); // the same limits as the worker, before decoding
  if (format === 'svg') {
    await initNodeSvgRasterizer();
    return rasterizeSvg(bytes, label);
  }
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, autoOrient: true, pages: 1 })
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = info;
    if (data.length !== width * height * channels) throw new Error(`decoder returned ${data.length} bytes for ${width}x${height}x${channels}`);
    return { width, height, data: toRgba(data, width, height, channels) };
  } catch (error) {
    const reason = error instanceof Error ? error.message.trim() : String(error);
    throw new EncoderInputError('corrupt-image', `${label} looks like ${format.toUpperCase()} but could not be decoded (${reason})`);
  }
}

/** Reads and decodes an image file; the file path is used as the label in errors. */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  return decodeImageBytes(await readFile(path), path);
}
