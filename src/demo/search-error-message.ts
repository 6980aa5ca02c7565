import { encoderInputProblem } from '../protocol/embedding.ts';

export type ExampleKind = 'text' | 'image' | 'audio' | 'video';

const NOUN: Record<ExampleKind, string> = { text: 'text', image: 'picture', audio: 'sound', video: 'video' };

/**
 * What to tell the user when the engine refused or failed a search by example. The engine's
 * EncoderInputError message starts with its problem code (`[silent-audio] …`); people get a
 * sentence instead of the code, with the engine's own detail after it.
 */
export function searchErrorMessage(error: unknown, kind: ExampleKind): string {
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.replace(/^\[[a-z-]+\] /, '');
  switch (encoderInputProblem(error)) {
    case 'empty-text':
      return 'Type a few words describing what you are looking for.';
    case 'text-too-long':
      return `That text is too long to use as an example: ${detail}`;
    case 'silent-audio':
      return `That sound is silent (or almost), so there is nothing to compare. Try a louder one. (${detail})`;
    case 'empty-audio':
      return `That sound is empty. (${detail})`;
    case 'too-long':
      return `That ${NOUN[kind]} is too long to use as an example: ${detail}`;
    case 'too-large':
      return `That ${NOUN[kind]} is too large to use as an example: ${detail}`;
    case 'empty-video':
      return `That video has no pictures in it. (${detail})`;
    case 'undecodable-video':
      return `This browser cannot play that video's format, so it cannot be used: ${detail}. Try an MP4 (H.264) or WebM (VP9) video.`;
    case 'corrupt-video':
      return `That video could not be read; the file looks damaged: ${detail}`;
    case 'decode-timeout':
      return `That ${NOUN[kind]} took too long to read, so reading it was stopped; the search still works with another file. (${detail})`;
    case 'unsupported-format':
    case 'corrupt-image':
    case 'corrupt-audio':
      return `That ${NOUN[kind]} could not be read: ${detail}`;
    case undefined:
      return `The search did not work: ${message}`;
  }
}
