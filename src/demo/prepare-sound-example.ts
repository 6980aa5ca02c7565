import { containerDurationSeconds } from '../shared/audio/container-duration.ts';
import { sniffAudioFormat } from '../shared/audio/sniff-audio-format.ts';
import { MAX_AUDIO_BYTES } from '../protocol/limits.ts';
import { encodeWav } from '../shared/audio/encode-wav.ts';
import { ExampleRefusal, tooLongMessage } from './example-refusal.ts';

/** A sound ready for `searchByExample({ audio })`, and how long it is. */
export interface SoundExample {
  audio: Blob;
  seconds: number;
}

export type SoundSource = { recording: true } | { fileName: string };

/**
 * Rate the page decodes at when it has to re-encode: the engine resamples every sound to
 * 22 050 Hz anyway, so this loses nothing it would use and keeps the WAV small.
 */
const DECODE_RATE = 22_050;

/** Containers a file picker may label as video although they can hold only sound. */
const SOUND_CONTAINER_TYPES = new Set(['video/webm', 'video/ogg', 'video/mp4', 'application/ogg']);

/** The first bytes say whether the engine reads the file as it is (Ogg Vorbis/Opus, FLAC, WAV, MP3). */
async function engineReads(blob: Blob): Promise<boolean> {
  return sniffAudioFormat(new Uint8Array(await blob.slice(0, 4096).arrayBuffer())) !== null;
}

async function decode(blob: Blob): Promise<AudioBuffer | undefined> {
  const context = new OfflineAudioContext(1, 1, DECODE_RATE);
  try {
    return await context.decodeAudioData(await blob.arrayBuffer());
  } catch {
    return undefined;
  }
}

/**
 * Checks a picked sound file or a recording page-side before anything reaches the engine:
 * it must be at most MAX_AUDIO_BYTES, last at most `maxSeconds` by its container (read before
 * decoding, as the engine does), decode in this browser (`decodeAudioData`) and last at most
 * `maxSeconds` decoded. A file the
 * engine reads is passed on unchanged; anything else (a MediaRecorder WebM/Opus recording, an
 * AAC file) is decoded here and passed on as 16-bit PCM WAV. Throws ExampleRefusal.
 */
export async function prepareSoundExample(blob: Blob, source: SoundSource, maxSeconds: number): Promise<SoundExample> {
  const what = 'recording' in source ? 'The recording' : `“${source.fileName}”`;
  if ('fileName' in source && blob.type !== '' && !blob.type.startsWith('audio/') && !SOUND_CONTAINER_TYPES.has(blob.type)) {
    throw new ExampleRefusal(`${what} is not a sound (it is ${blob.type}). Choose an Ogg, MP3, WAV or FLAC file.`);
  }
  if (blob.size === 0) throw new ExampleRefusal(`${what} is empty: there is no sound in it.`);
  if (blob.size > MAX_AUDIO_BYTES) {
    throw new ExampleRefusal(
      `${what} is too large (${(blob.size / 1048576).toFixed(1)} MB); the limit is ${MAX_AUDIO_BYTES / 1048576} MB. Choose a shorter sound.`,
    );
  }
  // The engine's own container check, before the browser decodes: hours of silence in a small
  // FLAC or Opus file would decode to gigabytes.
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const format = sniffAudioFormat(bytes);
  const declared = format ? containerDurationSeconds(bytes, format) : undefined;
  if (declared !== undefined && declared > maxSeconds) throw new ExampleRefusal(tooLongMessage(declared, maxSeconds, source));
  const decoded = await decode(blob);
  if (!decoded) {
    throw new ExampleRefusal(
      'recording' in source
        ? 'The recording could not be decoded. Try recording again.'
        : `${what} is not a sound this browser can decode. Choose an Ogg, MP3, WAV or FLAC file.`,
    );
  }
  const seconds = decoded.duration;
  if (seconds > maxSeconds) throw new ExampleRefusal(tooLongMessage(seconds, maxSeconds, source));
  if (decoded.length === 0) throw new ExampleRefusal(`${what} is empty: there is no sound in it.`);
  if (await engineReads(blob)) return { audio: blob, seconds };
  const channels = Array.from({ length: decoded.numberOfChannels }, (_, c) => decoded.getChannelData(c));
  return { audio: new Blob([encodeWav({ sampleRate: decoded.sampleRate, channels })], { type: 'audio/wav' }), seconds };
}
