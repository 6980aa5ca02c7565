import { encoderInputProblem } from '../protocol/embedding.ts';
import { MAX_IMAGE_BYTES, MAX_SVG_BYTES } from '../protocol/limits.ts';
import { checkImageLimits } from '../shared/image/check-image-limits.ts';
import { detectImageFormat } from '../shared/image/detect-image-format.ts';

/** Enough of a file's start to recognise every accepted image format (an SVG root may follow a long prolog) and read a raster header. */
const SNIFF_BYTES = 64 * 1024;

/** Where a raster picture's size is read from: JPEG APP segments (EXIF, ICC, XMP) come before its frame header. */
const RASTER_HEADER_BYTES = 1024 * 1024;

const ACCEPTED = 'a PNG, JPEG, GIF, WebP or SVG picture';

/**
 * Why a picked or dropped file cannot be an image example, in words for the user, or
 * undefined when it can. Judges the MIME type the browser gave (from the name), then the
 * first bytes with the same sniffer the engine uses, so a text file renamed `.png` is refused
 * here and never sent to the engine, then the limits of protocol/limits.ts with the engine's
 * own header check (file size, pixels from the header; an SVG's elements and references), so
 * a 30,000 × 30,000 PNG is refused before anything decodes it.
 */
export async function imageFileProblem(file: Blob, name: string): Promise<string | undefined> {
  if (file.type !== '' && !file.type.startsWith('image/')) return `“${name}” is not a picture (it is ${file.type}). Choose ${ACCEPTED}.`;
  if (file.size === 0) return `“${name}” is empty. Choose ${ACCEPTED}.`;
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = detectImageFormat(head);
  if (!format) return `“${name}” is not a picture this page can read: its contents are not PNG, JPEG, GIF, WebP or SVG. Choose ${ACCEPTED}.`;
  const maxBytes = format === 'svg' ? MAX_SVG_BYTES : MAX_IMAGE_BYTES;
  if (file.size > maxBytes)
    return `“${name}” is too large (${(file.size / 1048576).toFixed(1)} MB); the limit is ${maxBytes / 1048576} MB. Choose a smaller picture.`;
  try {
    // A raster header sits in the first bytes (a JPEG's after its EXIF and other APP segments);
    // an SVG is checked whole (at most MAX_SVG_BYTES).
    const bytes = new Uint8Array(await (format === 'svg' ? file : file.slice(0, RASTER_HEADER_BYTES)).arrayBuffer());
    checkImageLimits(bytes, format, `“${name}”`);
  } catch (error) {
    const problem = encoderInputProblem(error);
    if (problem === 'too-large') return `${(error as Error).message.replace(/^\[too-large\] /, '')}. Choose a smaller picture.`;
    // Anything else (a header cut off in this window, a damaged file) the engine words when it decodes.
    if (problem === undefined) throw error;
  }
  return undefined;
}
