/**
 * How long a sound file is, read from its container without decoding a sample, so a file that
 * holds hours of sound is refused (`too-long`) before a decoder turns it into gigabytes of
 * PCM. Pure TS; the worker, the page and Node read the same numbers. Each reader errs long:
 *
 * - WAV: data bytes / byte rate of the `fmt ` chunk, with the larger of the declared data size
 *   and the bytes present (a header may lie either way; a streamed 0 / 0xffffffff size counts
 *   the bytes present).
 * - FLAC: total samples / sample rate of STREAMINFO; where the total is 0 (unknown), the
 *   position of the last frame (its header found from the end and checked by its CRC-8).
 * - Ogg Opus / Vorbis: the largest granule position of any page (minus Opus pre-skip) / rate;
 *   for Opus also the sum of every packet's duration from its TOC byte, the larger counting.
 * - MP3: the larger of the Xing / Info / VBRI frame count and a walk over every frame header,
 *   times samples per frame / sample rate.
 *
 * Returns undefined where the container gives no length (then the decoded length is checked).
 */
import { oggCrc, type AudioContainer } from './sniff-audio-format.ts';

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (offset < 0 || offset + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// --- WAV ---------------------------------------------------------------------------------

function wavSeconds(bytes: Uint8Array): number | undefined {
  const v = view(bytes);
  let byteRate: number | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const size = v.getUint32(offset + 4, true);
    if (ascii(bytes, offset, 'fmt ') && offset + 16 <= bytes.length) byteRate = v.getUint32(offset + 8 + 8, true);
    if (ascii(bytes, offset, 'data')) {
      if (!byteRate) return undefined; // no fmt chunk before the data: the decoder says what is wrong
      const present = Math.max(0, bytes.length - offset - 8);
      const streamed = size === 0 || size === 0xffffffff;
      return (streamed ? present : Math.max(size, present)) / byteRate;
    }
    offset += 8 + size + (size & 1);
  }
  return undefined;
}

// --- FLAC --------------------------------------------------------------------------------

function crc8(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]!;
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** The frame or sample number of a FLAC frame header at `at` (UTF-8-like coding), with the header's end, or undefined when it is no valid header. */
function flacFrameHeader(bytes: Uint8Array, at: number): { number: number; variable: boolean; blockSize?: number } | undefined {
  if (bytes[at] !== 0xff || ((bytes[at + 1] ?? 0) & 0xfe) !== 0xf8) return undefined;
  const variable = (bytes[at + 1]! & 1) === 1;
  const blockCode = (bytes[at + 2] ?? 0) >> 4;
  const rateCode = (bytes[at + 2] ?? 0) & 0x0f;
  if (blockCode === 0 || rateCode === 0x0f) return undefined;
  let i = at + 4;
  const first = bytes[i];
  if (first === undefined) return undefined;
  let extra = 0;
  let number: number;
  if (first < 0x80) number = first;
  else if (first >= 0xc0 && first < 0xfe) {
    extra = first >= 0xfc ? 5 : first >= 0xf8 ? 4 : first >= 0xf0 ? 3 : first >= 0xe0 ? 2 : 1;
    number = first & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      number = number * 64 + (b & 0x3f);
    }
  } else if (first === 0xfe) {
    extra = 6;
    number = 0;
    for (let k = 1; k <= extra; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) return undefined;
      number = number * 64 + (b & 0x3f);
    }
  } else return undefined;
  i += 1 + extra;
  let blockSize: number | undefined;
  if (blockCode === 1) blockSize = 192;
  else if (blockCode >= 2 && blockCode <= 5) blockSize = 576 << (blockCode - 2);
  else if (blockCode >= 8) blockSize = 256 << (blockCode - 8);
  else if (blockCode === 6) blockSize = (bytes[i++] ?? 0) + 1;
  else if (blockCode === 7) {
    blockSize = (((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)) + 1;
    i += 2;
  }
  if (rateCode === 0x0c) i += 1;
  else if (rateCode === 0x0d || rateCode === 0x0e) i += 2;
  if (i >= bytes.length || crc8(bytes, at, i) !== bytes[i]) return undefined;
  return { number, variable, blockSize };
}

