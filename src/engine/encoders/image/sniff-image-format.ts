import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { ascii, detectImageFormat, startsWith, type ImageFormat } from '../../../shared/image/detect-image-format.ts';

const SUPPORTED_LIST = 'PNG, JPEG, WebP, GIF or SVG';

/** Names well-known formats we do not accept, so the error message can say what the file is. */
function describeUnsupported(bytes: Uint8Array): string {
  if (startsWith(bytes, ascii('BM'))) return 'a BMP image';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'a TIFF image';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (/^(avif|avis)$/.test(brand)) return 'an AVIF image';
    if (/^(heic|heix|hevc|hevx|mif1|msf1)$/.test(brand)) return 'a HEIC/HEIF image';
    return `an ISO media file (brand "${brand}")`;
  }
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'an ICO icon';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'gzip-compressed data (an .svgz file must be unpacked first)';
  if (startsWith(bytes, ascii('%PDF'))) return 'a PDF document';
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'a JPEG XL image';
  if (startsWith(bytes, ascii('<')) || startsWith(bytes, [0xef, 0xbb, 0xbf, 0x3c])) return 'markup that is not SVG (no <svg> root element)';
  const head = bytes.subarray(0, 512);
  if (head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || b >= 0x20)) return 'text, not an image';
  const hex = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `an unknown format (first bytes: ${hex})`;
}

/**
 * The format of an image file from its magic numbers. Throws EncoderInputError:
 * 'corrupt-image' for an empty file, 'unsupported-format' for anything that is not
 * PNG, JPEG, WebP, GIF or SVG (naming what it seems to be).
 */
export function sniffImageFormat(bytes: Uint8Array, label = 'image'): ImageFormat {
  if (bytes.length === 0) throw new EncoderInputError('corrupt-image', `${label} is empty (0 bytes)`);
  const format = detectImageFormat(bytes);
  if (format) return format;
  throw new EncoderInputError('unsupported-format', `${label} is ${describeUnsupported(bytes)}; expected ${SUPPORTED_LIST}`);
}
