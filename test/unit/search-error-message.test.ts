import { describe, expect, it } from 'vitest';
import { EncoderInputError } from '../../src/shared/encoder-input-error.ts';
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
    expect(searchErrorMessage(cloned(new EncoderInputError('decode-timeout', 'image #1: decoding the picture took longer than 20 s')), 'image')).toBe(
      'That picture took too long to read, so reading it was stopped; the search still works with another file. (image #1: decoding the picture took longer than 20 s)',
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('empty-text', 'text #1 is empty')), 'text')).toBe(
      'Type a few words describing what you are looking for.',
    );
  });

  it('words the video problems (too long, damaged, a codec the browser lacks) for people', () => {
    expect(
      searchErrorMessage(cloned(new EncoderInputError('too-long', 'video: the video is 65.2 s long; the limit is 60 s. Use a shorter clip.')), 'video'),
    ).toBe('That video is too long to use as an example: video: the video is 65.2 s long; the limit is 60 s. Use a shorter clip.');
    expect(searchErrorMessage(cloned(new EncoderInputError('corrupt-video', 'clip.webm: reading its frames failed')), 'video')).toBe(
      'That video could not be read; the file looks damaged: clip.webm: reading its frames failed',
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('undecodable-video', 'clip.ogv: its video codec is not one a browser decodes')), 'video')).toMatch(
      /^This browser cannot play that video's format/,
    );
    expect(searchErrorMessage(cloned(new EncoderInputError('too-large', 'its frames are 7680×4320')), 'video')).toBe(
      'That video is too large to use as an example: its frames are 7680×4320',
    );
  });

  it('passes any other failure on with its message', () => {
    expect(searchErrorMessage(new Error('worker gone'), 'text')).toBe('The search did not work: worker gone');
    expect(searchErrorMessage('odd', 'image')).toBe('The search did not work: odd');
  });
});
