import { DECODE_TIMEOUT_MS } from '../../../protocol/limits.ts';
import { encoderInputProblem } from '../../../protocol/embedding.ts';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import { decodeHere, type DecodedAs, type DecodeRequest } from './decode-request.ts';
import type { DecodeResponse } from './decode-worker.ts';

/** How user files are decoded; the engine's test hook changes it (`configureDecodingForTesting`). */
export interface UserFileDecoding {
  /** A decode that has not answered after this many ms is ended: `decode-timeout`. Default DECODE_TIMEOUT_MS. */
  timeoutMs: number;
  /** Decode in a worker of its own (default). False decodes in the calling thread, as where no Worker exists. */
  inWorker: boolean;
}

export const DEFAULT_USER_FILE_DECODING: Readonly<UserFileDecoding> = { timeoutMs: DECODE_TIMEOUT_MS, inWorker: true };

/**
 * Decode a user's file in a short-lived worker of its own: the bytes are transferred there (the
 * caller's buffer is detached), the RGBA or PCM transferred back, and the worker ended. A decode
 * that takes longer than `timeoutMs` ends the worker and rejects with EncoderInputError
 * `decode-timeout`; a decoder that crashes its worker rejects with `corrupt-image` /
 * `corrupt-audio`. Either way the calling engine keeps serving. Where this context has no
 * `Worker` (Node: tests, catalog builds), the same decoders run in this thread, without a limit.
 */
export function decodeUserFile<R extends DecodeRequest>(
  request: R,
  decoding: Readonly<UserFileDecoding> = DEFAULT_USER_FILE_DECODING,
  startWorker: () => Worker = startDecodeWorker,
): Promise<DecodedAs<R['kind']>> {
  if (!decoding.inWorker || typeof Worker === 'undefined') return decodeHere(request);
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    const what = request.kind === 'image' ? 'picture' : 'sound';
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new EncoderInputError(
              'decode-timeout',
              `${request.label}: decoding the ${what} took longer than ${seconds(decoding.timeoutMs)}, so it was stopped. Try another file.`,
            ),
          ),
        ),
      decoding.timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      worker.terminate();
      settle();
    };
    const crashed = (reason: string) =>
      new EncoderInputError(request.kind === 'image' ? 'corrupt-image' : 'corrupt-audio', `${request.label}: the ${what}'s decoder stopped (${reason})`);
    worker.onmessage = (event: MessageEvent<DecodeResponse>) => {
      const response = event.data;
      finish(() => (response.ok ? resolve(response.decoded as DecodedAs<R['kind']>) : reject(rebuiltError(response.name, response.message))));
    };
    worker.onmessageerror = () => finish(() => reject(crashed('its answer could not be read')));
    worker.onerror = (event) => {
      event.preventDefault(); // handled here: no second, unexplained copy in the console
      finish(() => reject(crashed(event.message || 'the decode worker failed')));
    };
    worker.postMessage(request, [request.bytes]);
  });
}

/**
 * The decode worker (decode-worker.ts). decodeUserFile takes another starter only so that tests
 * can hand it a real worker that crashes or hangs (test/browser/decode-user-file.test.ts).
 */
export function startDecodeWorker(): Worker {
  return new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'ondevice-recs-decode' });
}

/** The decoder's error as thrown in this thread: an EncoderInputError keeps its class and code. */
function rebuiltError(name: string, message: string): Error {
  const error = Object.assign(new Error(message), { name });
  const problem = encoderInputProblem(error);
  if (problem === undefined) return error;
  return new EncoderInputError(problem, message.slice(problem.length + 3));
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
