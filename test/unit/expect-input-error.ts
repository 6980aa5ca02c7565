import { expect } from 'vitest';
import { EncoderInputError, type EncoderInputProblem } from '../../src/shared/encoder-input-error.ts';

/** Assert that `call` (a promise, or a function that throws or rejects) fails with this EncoderInputError. */
export async function expectInputError(call: Promise<unknown> | (() => unknown), problem: EncoderInputProblem, text?: RegExp): Promise<void> {
  let error: unknown;
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EncoderInputError);
  expect((error as EncoderInputError).problem).toBe(problem);
  expect((error as Error).message.startsWith(`[${problem}]`)).toBe(true);
  if (text) expect((error as Error).message).toMatch(text);
}
