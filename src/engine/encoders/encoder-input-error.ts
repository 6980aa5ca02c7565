/** Why an input could not be embedded. Stable strings: the page and tests match on them. */
export type EncoderInputProblem =
  | 'empty-text'
  | 'text-too-long'
  | 'corrupt-image'
  | 'unsupported-format'
  | 'empty-audio'
  | 'silent-audio'
  | 'corrupt-audio';

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
