import { describe, expect, it } from 'vitest';
import { ENCODER_INPUT_PROBLEMS, encoderInputProblem } from '../../../src/protocol/embedding.ts';
import { errorCodes } from '../../../src/shared/error-codes.ts';
import { PROFILE_STORE_ERROR_CODES, ProfileStoreError, profileStoreErrorCode } from '../../../src/engine/store/profile-store-error.ts';
import { EncoderInputError } from '../../../src/shared/encoder-input-error.ts';

describe('errorCodes', () => {
  const codes = errorCodes(['quota-exceeded', 'too-large'] as const);

  it('knows exactly the listed codes', () => {
    expect(codes.is('quota-exceeded')).toBe(true);
    expect(codes.is('too-large')).toBe(true);
    expect(codes.is('too-small')).toBe(false);
    expect(codes.is(undefined)).toBe(false);
    expect(codes.is(42)).toBe(false);
  });

  it('reads the code a "[code] detail" message starts with, and nothing else', () => {
    expect(codes.fromMessage('[too-large] 3 MB is over the limit')).toBe('too-large');
    expect(codes.fromMessage('[too-small] not a listed code')).toBeUndefined();
    expect(codes.fromMessage('too-large without brackets')).toBeUndefined();
    expect(codes.fromMessage('a message that mentions [too-large] later')).toBeUndefined();
    expect(codes.fromMessage('[too-large]no space after the code')).toBeUndefined();
  });
});

describe('the error-code lists built on it', () => {
  it('reads every encoder input problem back from an error that crossed the worker boundary', () => {
    for (const problem of ENCODER_INPUT_PROBLEMS) {
      const crossed = Object.assign(new Error(new EncoderInputError(problem, 'detail').message), { name: 'EncoderInputError' });
      expect(encoderInputProblem(crossed)).toBe(problem);
    }
    expect(encoderInputProblem(new Error('[empty-text] but not an EncoderInputError'))).toBeUndefined();
  });

  it('reads every profile store code back, from the error and from a plain Error with its message', () => {
    for (const code of PROFILE_STORE_ERROR_CODES) {
      const error = new ProfileStoreError(code, 'detail');
      expect(profileStoreErrorCode(error)).toBe(code);
      expect(profileStoreErrorCode(new Error(error.message))).toBe(code);
    }
    expect(profileStoreErrorCode(new Error('[not-a-code] detail'))).toBeUndefined();
    expect(profileStoreErrorCode('quota-exceeded')).toBeUndefined();
  });
});
