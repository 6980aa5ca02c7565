import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encoder, PcmAudio } from '../../src/engine/encoders/encoder.ts';
import { AUDIO_VECTOR_BLOCKS, AUDIO_VECTOR_DIMS, AUDIO_VECTOR_LAYOUT } from '../../src/engine/encoders/audio/audio-vector-layout.ts';
import { embedAudioBytes, loadAudioEncoder } from '../../src/engine/encoders/audio/basic-pitch-audio-encoder.ts';
import { basicPitchFrameCount, basicPitchWindowCount, BP_KEPT_FRAMES_PER_WINDOW } from '../../src/engine/encoders/audio/basic-pitch-features.ts';
import { decodeAudioBytes } from '../../src/engine/encoders/audio/decode-audio.ts';
import { MAX_SECONDS, prepareAudio, TARGET_SAMPLE_RATE } from '../../src/engine/encoders/audio/prepare-audio.ts';
import { resample, resampledLength } from '../../src/engine/encoders/audio/resample.ts';
import { checkOggIntegrity, sniffAudioFormat } from '../../src/shared/audio/sniff-audio-format.ts';
import { fileModelSource } from '../../src/node/file-model-source.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { expectInputError } from './expect-input-error.ts';
import { encodeWav } from '../../src/shared/audio/encode-wav.ts';

const root = join(import.meta.dirname, '..', '..');
// Real Tux Paint stamps (Debian tuxpaint-stamps-default), found or fetched by the repo's script.
const stampsDir = execFileSync('node', [join(root, 'scripts', 'fetch-tuxpaint-stamps.mjs')], { encoding: 'utf8' }).trim();
const stampBytes = (path: string) => new Uint8Array(readFileSync(join(stampsDir, path)));

