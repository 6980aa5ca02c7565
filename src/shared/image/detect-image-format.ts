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
