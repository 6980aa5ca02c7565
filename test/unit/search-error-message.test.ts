import { describe, expect, it } from 'vitest';
import { EncoderInputError } from '../../src/engine/encoders/encoder-input-error.ts';
import { searchErrorMessage } from '../../src/demo/search-error-message.ts';

/** What crosses the worker boundary: only name and message survive structured cloning. */
function cloned(error: Error): Error {
  return Object.assign(new Error(error.message), { name: error.name });
}

describe('searchErrorMessage', () => {
  it('turns the engine problem codes into sentences, keeping the engine detail', () => {
    expect(searchErrorMessage(cloned(new EncoderInputError('silent-audio', 'audio #1 peaks at 0.00001')), 'audio')).toBe(
      'That sound is silent (or almost), so there is nothing to compare. Try a louder one. (audio #1 peaks at 0.00001)',
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('corrupt-image', 'image #1 looks like PNG but could not be decoded')), 'image')).toBe(
      'That picture could not be read: image #1 looks like PNG but could not be decoded',
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('too-long', 'the sound lasts 41 s; at most 30 s')), 'audio')).toBe(
      'That sound is too long to use as an example: the sound lasts 41 s; at most 30 s',
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('empty-text', 'text #1 is empty')), 'text')).toBe('Type a few words describing what you are looking for.');
  });

  it('passes any other failure on with its message', () => {
    expect(searchErrorMessage(new Error('worker gone'), 'text')).toBe('The search did not work: worker gone');
    expect(searchErrorMessage('odd', 'image')).toBe('The search did not work: odd');
  });
});