function flacSeconds(bytes: Uint8Array): number | undefined {
  // STREAMINFO is the first metadata block: 4-byte block header after "fLaC", then 34 bytes.
  if (bytes.length < 42 || (bytes[4]! & 0x7f) !== 0) return undefined;
  const s = 8;
  const maxBlock = (bytes[s + 2]! << 8) | bytes[s + 3]!;
  const sampleRate = (bytes[s + 10]! << 12) | (bytes[s + 11]! << 4) | (bytes[s + 12]! >> 4);
  if (sampleRate === 0) return undefined;
  const total = (bytes[s + 13]! & 0x0f) * 2 ** 32 + view(bytes).getUint32(s + 14, false);
  if (total > 0) return total / sampleRate;
  // Unknown total: the last frame says where the stream ends.
  for (let at = bytes.length - 2; at >= 42; at--) {
    if (bytes[at] !== 0xff) continue;
    const header = flacFrameHeader(bytes, at);
    if (!header) continue;
    const block = header.blockSize ?? maxBlock;
    const samples = header.variable ? header.number + block : (header.number + 1) * Math.max(block, maxBlock);
    return samples / sampleRate;
  }
  return undefined;
}

// --- Ogg ---------------------------------------------------------------------------------

function oggSeconds(bytes: Uint8Array, format: 'ogg-vorbis' | 'ogg-opus'): number | undefined {
  if (bytes.length < 28) return undefined;
  const v = view(bytes);
  const packet = 27 + bytes[26]!;
  let rate: number;
  let preSkip = 0;
  if (format === 'ogg-vorbis') {
    if (packet + 16 > bytes.length) return undefined;
    rate = v.getUint32(packet + 12, true);
  } else {
    if (packet + 12 > bytes.length) return undefined;
    rate = 48000; // Opus granules always count 48 kHz samples
    preSkip = v.getUint16(packet + 10, true);
  }
  if (!(rate > 0)) return undefined;
  // Every page, not only the last: a file may end on a page with a small granule.
  let largest = -1;
  let offset = 0;
  // Opus also adds up every packet's own duration (its TOC byte), so granules that lie low do not hide a long file.
  let opusSamples = 0;
  let packets = 0;
  let packetStarts = true;
  while (offset + 27 <= bytes.length && ascii(bytes, offset, 'OggS')) {
    const segments = bytes[offset + 26]!;
    if (offset + 27 + segments > bytes.length) break;
    let pageEnd = offset + 27 + segments;
    for (let i = 0; i < segments; i++) pageEnd += bytes[offset + 27 + i]!;
    // A cut-off or damaged page's granule position is noise: stop there (the decoder refuses such a file anyway).
    if (pageEnd > bytes.length || oggCrc(bytes, offset, pageEnd, offset + 22) !== v.getUint32(offset + 22, true)) break;
    const granule = Number(v.getBigInt64(offset + 6, true)); // -1: no packet ends on this page
    if (granule > largest) largest = granule;
    let body = offset + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const lacing = bytes[offset + 27 + i]!;
      if (packetStarts && lacing > 0) {
        if (packets >= 2 && format === 'ogg-opus' && body < bytes.length) opusSamples += opusPacketSamples(bytes, body);
        packets++;
      }
      packetStarts = lacing < 255;
      body += lacing;
    }
    offset = body;
  }
  const byGranule = largest < 0 ? undefined : Math.max(0, largest - preSkip) / rate;
  if (format === 'ogg-opus' && opusSamples > 0) return Math.max(byGranule ?? 0, Math.max(0, opusSamples - preSkip) / 48000);
  return byGranule;
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716, 3.1) and, for code 3, its frame count byte. */
function opusPacketSamples(bytes: Uint8Array, at: number): number {
  const toc = bytes[at]!;
  const config = toc >> 3;
  // SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms; in 48 kHz samples.
  const frame = config < 12 ? [480, 960, 1920, 2880][config & 3]! : config < 16 ? [480, 960][config & 1]! : [120, 240, 480, 960][config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (bytes[at + 1] ?? 0) & 0x3f : 2;
  return frame * frames;
}

// --- MP3 ---------------------------------------------------------------------------------

const MPEG_BITRATES_KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const MPEG1_RATES = [44100, 48000, 32000];

interface MpegFrame {
  /** Bytes of the whole frame, header included (0 for free-format bitrate: length unknown). */
  length: number;
  samples: number;
  sampleRate: number;
  mpeg1: boolean;
  mono: boolean;
}

function mpegFrame(bytes: Uint8Array, at: number): MpegFrame | undefined {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return undefined;
  const versionBits = (bytes[at + 1]! >> 3) & 3; // 0: 2.5, 2: 2, 3: 1
  const layerBits = (bytes[at + 1]! >> 1) & 3; // 1: III, 2: II, 3: I
  const bitrateIndex = bytes[at + 2]! >> 4;
  const rateIndex = (bytes[at + 2]! >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const mpeg1 = versionBits === 3;
  const layer = 4 - layerBits;
  const sampleRate = MPEG1_RATES[rateIndex]! / (mpeg1 ? 1 : versionBits === 2 ? 2 : 4);
  const padding = (bytes[at + 2]! >> 1) & 1;
  const kbps = MPEG_BITRATES_KBPS[`${mpeg1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const samples = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  let length = 0;
  if (kbps > 0) {
    length = layer === 1 ? (Math.floor((12 * kbps * 1000) / sampleRate) + padding) * 4 : Math.floor(((samples / 8) * kbps * 1000) / sampleRate) + padding;
  }
  return { length, samples, sampleRate, mpeg1, mono: ((bytes[at + 3]! >> 6) & 3) === 3 };
}

function mp3Seconds(bytes: Uint8Array): number | undefined {
  let offset = 0;
  // ID3v2 tags (there may be more than one): 10-byte header, syncsafe size, optional footer.
  while (ascii(bytes, offset, 'ID3') && offset + 10 <= bytes.length) {
    const size = ((bytes[offset + 6]! & 0x7f) << 21) | ((bytes[offset + 7]! & 0x7f) << 14) | ((bytes[offset + 8]! & 0x7f) << 7) | (bytes[offset + 9]! & 0x7f);
    offset += 10 + size + (bytes[offset + 5]! & 0x10 ? 10 : 0);
  }
  let first: MpegFrame | undefined;
  let firstAt = offset;
  for (; firstAt < bytes.length && !(first = mpegFrame(bytes, firstAt)); firstAt++);
  if (!first) return undefined;
  // Xing / Info (after the side information) or VBRI (32 bytes after the header) frame count.
  let declaredFrames = 0;
  const sideInfo = first.mpeg1 ? (first.mono ? 17 : 32) : first.mono ? 9 : 17;
  const xing = firstAt + 4 + sideInfo;
  if ((ascii(bytes, xing, 'Xing') || ascii(bytes, xing, 'Info')) && xing + 12 <= bytes.length) {
    if (view(bytes).getUint32(xing + 4, false) & 1) declaredFrames = view(bytes).getUint32(xing + 8, false);
  } else if (ascii(bytes, firstAt + 36, 'VBRI') && firstAt + 36 + 18 <= bytes.length) {
    declaredFrames = view(bytes).getUint32(firstAt + 36 + 14, false);
  }
  // Walk every frame, resynchronising byte by byte after junk: linear in the file size.
  let frames = 0;
  let at = firstAt;
  while (at < bytes.length) {
    const frame = mpegFrame(bytes, at);
    if (!frame || frame.length === 0) {
      at++;
      continue;
    }
    frames++;
    at += frame.length;
  }
  return (Math.max(frames, declaredFrames) * first.samples) / first.sampleRate;
}

/** Seconds of sound the container of `bytes` declares (see the top of this file), or undefined when it gives none. */
export function containerDurationSeconds(bytes: Uint8Array, format: AudioContainer): number | undefined {
  switch (format) {
    case 'wav':
      return wavSeconds(bytes);
    case 'flac':
      return flacSeconds(bytes);
    case 'ogg-vorbis':
    case 'ogg-opus':
      return oggSeconds(bytes, format);
    case 'mp3':
      return mp3Seconds(bytes);
  }
}
