// decodeUserFile's worker paths in real Chromium (issue 11): the real decode worker decodes a
// sound and is ended; a decode worker that crashes, that fails to start, or that never answers
// is refused with a typed EncoderInputError, and the caller's bytes are never kept. The crashing
// and hanging workers are real workers started from small scripts (a decoder that crashes on a
// crafted file cannot be reproduced on demand); decode-user-file.ts takes the starter for this.
// The production build's decode timeouts with real files are in e2e/adversarial-decode.spec.ts.
import { describe, expect, it } from 'vitest';
import { decodeUserFile, DEFAULT_USER_FILE_DECODING } from '../../src/engine/encoders/decode/decode-user-file.ts';
import { EncoderInputError } from '../../src/shared/encoder-input-error.ts';

const SAMPLE_RATE = 16_000;

/** A mono 16-bit PCM WAV of a 440 Hz tone, built by hand so the expected samples are known. */
function toneWav(seconds: number): { bytes: ArrayBuffer; samples: Int16Array } {
  const samples = new Int16Array(SAMPLE_RATE * seconds);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE));
  const bytes = new ArrayBuffer(44 + samples.byteLength);
  const view = new DataView(bytes);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.byteLength, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, SAMPLE_RATE, true);
  view.setUint32(28, SAMPLE_RATE * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples.byteLength, true);
  new Int16Array(bytes, 44).set(samples);
  return { bytes, samples };
}

/** A real module worker running `source`, counted so a test can see how many were started. */
function scriptedWorker(source: string, started: Worker[]): () => Worker {
  return () => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    started.push(worker);
    return worker;
  };
}

async function refusal(promise: Promise<unknown>): Promise<EncoderInputError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EncoderInputError);
  return error as EncoderInputError;
}

describe('decodeUserFile in a browser', () => {
  it('decodes a sound in the real decode worker, transfers the bytes there and gets the samples back', async () => {
    const { bytes, samples } = toneWav(1);
    const decoded = await decodeUserFile({ kind: 'audio', bytes, label: 'tone.wav' });
    expect(bytes.byteLength, 'the file was transferred to the worker, not copied').toBe(0);
    expect(decoded.audio.sampleRate).toBe(SAMPLE_RATE);
    expect(decoded.audio.channels).toHaveLength(1);
    const channel = decoded.audio.channels[0]!;
    expect(channel.length).toBe(samples.length);
    for (const i of [0, 1, 100, 8000, samples.length - 1]) expect(channel[i]).toBeCloseTo(samples[i]! / 32768, 4);
  });

  it('a decode worker that crashes is refused corrupt-image / corrupt-audio naming the file, and is ended', async () => {
    const started: Worker[] = [];
    const crashing = scriptedWorker(`self.onmessage = () => { throw new Error('decoder blew up'); };`, started);
    const image = await refusal(
      decodeUserFile(
        { kind: 'image', bytes: new ArrayBuffer(16), label: 'image #1', assetsBaseUrl: location.origin + '/' },
        DEFAULT_USER_FILE_DECODING,
        crashing,
      ),
    );
    expect(image.problem).toBe('corrupt-image');
    expect(image.message).toMatch(/^\[corrupt-image\] image #1: the picture's decoder stopped \(.*decoder blew up.*\)$/);
    const audio = await refusal(decodeUserFile({ kind: 'audio', bytes: toneWav(1).bytes, label: 'audio #2' }, DEFAULT_USER_FILE_DECODING, crashing));
    expect(audio.problem).toBe('corrupt-audio');
    expect(audio.message).toMatch(/^\[corrupt-audio\] audio #2: the sound's decoder stopped/);
    expect(started).toHaveLength(2);
  });

  it('a decode worker whose script cannot be loaded is refused corrupt-audio, not left pending', async () => {
    const missing = () => new Worker(new URL('/no-such-decode-worker.js', location.origin), { type: 'module' });
    const error = await refusal(decodeUserFile({ kind: 'audio', bytes: toneWav(1).bytes, label: 'audio #1' }, DEFAULT_USER_FILE_DECODING, missing));
    expect(error.problem).toBe('corrupt-audio');
  });

  it('a decode worker that never answers is refused decode-timeout after the limit; the next decode works', async () => {
    const started: Worker[] = [];
    const silent = scriptedWorker(`self.onmessage = () => {};`, started);
    const error = await refusal(decodeUserFile({ kind: 'audio', bytes: toneWav(1).bytes, label: 'audio #1' }, { timeoutMs: 50, inWorker: true }, silent));
    expect(error.problem).toBe('decode-timeout');
    expect(error.message).toBe('[decode-timeout] audio #1: decoding the sound took longer than 50 ms, so it was stopped. Try another file.');
    expect(started).toHaveLength(1);
    const decoded = await decodeUserFile({ kind: 'audio', bytes: toneWav(1).bytes, label: 'tone.wav' });
    expect(decoded.audio.channels[0]!.length).toBe(SAMPLE_RATE);
  });
});