const DOG = 'animals/mammals/dogs/dog.ogg'; // 0.93 s bark, mono 44.1 kHz Vorbis
const COW = 'animals/mammals/bovines/cow.ogg';
const LION = 'animals/mammals/cats/lion.ogg';
const SHEEP = 'animals/mammals/bovines/sheep.ogg';
const FIRETRUCK = 'vehicles/emergency/firetruck.ogg'; // 10.3 s siren, stereo: exercises the 10 s cap
const BATHYSCAPE = 'vehicles/ship/cartoon/bathyscape.ogg';
const SILENT_OGG = 'animals/birds/nandou.ogg'; // a valid Vorbis file whose samples are all zero

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** A 16-bit PCM RIFF/WAVE file, as the page's recorder writes it. */
function wavBytes(channels: Float32Array[], sampleRate: number): Uint8Array {
  return new Uint8Array(encodeWav({ sampleRate, channels }));
}

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Magnitude of the DFT of x at frequency f (Hz), over the middle of the signal, normalised to a sine's amplitude. */
function toneAmplitude(x: Float32Array, rate: number, f: number): number {
  const from = Math.floor(x.length * 0.25);
  const to = Math.floor(x.length * 0.75);
  let re = 0;
  let im = 0;
  for (let i = from; i < to; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * f * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * f * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

describe('sniffAudioFormat and container checks', () => {
  const text = (s: string) => new TextEncoder().encode(s);

  it('recognises containers from magic numbers', () => {
    expect(sniffAudioFormat(stampBytes(DOG))).toBe('ogg-vorbis');
    expect(sniffAudioFormat(wavBytes([sine(440, 8000, 0.1)], 8000))).toBe('wav');
    expect(sniffAudioFormat(text('fLaC\0\0\0\x22'))).toBe('flac');
    expect(sniffAudioFormat(text('ID3\x04\0\0\0\0\0\0'))).toBe('mp3');
    expect(sniffAudioFormat(Uint8Array.of(0xff, 0xfb, 0x90, 0x64))).toBe('mp3'); // MPEG-1 Layer III frame
    expect(sniffAudioFormat(Uint8Array.of(0xff, 0xf1, 0x50, 0x80))).toBeNull(); // ADTS AAC
    expect(sniffAudioFormat(text('RIFF\0\0\0\0AVI LIST'))).toBeNull();
    expect(sniffAudioFormat(text('hello'))).toBeNull();
  });

  it('accepts intact real Ogg files and spots cut or damaged pages', () => {
    const ogg = stampBytes(LION);
    expect(checkOggIntegrity(ogg)).toBeNull();
    expect(checkOggIntegrity(ogg.subarray(0, Math.floor(ogg.length * 0.75)))).toMatch(/cut off/);
    const damaged = ogg.slice();
    damaged[Math.floor(ogg.length / 2)]! ^= 0x55;
    expect(checkOggIntegrity(damaged)).toMatch(/CRC/);
  });
});

describe('resample', () => {
  it('keeps a sine at its frequency and amplitude, 44100 → 22050', () => {
    const x = sine(1000, 44100, 1);
    const y = resample(x, 44100, 22050);
    expect(y.length).toBe(22050);
    expect(toneAmplitude(y, 22050, 1000)).toBeCloseTo(0.5, 3);
    expect(toneAmplitude(y, 22050, 1100)).toBeLessThan(1e-3);
    // zero crossings: ~2 per period
    let crossings = 0;
    for (let i = 1; i < y.length; i++) if (y[i - 1]! < 0 !== y[i]! < 0) crossings++;
    expect(Math.abs(crossings - 2000)).toBeLessThanOrEqual(2);
  });

  it('gets lengths right for other ratios and upsampling', () => {
    expect(resampledLength(44101, 44100, 22050)).toBe(22051);
    expect(resample(new Float32Array(48000), 48000, 22050).length).toBe(22050);
    expect(resample(new Float32Array(1000), 16000, 22050).length).toBe(Math.ceil((1000 * 22050) / 16000));
    const up = resample(sine(440, 16000, 1), 16000, 22050);
    expect(up.length).toBe(22050);
    expect(toneAmplitude(up, 22050, 440)).toBeCloseTo(0.5, 3);
    const odd = resample(sine(300, 44056, 0.5), 44056, 22050); // 22050 phases: untabulated path
    expect(odd.length).toBe(resampledLength(22028, 44056, 22050));
    expect(toneAmplitude(odd, 22050, 300)).toBeCloseTo(0.5, 2);
  });

  it('removes content above the new Nyquist frequency (no aliasing)', () => {
    // 15 kHz at 44.1 kHz would alias to 7050 Hz at 22.05 kHz.
    const y = resample(sine(15000, 44100, 1), 44100, 22050);
    expect(toneAmplitude(y, 22050, 7050)).toBeLessThan(0.5 * 1e-3); // > 60 dB down
  });

  it('is deterministic', () => {
    const x = sine(523.25, 48000, 0.3);
    expect(resample(x, 48000, 22050)).toEqual(resample(x, 48000, 22050));
  });
});

describe('prepareAudio', () => {
  it('downmixes, trims silence, resamples to 22050 Hz and peak-normalises', () => {
    const tone = sine(440, 44100, 0.5, 0.2);
    const padded = new Float32Array(44100 * 2);
    padded.set(tone, 44100); // 1 s of silence, 0.5 s tone, 0.5 s silence
    const prepared = prepareAudio({ sampleRate: 44100, channels: [padded, padded] });
    expect(prepared.sampleRate).toBe(TARGET_SAMPLE_RATE);
    expect(prepared.originalSeconds).toBe(2);
    // 0.5 s of tone + 10 ms margin each side (± a sample or two at the -40 dB threshold)
    expect(Math.abs(prepared.samples.length - 0.52 * 22050)).toBeLessThan(8);
    let peak = 0;
    for (const v of prepared.samples) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeCloseTo(1, 6);
  });

  it('caps long audio at 10 s', () => {
    const long = sine(220, 32000, 14);
    expect(prepareAudio({ sampleRate: 32000, channels: [long] }).samples.length).toBe(MAX_SECONDS * TARGET_SAMPLE_RATE);
  });

  it('rejects empty, silent and malformed PCM', async () => {
    await expectInputError(() => prepareAudio({ sampleRate: 44100, channels: [] }), 'empty-audio');
    await expectInputError(() => prepareAudio({ sampleRate: 44100, channels: [new Float32Array(0)] }), 'empty-audio');
    await expectInputError(() => prepareAudio({ sampleRate: 44100, channels: [new Float32Array(1000).fill(5e-5)] }), 'silent-audio');
    await expectInputError(() => prepareAudio({ sampleRate: 44100, channels: [new Float32Array(10), new Float32Array(11)] }), 'corrupt-audio');
    await expectInputError(() => prepareAudio({ sampleRate: 0, channels: [new Float32Array(10)] }), 'corrupt-audio');
  });
});

describe('basic-pitch windowing', () => {
  it('has enough kept frames to cover every clip length', () => {
    for (const n of [1, 100, 22050, 36164, 43844, 100000, 220500]) {
      expect(basicPitchWindowCount(n) * BP_KEPT_FRAMES_PER_WINDOW).toBeGreaterThanOrEqual(basicPitchFrameCount(n));
    }
    expect(basicPitchWindowCount(220500)).toBe(7);
  });
});

describe('decodeAudioBytes', () => {
  it('decodes a real Ogg Vorbis stamp sound', async () => {
    const pcm = await decodeAudioBytes(stampBytes(DOG), DOG);
    expect(pcm.sampleRate).toBe(44100);
    expect(pcm.channels.length).toBe(1);
    expect(pcm.channels[0]!.length).toBe(41150);
  });

  it('decodes a WAV exactly (16-bit)', async () => {
    const left = sine(440, 16000, 0.25);
    const right = sine(660, 16000, 0.25);
    const pcm = await decodeAudioBytes(wavBytes([left, right], 16000));
    expect(pcm.sampleRate).toBe(16000);
    expect(pcm.channels.length).toBe(2);
    expect(pcm.channels[1]!.length).toBe(4000);
    expect(Math.abs(pcm.channels[0]![1000]! - left[1000]!)).toBeLessThan(1e-4);
  });
});

describe('audio encoder (basic-pitch + meyda, wasm backend)', () => {
  let encoder: Encoder<PcmAudio>;
  let dogVector: Float32Array;

  beforeAll(async () => {
    await initNodeTf('wasm');
    encoder = await loadAudioEncoder(fileModelSource(join(root, 'public', 'models')));
  });

  afterAll(() => encoder?.dispose());

  it('describes itself and its layout', () => {
    expect(encoder.info).toEqual({ modality: 'audio', name: 'basic-pitch+meyda', version: '1', dims: AUDIO_VECTOR_DIMS });
    expect(AUDIO_VECTOR_DIMS).toBe(316);
    expect(AUDIO_VECTOR_LAYOUT.dims).toBe(316);
    let offset = 0;
    for (const block of AUDIO_VECTOR_BLOCKS) {
      expect(block.offset).toBe(offset);
      offset += block.length;
    }
    expect(offset).toBe(AUDIO_VECTOR_DIMS);
    expect(AUDIO_VECTOR_BLOCKS.reduce((s, b) => s + b.weight, 0)).toBeCloseTo(1, 12);
  });

  it('embeds a real stamp sound: right size, finite, unit length, golden values', async () => {
    dogVector = await embedAudioBytes(encoder, stampBytes(DOG), DOG);
    expect(dogVector.length).toBe(AUDIO_VECTOR_DIMS);
    expect(dogVector.every(Number.isFinite)).toBe(true);
    expect(Math.sqrt(dot(dogVector, dogVector))).toBeCloseTo(1, 5);
    // Golden: produced by running this encoder (Node 20, tfjs 4.22 wasm backend) on dog.ogg.
    // If they move, something in decoding, preprocessing, the model or the layout changed.
    // First 4 components (basic-pitch noteMean, MIDI 21..24) and the first 4 of the meyda block.
    const golden = [0.039176128804683685, 0.03542224317789078, 0.035298921167850494, 0.03484485670924187];
    golden.forEach((g, i) => expect(Math.abs(dogVector[i]! - g)).toBeLessThan(1e-4));
    const goldenMeyda = [-0.0699879378080368, 0.1429852992296219, 0.14003922045230865, -0.15447813272476196];
    goldenMeyda.forEach((g, i) => expect(Math.abs(dogVector[276 + i]! - g)).toBeLessThan(1e-4));
  });

  it('handles a stereo clip longer than 10 s', async () => {
    const v = await embedAudioBytes(encoder, stampBytes(FIRETRUCK), FIRETRUCK);
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 5);
  });

  it('gives the same vectors in a batch as one at a time, and leaves no tensors behind', async () => {
    const clips = await Promise.all([DOG, LION, FIRETRUCK].map((f) => decodeAudioBytes(stampBytes(f), f)));
    const before = tf.memory().numTensors;
    const batch = await encoder.embed(clips);
    expect(tf.memory().numTensors).toBe(before);
    expect(batch.length).toBe(3);
    for (let i = 0; i < clips.length; i++) {
      const [single] = await encoder.embed([clips[i]!]);
      for (let k = 0; k < AUDIO_VECTOR_DIMS; k++) expect(Math.abs(batch[i]![k]! - single![k]!)).toBeLessThan(1e-5);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(await encoder.embed([])).toEqual([]);
  });

  it('rejects bad files with typed errors and keeps working after each', async () => {
    const dog = stampBytes(DOG);
    const stillWorks = async () => {
      const v = await embedAudioBytes(encoder, dog, DOG);
      for (let k = 0; k < AUDIO_VECTOR_DIMS; k++) expect(Math.abs(v[k]! - dogVector[k]!)).toBeLessThan(1e-6);
    };
    const before = tf.memory().numTensors;

    await expectInputError(() => embedAudioBytes(encoder, new Uint8Array(0), 'empty.ogg'), 'empty-audio', /empty\.ogg/);
    await stillWorks();
    await expectInputError(() => embedAudioBytes(encoder, wavBytes([new Float32Array(22050)], 22050), 'zeros.wav'), 'silent-audio', /zeros\.wav/);
    await stillWorks();
    await expectInputError(() => embedAudioBytes(encoder, stampBytes(SILENT_OGG), SILENT_OGG), 'silent-audio');
    await stillWorks();
    const random = new Uint8Array(4096);
    let seed = 12345;
    for (let i = 0; i < random.length; i++) random[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    await expectInputError(() => embedAudioBytes(encoder, random, 'noise.bin'), 'unsupported-format');
    await stillWorks();
    await expectInputError(() => embedAudioBytes(encoder, dog.subarray(0, Math.floor(dog.length * 0.6)), 'cut.ogg'), 'corrupt-audio', /truncated/);
    await stillWorks();
    const damaged = dog.slice();
    for (let i = 4000; i < 4400; i++) damaged[i] = (i * 7919) & 0xff;
    await expectInputError(() => embedAudioBytes(encoder, damaged, 'damaged.ogg'), 'corrupt-audio', /CRC/);
    await stillWorks();
    const headerOnly = dog.subarray(0, 200);
    await expectInputError(() => embedAudioBytes(encoder, headerOnly, 'header.ogg'), 'corrupt-audio');
    await stillWorks();
    const wav = wavBytes([sine(440, 22050, 0.5)], 22050);
    await expectInputError(() => embedAudioBytes(encoder, wav.subarray(0, 1000), 'cut.wav'), 'corrupt-audio', /truncated/);
    await stillWorks();
    // A bad clip in a batch rejects the batch before any inference.
    const good = await decodeAudioBytes(dog);
    await expectInputError(() => encoder.embed([good, { sampleRate: 44100, channels: [new Float32Array(100)] }]), 'silent-audio', /audio 1/);
    await stillWorks();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sanity (reported, not enforced): animal sounds vs vehicle sounds', async () => {
    const names = [DOG, COW, LION, SHEEP, FIRETRUCK, BATHYSCAPE];
    const vectors = await encoder.embed(await Promise.all(names.map((f) => decodeAudioBytes(stampBytes(f), f))));
    const short = names.map((n) => n.split('/').pop()!.replace('.ogg', ''));
    const rows = vectors.map((a, i) => `${short[i]!.padEnd(10)} ${vectors.map((b) => dot(a, b).toFixed(2)).join(' ')}`);
    console.log(`audio cosine matrix (${short.join(', ')}):\n${rows.join('\n')}`);
    const [dog, cow, lion, sheep, truck, ship] = vectors as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    console.log(
      `dog·cow ${dot(dog, cow).toFixed(3)} vs dog·firetruck ${dot(dog, truck).toFixed(3)}; lion·sheep ${dot(lion, sheep).toFixed(3)} vs lion·ship ${dot(lion, ship).toFixed(3)}`,
    );
  });
});
