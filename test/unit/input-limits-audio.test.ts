import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerDurationSeconds } from '../../src/shared/audio/container-duration.ts';
import { decodeAudioBytes } from '../../src/engine/encoders/audio/decode-audio.ts';
import { oggCrc, sniffAudioFormat } from '../../src/shared/audio/sniff-audio-format.ts';
import { MAX_DECODE_AUDIO_SECONDS, MAX_EXAMPLE_AUDIO_SECONDS } from '../../src/protocol/limits.ts';
import { makeSound, wavWithLyingSize, type SoundFixtureFormat } from '../sound-fixtures.ts';
import { expectInputError } from './expect-input-error.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sound-limits-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const duration = (bytes: Uint8Array) => containerDurationSeconds(bytes, sniffAudioFormat(bytes)!);

describe('sound length from the container, before decoding', () => {
  it('reads the real length of short honest clips in every accepted format', async () => {
    for (const format of ['flac', 'opus', 'mp3', 'vorbis', 'wav'] as SoundFixtureFormat[]) {
      const bytes = makeSound(dir, format, 3, true);
      const seconds = duration(bytes)!;
      // MP3 encoder delay, padding and the Info frame add up to about a quarter of a second at 8 kHz.
      expect(seconds, format).toBeGreaterThanOrEqual(2.99);
      expect(seconds, format).toBeLessThan(3.3);
      const decoded = await decodeAudioBytes(bytes, format, { maxSeconds: MAX_EXAMPLE_AUDIO_SECONDS });
      expect(decoded.channels[0]!.length / decoded.sampleRate).toBeLessThanOrEqual(seconds + 0.01);
    }
  });

  it('refuses hours-long FLAC, Opus and MP3 files of about a megabyte as too-long without decoding', async () => {
    const cases: Array<[SoundFixtureFormat, number]> = [
      ['flac', 3600],
      ['opus', 1200],
      ['mp3', 1200],
    ];
    for (const [format, seconds] of cases) {
      const bytes = makeSound(dir, format, seconds);
      expect(bytes.byteLength, format).toBeLessThan(2_000_000);
      expect(duration(bytes), format).toBeGreaterThanOrEqual(seconds);
      await expectInputError(
        decodeAudioBytes(bytes, `long.${format}`),
        'too-long',
        new RegExp(`long\\.${format}: the sound is ${seconds}\\.\\d s long .*the limit is ${MAX_DECODE_AUDIO_SECONDS} s`),
      );
      await expectInputError(decodeAudioBytes(bytes, `long.${format}`, { maxSeconds: MAX_EXAMPLE_AUDIO_SECONDS }), 'too-long', /the limit is 30 s/);
    }
  });

  it('refuses a WAV whose size header claims hours, and counts the bytes present of a streamed one', async () => {
    const lying = wavWithLyingSize(1, 0x7fff_0000);
    expect(duration(lying)).toBeGreaterThan(3600);
    await expectInputError(decodeAudioBytes(lying, 'lying.wav'), 'too-long', /lying\.wav: the sound is \d+\.\d s long \(by its wav header\)/);
    const streamed = wavWithLyingSize(40, 0xffffffff);
    expect(duration(streamed)).toBeCloseTo(40, 5);
    await expectInputError(decodeAudioBytes(streamed, 'streamed.wav', { maxSeconds: 30 }), 'too-long', /40\.0 s/);
    // A header claiming less than is there counts what is there.
    expect(duration(wavWithLyingSize(40, 8000))).toBeCloseTo(40, 5);
  });

  it('reads a FLAC length from its last frame when STREAMINFO gives no total', () => {
    const bytes = makeSound(dir, 'flac', 5, true);
    const unknownTotal = bytes.slice();
    unknownTotal[8 + 13] = unknownTotal[8 + 13]! & 0xf0;
    unknownTotal.fill(0, 8 + 14, 8 + 18);
    const seconds = duration(unknownTotal)!;
    expect(seconds).toBeGreaterThanOrEqual(5);
    expect(seconds).toBeLessThan(5.6);
  });
});

describe('Opus length from its packets', () => {
  it('does not read a damaged page: the corrupt Ogg of the encoder tests stays corrupt-audio, not too-long', async () => {
    const ogg = makeSound(dir, 'vorbis', 2, true);
    const corrupt = new Uint8Array([...ogg.subarray(0, 64), ...new Uint8Array(4000).fill(0x33)]);
    expect(duration(corrupt)).toBe(0); // only the intact first (header) page counts
    await expectInputError(decodeAudioBytes(corrupt, 'corrupt.ogg'), 'corrupt-audio');
  });

  it('adds up the packets, so an Opus file whose granule positions lie low is still too-long', async () => {
    const bytes = makeSound(dir, 'opus', 120);
    const lying = bytes.slice();
    // Every page's granule position set to 0, with its CRC made right again: an intact file that lies.
    const view = new DataView(lying.buffer);
    for (let at = 0; at + 27 <= lying.length;) {
      view.setBigInt64(at + 6, 0n, true);
      const segments = lying[at + 26]!;
      let body = 0;
      for (let i = 0; i < segments; i++) body += lying[at + 27 + i]!;
      const end = at + 27 + segments + body;
      view.setUint32(at + 22, oggCrc(lying, at, end, at + 22), true);
      at = end;
    }
    expect(duration(lying)).toBeGreaterThanOrEqual(119.9);
    expect(duration(lying)).toBeLessThan(121);
    await expectInputError(decodeAudioBytes(lying, 'lying.opus', { maxSeconds: 30 }), 'too-long', /lying\.opus: the sound is 12\d\.\d s long/);
  });
});
