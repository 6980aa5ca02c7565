import { detectImageFormat } from '../shared/image/detect-image-format.ts';

/** Enough of a file's start to recognise every accepted image format (an SVG root may follow a long prolog). */
const SNIFF_BYTES = 64 * 1024;

const ACCEPTED = 'a PNG, JPEG, GIF, WebP or SVG picture';

/**
 * Why a picked or dropped file cannot be an image example, in words for the user, or
 * undefined when it can. Judges the MIME type the browser gave (from the name) and then the
 * first bytes with the same sniffer the engine uses, so a text file renamed `.png` is refused
 * here and never sent to the engine.
 */
export async function imageFileProblem(file: Blob, name: string): Promise<string | undefined> {
  if (file.type !== '' && !file.type.startsWith('image/')) return `“${name}” is not a picture (it is ${file.type}). Choose ${ACCEPTED}.`;
  if (file.size === 0) return `“${name}” is empty. Choose ${ACCEPTED}.`;
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  if (!detectImageFormat(head)) return `“${name}” is not a picture this page can read: its contents are not PNG, JPEG, GIF, WebP or SVG. Choose ${ACCEPTED}.`;
  return undefined;
}
