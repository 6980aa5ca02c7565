/**
 * Byte counting for downloads whose progress the page shows: read a body chunk by chunk
 * (the catalog loader), or hand tfjs a fetch whose weight responses count their bytes as tfjs
 * reads them (`LoadOptions.fetchFunc`). Counting happens on the decoded body, so the numbers
 * are the file sizes whatever compression the server used.
 */
import { weightManifestBytes, type WeightsManifest } from './weight-manifest-bytes.ts';

/** A body went past the `maxBytes` its reader allowed; the download was cancelled there. */
export class BodyTooLongError extends Error {
  override readonly name = 'BodyTooLongError';
  constructor(readonly maxBytes: number) {
    super(`the body is longer than ${maxBytes} bytes`);
  }
}

/**
 * The bytes of a response, in full, calling `onChunk` with each chunk's size as it arrives.
 * With `maxBytes`, a body that goes past it (a never-ending or lying one) is cancelled as
 * soon as it does and BodyTooLongError is thrown: no more than `maxBytes` plus one chunk is
 * ever held.
 */
export async function readBodyCounting(response: Response, onChunk: (bytes: number) => void, maxBytes = Infinity): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new BodyTooLongError(maxBytes);
    onChunk(bytes.byteLength);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLongError(maxBytes);
    }
    chunks.push(value);
    onChunk(value.byteLength);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The same response, with a body that reports each chunk's size as its consumer reads it. */
export function countingResponse(response: Response, onChunk: (bytes: number) => void): Response {
  if (!response.body) return response;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onChunk(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The body's size from Content-Length, when the server sent it uncompressed (a compressed length is not the file's). */
export function declaredLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const length = Number(response.headers.get('content-length'));
  return Number.isSafeInteger(length) && length >= 0 && response.headers.has('content-length') ? length : undefined;
}

export interface ModelDownloadProgress {
  /** Called once model.json is read, with the weights' size from its manifest (undefined when it cannot be computed). */
  onTotal(totalBytes: number | undefined): void;
  /** Called with each chunk of weight data as tfjs reads it. */
  onWeightBytes(bytes: number): void;
}

type TfFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * A `fetchFunc` for tfjs's http loader of the model at `modelJsonUrl`: the model.json response
 * is passed through (a copy is read for the weights' total), every other response (the weight
 * shards, fetched in parallel) counts its bytes.
 */
export function countingModelFetch(
  modelJsonUrl: string,
  progress: ModelDownloadProgress,
  fetchFn: TfFetch = (input, init) => globalThis.fetch(input, init),
): TfFetch {
  const modelJson = new URL(modelJsonUrl).href;
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (requestUrl(input) === modelJson) {
      if (response.ok) {
        response
          .clone()
          .json()
          .then(
            (json: { weightsManifest?: WeightsManifest }) => progress.onTotal(weightManifestBytes(json.weightsManifest)),
            () => progress.onTotal(undefined), // tfjs reports the broken model.json itself
          );
      }
      return response;
    }
    return response.ok ? countingResponse(response, (bytes) => progress.onWeightBytes(bytes)) : response;
  };
}

function requestUrl(input: RequestInfo | URL): string {
  if (typeof input === 'string') return new URL(input, globalThis.location?.href).href;
  return input instanceof URL ? input.href : input.url;
}
