import type { EncoderInputProblem } from '../protocol/embedding.ts';

export type { EncoderInputProblem } from '../protocol/embedding.ts';

/**
 * A bad input (not a bug): the message names the problem and the input, and the
 * encoder stays usable. The problem code is also the message prefix, so it
 * survives structured cloning across the worker boundary, which keeps only
 * `name` and `message` of an Error.
 */
export class EncoderInputError extends Error {
  override readonly name = 'EncoderInputError';
  constructor(
    readonly problem: EncoderInputProblem,
    detail: string,
  ) {
    super(`[${problem}] ${detail}`);
  }
}
