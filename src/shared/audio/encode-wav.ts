/**
 * A minimal RIFF/WAVE writer: 16-bit little-endian PCM, channels interleaved. The page uses it
 * to hand the engine a recording it can read (Chromium's MediaRecorder makes WebM/Opus, which
 * the engine's decoders do not take).
 */

import type { PcmAudio } from './pcm-audio.ts';

const HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;

/** A float sample as a signed 16-bit integer: clamped to [-1, 1], scaled asymmetrically so ±1 map to the extremes. */
export function toInt16(sample: number): number {
  const clamped = Number.isNaN(sample) ? 0 : Math.max(-1, Math.min(1, sample));
  return Math.round(clamped < 0 ? clamped * 0x8000 : clamped * 0x7fff);
}

export function encodeWav({ sampleRate, channels }: PcmAudio): ArrayBuffer {
  if (channels.length === 0) throw new RangeError('encodeWav: no channels');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`encodeWav: sample rate must be a positive whole number, got ${sampleRate}`);
  const frames = channels[0]!.length;
  if (channels.some((c) => c.length !== frames)) throw new RangeError('encodeWav: channels differ in length');
  const channelCount = channels.length;
  const blockAlign = channelCount * BYTES_PER_SAMPLE;
  const dataBytes = frames * blockAlign;

  const buffer = new ArrayBuffer(HEADER_BYTES + dataBytes);
  const view = new DataView(buffer);
  const writeAscii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  writeAscii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(8, 'WAVE');
  writeAscii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size for PCM
  view.setUint16(20, 1, true); // format tag: PCM
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true); // byte rate
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, BYTES_PER_SAMPLE * 8, true);
  writeAscii(36, 'data');
  view.setUint32(40, dataBytes, true);

  let offset = HEADER_BYTES;
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channelCount; channel++) {
      view.setInt16(offset, toInt16(channels[channel]![frame]!), true);
      offset += BYTES_PER_SAMPLE;
    }
  }
  return buffer;
}
