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

// The root element may follow an XML prolog: declaration / processing instructions, comments,
// a DOCTYPE (with an optional internal subset, as old Illustrator and Inkscape files have) and
// whitespace. The prolog is walked by hand, each item found with indexOf, so the time is linear
// in the sniffed bytes whatever they hold; a regular expression with nested quantifiers here
// backtracked exponentially on a run of whitespace (issue 11).
/** The root element's start tag, tried only at one position (sticky), with an optional namespace prefix. */
const SVG_ROOT_TAG = /<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]/iy;
const SPACE = /\s/;

/** Index just past the prolog item or whitespace run at `at`, or -1 when none starts there or it never ends. */
function skipPrologItem(text: string, at: number): number {
  if (SPACE.test(text[at]!)) {
    let i = at + 1;
    while (i < text.length && SPACE.test(text[i]!)) i++;
    return i;
  }
  if (text.startsWith('<?', at)) {
    const end = text.indexOf('?>', at + 2);
    return end < 0 ? -1 : end + 2;
  }
  if (text.startsWith('<!--', at)) {
    const end = text.indexOf('-->', at + 4);
    return end < 0 ? -1 : end + 3;
  }
  if (text.slice(at, at + 9).toUpperCase() === '<!DOCTYPE') {
    let i = at + 9;
    while (i < text.length && text[i] !== '>' && text[i] !== '[') i++;
    if (i >= text.length) return -1;
    if (text[i] === '>') return i + 1;
    // Internal subset: the first `]` followed by optional whitespace and `>` ends it.
    for (let close = text.indexOf(']', i + 1); close >= 0; close = text.indexOf(']', close + 1)) {
      let j = close + 1;
      while (j < text.length && SPACE.test(text[j]!)) j++;
      if (text[j] === '>') return j + 1;
    }
    return -1;
  }
  return -1;
}

/** Whether `text` is an XML prolog followed by an `<svg` root element. Linear time. */
export function isSvgText(text: string): boolean {
  let at = 0;
  while (at < text.length) {
    if (text[at] === '<' && !text.startsWith('<?', at) && !text.startsWith('<!', at)) {
      SVG_ROOT_TAG.lastIndex = at;
      return SVG_ROOT_TAG.test(text);
    }
    const next = skipPrologItem(text, at);
    if (next < 0) return false;
    at = next;
  }
  return false;
}

function looksLikeSvg(bytes: Uint8Array): boolean {
  let head = bytes.subarray(0, SVG_SNIFF_BYTES);
  if (startsWith(head, [0xef, 0xbb, 0xbf])) head = head.subarray(3); // UTF-8 byte order mark
  // Only text can be SVG: bail out early on binary data.
  const first = head[0];
  if (first === undefined || (first !== 0x3c && first !== 0x20 && first !== 0x09 && first !== 0x0a && first !== 0x0d)) return false;
  return isSvgText(new TextDecoder('utf-8', { fatal: false }).decode(head));
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
