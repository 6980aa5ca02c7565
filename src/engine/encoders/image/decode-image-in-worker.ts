import type { RgbaImage } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { checkImageLimits } from '../../../shared/image/check-image-limits.ts';
import { initSvgRasterizer, isSvgRasterizerReady, rasterizeSvg, type ResvgWasmSource } from './rasterize-svg.ts';
import { sniffImageFormat } from './sniff-image-format.ts';
import { IMAGE_FORMAT_MIME } from '../../../shared/image/detect-image-format.ts';

/**
 * Browser (Web Worker) counterpart of src/node/decode-image-file.ts: image file
 * bytes → straight RGBA. Raster formats go through createImageBitmap +
 * OffscreenCanvas with colour management and alpha premultiplication turned off
 * and EXIF orientation applied, which is what the sharp settings in Node match.
 * SVG goes through resvg-wasm (rasterize-svg.ts), the same code as in Node: never
 * the browser's own SVG renderer. All later pixel work happens in the shared
 * prepare-image.ts.
 *
 * Known, small difference: a 2D canvas stores premultiplied pixels, so colours of
 * nearly transparent pixels lose precision in getImageData; after compositing onto
 * white that is at most about half a grey level.
 */

export interface WorkerImageDecoderOptions {
  /**
   * resvg's wasm (URL or bytes), needed only when an SVG arrives; loaded once.
   * Default: none, and SVGs fail unless the rasteriser was initialised elsewhere.
   * Use `resvgWasmUrl(assetsBase)` for the copy served from our own origin.
   */
  resvgWasm?: ResvgWasmSource | (() => ResvgWasmSource | Promise<ResvgWasmSource>);
}

export type ImageFileInput = Blob | ArrayBuffer | ArrayBufferView;

async function toBytes(input: ImageFileInput): Promise<Uint8Array> {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return new Uint8Array(await input.arrayBuffer());
}

async function ensureSvgRasterizer(options: WorkerImageDecoderOptions): Promise<void> {
  if (isSvgRasterizerReady()) return;
  const source = options.resvgWasm;
  if (source === undefined) {
    throw new Error('decodeImageInWorker: an SVG needs the resvg wasm; pass options.resvgWasm (e.g. resvgWasmUrl(assetsBase))');
  }
  await initSvgRasterizer(typeof source === 'function' ? Promise.resolve(source()) : source);
}

async function decodeRaster(bytes: Uint8Array, mime: string, formatName: string, label: string): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mime }), {
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
      imageOrientation: 'from-image',
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-image', `${label} looks like ${formatName} but could not be decoded (${reason})`);
  }
  try {
    const { width, height } = bitmap;
    if (!(width > 0 && height > 0)) throw new EncoderInputError('corrupt-image', `${label} decoded to an empty ${width}x${height} image`);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!context) throw new Error('OffscreenCanvas 2d context is not available in this worker');
    context.drawImage(bitmap, 0, 0);
    const imageData = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
    return { width, height, data: imageData.data };
  } finally {
    bitmap.close();
  }
}

/**
 * Decodes image file bytes (format sniffed from the bytes, never the name or the
 * Blob's type) to RGBA. Throws EncoderInputError: 'corrupt-image' (empty, or claims
 * a format but does not decode), 'unsupported-format' or 'too-large' (limits.ts, read
 * from the header before decoding).
 */
export async function decodeImageInWorker(input: ImageFileInput, options: WorkerImageDecoderOptions = {}, label = 'image'): Promise<RgbaImage> {
  const bytes = await toBytes(input);
  const format = sniffImageFormat(bytes, label);
  checkImageLimits(bytes, format, label); // before any decoding: too-large by header
  if (format === 'svg') {
    await ensureSvgRasterizer(options);
    return rasterizeSvg(bytes, label);
  }
  return decodeRaster(bytes, IMAGE_FORMAT_MIME[format], format.toUpperCase(), label);
}
