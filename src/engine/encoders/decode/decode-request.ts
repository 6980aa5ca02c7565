import type { PcmAudio, RgbaImage } from '../encoder.ts';
import { decodeAudioBytes } from '../audio/decode-audio.ts';
import { decodeImageInWorker } from '../image/decode-image-in-worker.ts';
import { resvgWasmUrl } from '../image/rasterize-svg.ts';

/**
 * One user file to decode, as it crosses to the decode worker (decode-user-file.ts). The same
 * function, `decodeHere`, runs it there and, where no worker can be started, in this thread:
 * one decoding code path, so the pixels and samples are the same either way.
 */
export type DecodeRequest =
  | {
      kind: 'image';
      /** The file; transferred to the decode worker, so the sender's copy is detached. */
      bytes: ArrayBuffer;
      /** Names the file in error messages. */
      label: string;
      /** Where resvg's wasm sits (`<assetsBaseUrl>/resvg/index_bg.wasm`), for an SVG. */
      assetsBaseUrl: string;
    }
  | {
      kind: 'audio';
      bytes: ArrayBuffer;
      label: string;
      /** Refuse (`too-long`) a sound whose container declares more seconds. */
      maxSeconds?: number;
    };

export type DecodedFile = { kind: 'image'; image: RgbaImage } | { kind: 'audio'; audio: PcmAudio };

/** What a request of kind `K` decodes to. */
export type DecodedAs<K extends DecodeRequest['kind']> = Extract<DecodedFile, { kind: K }>;

/** Decode in the calling thread with the engine's decoders (decode-image-in-worker.ts, decode-audio.ts). */
export async function decodeHere<R extends DecodeRequest>(request: R): Promise<DecodedAs<R['kind']>> {
  return (await decodeEither(request)) as DecodedAs<R['kind']>;
}

async function decodeEither(request: DecodeRequest): Promise<DecodedFile> {
  if (request.kind === 'image') {
    return { kind: 'image', image: await decodeImageInWorker(request.bytes, { resvgWasm: resvgWasmUrl(request.assetsBaseUrl) }, request.label) };
  }
  const options = request.maxSeconds === undefined ? {} : { maxSeconds: request.maxSeconds };
  return { kind: 'audio', audio: await decodeAudioBytes(request.bytes, request.label, options) };
}

/** The buffers of a decoded file, to transfer rather than copy: RGBA of 40 MP is 160 MB. */
export function transferablesOf(decoded: DecodedFile): ArrayBuffer[] {
  const views = decoded.kind === 'image' ? [decoded.image.data] : decoded.audio.channels;
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) if (view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
  return [...buffers];
}
