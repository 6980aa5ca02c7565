import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioBytes } from '../../src/engine/encoders/audio/decode-audio.ts';
import { decodeUserFile, DEFAULT_USER_FILE_DECODING } from '../../src/engine/encoders/decode/decode-user-file.ts';
import { transferablesOf } from '../../src/engine/encoders/decode/decode-request.ts';
import { DECODE_TIMEOUT_MS } from '../../src/protocol/limits.ts';
import { makeSound } from '../sound-fixtures.ts';
import { expectInputError } from './expect-input-error.ts';

/**
 * Where no Worker exists (Node: tests, the catalog builder, batch tools) a user's file is decoded
 * in this thread by the very decoders the decode worker runs, so vectors are the same either way.
 * The worker itself, its time limit, its crashes and its end are tested in real Chromium
 * (test/browser/decode-user-file.test.ts, e2e/adversarial-decode.spec.ts).
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'decode-user-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const copy = (bytes: Uint8Array) => bytes.slice().buffer;

describe('decodeUserFile without a Worker', () => {
  it('runs in this thread and gives exactly the samples of decodeAudioBytes, in every sound format', async () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    expect(DEFAULT_USER_FILE_DECODING).toEqual({ timeoutMs: DECODE_TIMEOUT_MS, inWorker: true });
    for (const format of ['flac', 'opus', 'mp3', 'vorbis', 'wav'] as const) {
      const bytes = makeSound(dir, format, 2, true);
      const direct = await decodeAudioBytes(copy(bytes), format);
      const decoded = await decodeUserFile({ kind: 'audio', bytes: copy(bytes), label: format });
      expect(decoded.kind).toBe('audio');
      expect(decoded.audio.sampleRate, format).toBe(direct.sampleRate);
      expect(decoded.audio.channels, format).toEqual(direct.channels);
      // What the decode worker transfers back: each channel's own buffer, none shared.
      expect(transferablesOf(decoded)).toHaveLength(decoded.audio.channels.length);
    }
  });

  it('keeps the typed refusals of the decoders (too-long by the container, empty, unsupported)', async () => {
    const long = makeSound(dir, 'flac', 40, true);
    await expectInputError(decodeUserFile({ kind: 'audio', bytes: copy(long), label: 'long.flac', maxSeconds: 30 }), 'too-long', /^\[too-long\] long\.flac: /);
    await expectInputError(decodeUserFile({ kind: 'audio', bytes: new ArrayBuffer(0), label: 'empty' }), 'empty-audio');
    await expectInputError(
      decodeUserFile({ kind: 'image', bytes: copy(new TextEncoder().encode('not a picture')), label: 'note.txt', assetsBaseUrl: 'http://localhost/' }),
      'unsupported-format',
    );
  });
});
