import { EncoderInputError } from '../encoder-input-error.ts';

/** The image formats the image encoder accepts. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'gif' | 'svg';

export const SUPPORTED_IMAGE_FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp', 'gif', 'svg'];

export const IMAGE_FORMAT_MIME: Readonly<Record<ImageFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  svg: 'image/svg+xml',
};

const SUPPORTED_LIST = 'PNG, JPEG, WebP, GIF or SVG';

/** How much of the start of a file is searched for the `<svg` root element. */
const SVG_SNIFF_BYTES = 64 * 1024;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (bytes[at + i] !== signature[i]) return false;
  return true;
}

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

// XML prolog items that may precede the root element: declaration / processing
// instructions, comments, a DOCTYPE (with an optional internal subset, as old
// Illustrator and Inkscape files have), and whitespace.
const XML_PROLOG = String.raw`(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>\[]*(?:\[[\s\S]*?\])?\s*>)*`;
const SVG_ROOT = new RegExp(`^${XML_PROLOG}<(?:[A-Za-z_][\\w.-]*:)?svg[\\s>/]`, 'i');

function looksLikeSvg(bytes: Uint8Array): boolean {
  let head = bytes.subarray(0, SVG_SNIFF_BYTES);
  if (startsWith(head, [0xef, 0xbb, 0xbf])) head = head.subarray(3); // UTF-8 byte order mark
  // Only text can be SVG: bail out early on binary data.
  const first = head[0];
  if (first === undefined || (first !== 0x3c && first !== 0x20 && first !== 0x09 && first !== 0x0a && first !== 0x0d)) return false;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  return SVG_ROOT.test(text);
}

/** The format of an image file, judged from its first bytes (never its name); undefined if not one we accept. */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (looksLikeSvg(bytes)) return 'svg';
  return undefined;
}

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
