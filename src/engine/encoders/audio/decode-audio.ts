import type { PcmAudio } from '../encoder.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { MAX_AUDIO_BYTES, MAX_DECODE_AUDIO_SECONDS } from '../../../protocol/limits.ts';
import { containerDurationSeconds } from '../../../shared/audio/container-duration.ts';
import { checkOggIntegrity, findWavData, sniffAudioFormat, type AudioContainer } from '../../../shared/audio/sniff-audio-format.ts';

/**
 * Audio file bytes → PcmAudio, identically in the browser worker and in Node.
 *
 * The decoders are the ones `audio-decode` (3.12, i.e. `@audio/decode`) dispatches to:
 * `@audio/decode-vorbis`, `-opus`, `-flac`, `-mp3` (wasm, inlined into their JS as yEnc
 * strings, no .wasm files to serve) and `-wav` (pure JS). They are imported one by one rather
 * than through `audio-decode`'s index because that index also dynamic-imports decoders that are
 * not installed (`@audio/decode-ape`), which makes a Vite/Rolldown build fail, and would pull
 * ~5 MB of decoders for formats this app does not accept into the bundle.
 * Decoding never uses WebAudio (`decodeAudioData` resamples differently per browser), so
 * Node and browsers get the same samples from the same bytes.
 *
 * Errors (EncoderInputError): 0 bytes → `empty-audio`; not Ogg Vorbis/Opus, FLAC, WAV or MP3
 * → `unsupported-format`; over MAX_AUDIO_BYTES → `too-large`; longer than `maxSeconds` by its
 * container (container-duration.ts, read before decoding) → `too-long`; damaged, truncated
 * or undecodable → `corrupt-audio`.
 */

export interface DecodeAudioOptions {
  /** Refuse (`too-long`) a sound whose container declares more seconds. Default MAX_DECODE_AUDIO_SECONDS. */
  maxSeconds?: number;
}

interface DecodedAudio {
  channelData: Float32Array[];
  sampleRate: number;
}

type WholeFileDecoder = (bytes: Uint8Array) => Promise<DecodedAudio> | DecodedAudio;

const decoderLoaders: Record<AudioContainer, () => Promise<WholeFileDecoder>> = {
  'ogg-vorbis': async () => (await import('@audio/decode-vorbis')).default,
  'ogg-opus': async () => (await import('@audio/decode-opus')).default,
  flac: async () => (await import('@audio/decode-flac')).default,
  mp3: async () => (await import('@audio/decode-mp3')).default,
  wav: async () => (await import('@audio/decode-wav')).default,
};

const loadedDecoders = new Map<AudioContainer, Promise<WholeFileDecoder>>();

function loadDecoder(format: AudioContainer): Promise<WholeFileDecoder> {
  let decoder = loadedDecoders.get(format);
  if (!decoder) {
    decoder = decoderLoaders[format]();
    // A failed chunk load should be retried next time, not cached.
    decoder.catch(() => loadedDecoders.delete(format));
    loadedDecoders.set(format, decoder);
  }
  return decoder;
}

function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/**
 * Decodes a whole audio file. `label` names the input in error messages (a file name, say).
 * The samples are returned as the file has them (channels and rate untouched);
 * prepare-audio.ts does downmixing, resampling and length capping.
 */
export async function decodeAudioBytes(input: Uint8Array | ArrayBuffer, label = 'audio', options: DecodeAudioOptions = {}): Promise<PcmAudio> {
  const bytes = toBytes(input);
  if (bytes.length === 0) throw new EncoderInputError('empty-audio', `${label}: the file is empty (0 bytes)`);
  if (bytes.length > MAX_AUDIO_BYTES) {
    throw new EncoderInputError('too-large', `${label}: the file is ${(bytes.length / 1048576).toFixed(1)} MB; the limit is ${MAX_AUDIO_BYTES / 1048576} MB`);
  }

  const format = sniffAudioFormat(bytes);
  if (!format) {
    throw new EncoderInputError('unsupported-format', `${label}: not an Ogg Vorbis/Opus, FLAC, WAV or MP3 file (unrecognised header)`);
  }

  // Ogg pages first (CRCs, no decoding): a damaged page's granule position would be noise.
  if (format === 'ogg-vorbis' || format === 'ogg-opus') {
    const problem = checkOggIntegrity(bytes);
    if (problem) throw new EncoderInputError('corrupt-audio', `${label}: ${problem}`);
  }

  // Before any decoding: a few kB of FLAC or Opus can hold hours of silence.
  const maxSeconds = options.maxSeconds ?? MAX_DECODE_AUDIO_SECONDS;
  const declaredSeconds = containerDurationSeconds(bytes, format);
  if (declaredSeconds !== undefined && declaredSeconds > maxSeconds) {
    throw new EncoderInputError(
      'too-long',
      `${label}: the sound is ${declaredSeconds.toFixed(1)} s long (by its ${format} header); the limit is ${maxSeconds} s. Use a shorter clip.`,
    );
  }
  let wavData: ReturnType<typeof findWavData> | undefined;
  if (format === 'wav') {
    wavData = findWavData(bytes);
    if (!wavData) throw new EncoderInputError('corrupt-audio', `${label}: WAV file has no data chunk`);
    const streamed = wavData.declared === 0 || wavData.declared === 0xffffffff;
    if (!streamed && wavData.declared > wavData.present) {
      throw new EncoderInputError(
        'corrupt-audio',
        `${label}: WAV data chunk declares ${wavData.declared} bytes but only ${wavData.present} are present (file truncated)`,
      );
    }
    if (wavData.present === 0) {
      throw new EncoderInputError('empty-audio', `${label}: WAV file has no samples`);
    }
  }

  let decoded: DecodedAudio;
  try {
    const decode = await loadDecoder(format);
    // The decoders may keep or transfer the buffer they are given: hand them a copy.
    decoded = await decode(bytes.slice());
  } catch (error) {
    if (error instanceof EncoderInputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-audio', `${label}: ${format} decoder failed (${reason})`);
  }

  const channels = (decoded?.channelData ?? []).filter((c) => c && c.length > 0);
  const length = channels[0]?.length ?? 0;
  if (channels.length === 0 || length === 0) {
    // The container looked intact (Ogg pages and EOS checked, WAV sizes checked) yet held no samples.
    if (format === 'ogg-vorbis' || format === 'ogg-opus' || format === 'wav') {
      throw new EncoderInputError('empty-audio', `${label}: the ${format} file contains no samples`);
    }
    throw new EncoderInputError('corrupt-audio', `${label}: the ${format} decoder produced no samples`);
  }
  const sampleRate = decoded.sampleRate;
  if (!Number.isFinite(sampleRate) || sampleRate < 1000 || sampleRate > 768000) {
    throw new EncoderInputError('corrupt-audio', `${label}: implausible sample rate ${sampleRate}`);
  }
  const out: Float32Array[] = [];
  for (const channel of channels) {
    // Some decoders return subarrays of a shared wasm heap: copy, and equalise lengths.
    const copy = new Float32Array(length);
    copy.set(channel.length > length ? channel.subarray(0, length) : channel);
    for (let i = 0; i < copy.length; i++) {
      if (!Number.isFinite(copy[i]!)) throw new EncoderInputError('corrupt-audio', `${label}: decoded samples are not finite`);
    }
    out.push(copy);
  }
  return { sampleRate, channels: out };
}
