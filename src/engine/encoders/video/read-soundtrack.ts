import { AudioSampleSink, BufferTarget, Conversion, Mp3OutputFormat, OggOutputFormat, Output } from 'mediabunny';
import type { PcmAudio } from '../encoder.ts';
import { decodeAudioBytes } from '../audio/decode-audio.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import type { OpenedVideo } from './open-video.ts';

/**
 * A video's soundtrack as PcmAudio for the audio encoder, the same samples in the worker and in
 * Node: Opus and Vorbis tracks are copied packet for packet into an Ogg file, MP3 into an MP3
 * file (mediabunny, no re-encoding), and decoded by the wasm decoders every sound in the app
 * goes through (decode-audio.ts). Other codecs (AAC in an MP4, PCM) are decoded with WebCodecs'
 * AudioDecoder where there is one (the worker); Node has none and gets `unsupported-format` (the
 * catalog builder's videos are always Opus). `undefined`: the video has no sound track.
 */
export async function readSoundtrack(opened: OpenedVideo, label = 'video'): Promise<PcmAudio | undefined> {
  const track = opened.audio;
  if (!track) return undefined;
  const codec = await track.getCodec();
  const what = `${label}'s soundtrack`;
  if (codec === 'opus' || codec === 'vorbis' || codec === 'mp3') {
    const output = new Output({ format: codec === 'mp3' ? new Mp3OutputFormat() : new OggOutputFormat(), target: new BufferTarget() });
    try {
      const conversion = await Conversion.init({ input: opened.input, output, video: { discard: true }, tracks: 'primary' });
      if (!conversion.isValid) throw new Error(conversion.discardedTracks.map((d) => d.reason).join(', '));
      await conversion.execute();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EncoderInputError('corrupt-audio', `${what} (${codec}) could not be read (${reason})`);
    }
    return decodeAudioBytes(new Uint8Array(output.target.buffer!), what);
  }
  if (typeof AudioDecoder === 'undefined')
    throw new EncoderInputError('unsupported-format', `${what} is ${codec ?? 'in an unknown codec'}; only Opus, Vorbis and MP3 soundtracks are read here`);
  if (!codec || !(await track.canDecode()))
    throw new EncoderInputError('unsupported-format', `${what} is ${codec ?? 'in an unknown codec'}, which this browser cannot decode`);
  const channels: Float32Array[][] = [];
  let sampleRate = 0;
  try {
    for await (const sample of new AudioSampleSink(track).samples()) {
      try {
        sampleRate ||= sample.sampleRate;
        for (let c = 0; c < sample.numberOfChannels; c++) {
          const plane = new Float32Array(sample.numberOfFrames);
          sample.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
          (channels[c] ??= []).push(plane);
        }
      } finally {
        sample.close();
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EncoderInputError('corrupt-audio', `${what} (${codec}) could not be decoded (${reason})`);
  }
  if (channels.length === 0) throw new EncoderInputError('empty-audio', `${what} has no samples`);
  const joined = channels.map((parts) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
  const length = Math.min(...joined.map((c) => c.length));
  return { sampleRate, channels: joined.map((c) => c.subarray(0, length)) };
}
