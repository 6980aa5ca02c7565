import { describe, expect, it } from 'vitest';
import { decodeAudioBytes } from '../../src/engine/encoders/audio/decode-audio.ts';
import { sniffAudioFormat } from '../../src/shared/audio/sniff-audio-format.ts';
import { encodeWav, toInt16 } from '../../src/shared/audio/encode-wav.ts';

const ascii = (view: DataView, offset: number, length: number) => String.fromCharCode(...Array.from({ length }, (_, i) => view.getUint8(offset + i)));

describe('encodeWav', () => {
  it('writes a 44-byte PCM header with exact fields and interleaved 16-bit samples', () => {
    const left = new Float32Array([0, 1, -1, 0.5, -0.5]);
    const right = new Float32Array([0.25, -0.25, 2, -2, Number.NaN]);
    const wav = encodeWav({ sampleRate: 22_050, channels: [left, right] });
    const view = new DataView(wav);

    expect(wav.byteLength).toBe(44 + 5 * 2 * 2);
    expect(ascii(view, 0, 4)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(wav.byteLength - 8);
    expect(ascii(view, 8, 4)).toBe('WAVE');
    expect(ascii(view, 12, 4)).toBe('fmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2); // channels
    expect(view.getUint32(24, true)).toBe(22_050);
    expect(view.getUint32(28, true)).toBe(22_050 * 4); // byte rate
    expect(view.getUint16(32, true)).toBe(4); // block align
    expect(view.getUint16(34, true)).toBe(16); // bits per sample
    expect(ascii(view, 36, 4)).toBe('data');
    expect(view.getUint32(40, true)).toBe(20);

    const samples = Array.from({ length: 10 }, (_, i) => view.getInt16(44 + i * 2, true));
    // Frame by frame, left then right; out-of-range values clamp, NaN becomes silence.
    expect(samples).toEqual([0, 8192, 32767, -8192, -32768, 32767, 16384, -32768, -16384, 0]);
  });

  it('rounds to the nearest step and keeps the extremes', () => {
    expect(toInt16(1)).toBe(32767);
    expect(toInt16(-1)).toBe(-32768);
    expect(toInt16(0.1)).toBe(3277); // 3276.7
    expect(toInt16(-0.1)).toBe(-3277); // -3276.8
    expect(toInt16(1e-6)).toBe(0);
  });

  it('is read back by the engine decoder as the same samples', async () => {
    const tone = Float32Array.from({ length: 4410 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / 44_100));
    const wav = encodeWav({ sampleRate: 44_100, channels: [tone] });
    expect(sniffAudioFormat(new Uint8Array(wav))).toBe('wav');
    const decoded = await decodeAudioBytes(wav, 'tone.wav');
    expect(decoded.sampleRate).toBe(44_100);
    expect(decoded.channels).toHaveLength(1);
    expect(decoded.channels[0]).toHaveLength(4410);
    const expected = Array.from(tone, (s) => toInt16(s) / (s < 0 ? 0x8000 : 0x7fff));
    let worst = 0;
    decoded.channels[0]!.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - expected[i]!))));
    expect(worst).toBeLessThan(1 / 0x7fff);
  });

  it('refuses input it cannot write', () => {
    expect(() => encodeWav({ sampleRate: 44_100, channels: [] })).toThrow('no channels');
    expect(() => encodeWav({ sampleRate: 0, channels: [new Float32Array(1)] })).toThrow('sample rate');
    expect(() => encodeWav({ sampleRate: 8000, channels: [new Float32Array(2), new Float32Array(3)] })).toThrow('differ in length');
  });
});
