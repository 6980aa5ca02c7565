/**
 * Hostile inputs made at test time (unit tests and e2e/adversarial-input.spec.ts share them):
 * nothing here is a mock, each is a file a real attacker could send.
 */
import { deflateSync } from 'node:zlib';

/** The SVG-sniff strings of issue 11: whitespace runs followed by something that is not `<svg`. */
export const SNIFF_HOSTILE_STRINGS: readonly string[] = [
  `${' '.repeat(40)}x`,
  `${' \t\r\n'.repeat(16 * 1024)}x`, // 64 KB of whitespace
  `${'<!-- -->'.repeat(4000)}${' '.repeat(30000)}<x`,
  `<!DOCTYPE svg [${']'.repeat(20000)}${' '.repeat(20000)}`,
  `<?xml${' '.repeat(60000)}`,
];

let crcTable: Int32Array | undefined;
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * A PNG whose header declares `width` × `height` (8-bit greyscale) followed by a deflated
 * body of about `bodyBytes` of noise rows (the rest of the rows is missing): a file of that
 * size that a decoder would try to turn into width × height pixels. Valid CRCs throughout.
 */
export function pngClaimingSize(width: number, height: number, bodyBytes = 1024 * 1024): Uint8Array {
  const bodyRows = Math.min(height, Math.ceil(bodyBytes / (width + 1)));
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8); // bit depth 8, greyscale, deflate, no filter, no interlace
  const raw = new Uint8Array(bodyRows * (width + 1)); // per row: filter byte 0, then `width` pixels
  let seed = 1;
  for (let i = 0; i < raw.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; // noise, so deflate cannot shrink it
    raw[i] = i % (width + 1) === 0 ? 0 : seed >>> 24;
  }
  const idat = deflateSync(raw, { level: 1 });
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A `<use>` bomb: `levels` groups, each drawing the previous one `fanOut` times, so a file of
 * about levels × fanOut × 30 bytes draws fanOut^levels rectangles.
 */
export function svgUseBomb(levels = 9, fanOut = 10): string {
  const defs = ['<rect id="l0" width="1" height="1"/>'];
  for (let level = 1; level <= levels; level++) {
    defs.push(`<g id="l${level}">${Array.from({ length: fanOut }, () => `<use href="#l${level - 1}"/>`).join('')}</g>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs>${defs.join('')}</defs><use href="#l${levels}"/></svg>`;
}

/** A pattern bomb: each pattern is filled with the previous one, `depth` deep (a chain of references). */
export function svgPatternBomb(depth = 40): string {
  const patterns = ['<pattern id="p0" width="2" height="2" patternUnits="userSpaceOnUse"><rect width="1" height="1"/></pattern>'];
  for (let i = 1; i <= depth; i++) {
    patterns.push(`<pattern id="p${i}" width="4" height="4" patternUnits="userSpaceOnUse"><rect width="4" height="4" fill="url(#p${i - 1})"/></pattern>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><defs>${patterns.join('')}</defs><rect width="100" height="100" fill="url(#p${depth})"/></svg>`;
}
