/**
 * A short-lived worker that decodes one user file (a search example's picture or sound, an
 * off-catalog item's) off the engine's thread, so a decoder that hangs on a crafted file can be
 * ended (decode-user-file.ts) without ending the engine. It answers once; the engine then ends it.
 */
import { decodeHere, transferablesOf, type DecodedFile, type DecodeRequest } from './decode-request.ts';

export type DecodeResponse = { ok: true; decoded: DecodedFile } | { ok: false; name: string; message: string };

self.onmessage = async (event: MessageEvent<DecodeRequest>) => {
  const worker = self as unknown as Worker;
  try {
    const decoded = await decodeHere(event.data);
    worker.postMessage({ ok: true, decoded } satisfies DecodeResponse, transferablesOf(decoded));
  } catch (error) {
    // Only name and message survive cloning; an EncoderInputError's code leads its message.
    const failure = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
    worker.postMessage({ ok: false, ...failure } satisfies DecodeResponse);
  }
};
