/**
 * Which accepted image format a file is, from its first bytes (never its name). Runtime-neutral:
 * the page refuses a file that is not a picture before sending it, and the worker and Node
 * decide the decoder with the same code (the engine's sniffImageFormat adds the typed errors).
 */

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

/** How much of the start of a file is searched for the `<svg` root element. */
const SVG_SNIFF_BYTES = 64 * 1024;

/** Whether `bytes` holds `signature` at offset `at`. */
export function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  for (let i = 0; i < signature.length; i++) if (bytes[at + i] !== signature[i]) return false;
  return true;
}

/** A string's character codes, for signatures written as text. */
export function ascii(text: string): number[] {
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
