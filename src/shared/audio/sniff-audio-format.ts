/**
 * Container sniffing and cheap integrity checks for the audio formats the encoder accepts.
 * Pure TS (runs in the browser worker and in Node alike).
 *
 * Accepted: Ogg (Vorbis or Opus), FLAC, RIFF/WAVE, MPEG audio (MP3, with or without ID3v2).
 * Everything else is `unsupported-format` upstream, even where a decoder would exist.
 */

export type AudioContainer = 'ogg-vorbis' | 'ogg-opus' | 'flac' | 'wav' | 'mp3';

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** An MPEG-1/2/2.5 Layer I/II/III frame header at `offset` (ADTS/AAC, layer bits 00, is not one). */
function isMpegFrameHeader(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  if (((b1 >> 3) & 0x03) === 0x01) return false; // reserved version
  if (((b1 >> 1) & 0x03) === 0x00) return false; // reserved layer (also what ADTS uses)
  const bitrateIndex = b2 >> 4;
  if (bitrateIndex === 0x0f) return false;
  if (((b2 >> 2) & 0x03) === 0x03) return false; // reserved sample rate
  return true;
}

/**
 * The container of `bytes` from its magic numbers, or null when it is none of the accepted ones.
 * An Ogg stream is told apart by its first packet (`\x01vorbis` or `OpusHead`); other Ogg
 * codecs (Speex, FLAC-in-Ogg, Theora) are null.
 */
export function sniffAudioFormat(bytes: Uint8Array): AudioContainer | null {
  if (ascii(bytes, 0, 'OggS')) {
    // First page: 27-byte header + segment table, then the first packet.
    if (bytes.length < 28) return null;
    const start = 27 + bytes[26]!;
    if (ascii(bytes, start, '\x01vorbis')) return 'ogg-vorbis';
    if (ascii(bytes, start, 'OpusHead')) return 'ogg-opus';
    return null;
  }
  if (ascii(bytes, 0, 'fLaC')) return 'flac';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'wav';
  // ID3v2 tag: MPEG frames follow it. A tag with no frame after it is still an MP3 file, a
  // broken one (the decoder then reports it as corrupt).
  if (ascii(bytes, 0, 'ID3')) return 'mp3';
  if (isMpegFrameHeader(bytes, 0)) return 'mp3';
  return null;
}

// --- Ogg page walk -----------------------------------------------------------------------

let oggCrcTable: Uint32Array | undefined;

/** The Ogg CRC-32 of bytes[start, end), the 4-byte CRC field at `crcFieldOffset` counting as zeros. */
export function oggCrc(bytes: Uint8Array, start: number, end: number, crcFieldOffset: number): number {
  if (!oggCrcTable) {
    oggCrcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let r = i << 24;
      for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
      oggCrcTable[i] = r >>> 0;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) {
    // The CRC field itself counts as zeros.
    const byte = i >= crcFieldOffset && i < crcFieldOffset + 4 ? 0 : bytes[i]!;
    crc = ((crc << 8) ^ oggCrcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  }
  return crc >>> 0;
}

/**
 * Walks the Ogg pages of a whole file: every page must start where the previous one ended,
 * and carry a correct CRC. Returns null when
 * the file is intact, else what is wrong. The wasm Vorbis/Opus decoders skip damaged pages and
 * stop quietly at a cut, so without this a truncated or damaged file would embed as a shorter
 * or different sound.
 */
export function checkOggIntegrity(bytes: Uint8Array): string | null {
  let offset = 0;
  let pages = 0;
  while (offset < bytes.length) {
    if (!ascii(bytes, offset, 'OggS')) return `no Ogg page at byte ${offset}`;
    if (offset + 27 > bytes.length) return `Ogg page header cut off at byte ${offset}`;
    if (bytes[offset + 4] !== 0) return `unknown Ogg version at byte ${offset}`;
    const segments = bytes[offset + 26]!;
    const bodyStart = offset + 27 + segments;
    if (bodyStart > bytes.length) return `Ogg segment table cut off at byte ${offset}`;
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += bytes[offset + 27 + i]!;
    const end = bodyStart + bodyLength;
    if (end > bytes.length) return `Ogg page at byte ${offset} cut off (file truncated)`;
    const stored = (bytes[offset + 22]! | (bytes[offset + 23]! << 8) | (bytes[offset + 24]! << 16) | (bytes[offset + 25]! << 24)) >>> 0;
    if (oggCrc(bytes, offset, end, offset + 22) !== stored) return `Ogg page at byte ${offset} fails its CRC (damaged data)`;
    pages++;
    offset = end;
  }
  if (pages === 0) return 'no Ogg pages';
  // A missing end-of-stream flag is tolerated: some encoders omit it (2 of the 7858 Tux Paint
  // oggs do), and a cut inside a page, by far the likelier truncation, is caught above.
  return null;
}

// --- WAV chunk walk ----------------------------------------------------------------------

export interface WavDataInfo {
  /** Bytes of sample data the `data` chunk declares (0xffffffff and 0 mean "unknown", streamed). */
  declared: number;
  /** Bytes of sample data present in the file. */
  present: number;
}

/** Finds the `data` chunk of a RIFF/WAVE file; null when there is none before the end. */
export function findWavData(bytes: Uint8Array): WavDataInfo | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const size = view.getUint32(offset + 4, true);
    if (ascii(bytes, offset, 'data')) {
      return { declared: size, present: Math.max(0, bytes.length - offset - 8) };
    }
    offset += 8 + size + (size & 1);
  }
  return null;
}
