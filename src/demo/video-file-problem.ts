import { MAX_EXAMPLE_VIDEO_BYTES, MAX_EXAMPLE_VIDEO_SECONDS } from '../protocol/limits.ts';

const ACCEPTED = `a video file (MP4 or WebM, at most ${MAX_EXAMPLE_VIDEO_SECONDS} s)`;

/**
 * Why a picked file cannot be a video example, in words for the user, or undefined when it may
 * be one. Only what the page can tell without reading the file (its MIME type and size); the
 * engine checks the rest (container, codec, length, frame size) before decoding anything, and
 * refuses with an EncoderInputError that search-error-message.ts words.
 */
export function videoFileProblem(file: Pick<Blob, 'type' | 'size'>, name: string): string | undefined {
  // Browsers label Ogg and Matroska files inconsistently; an empty type is judged by the engine.
  const videoLike = file.type === '' || file.type.startsWith('video/') || file.type === 'application/ogg' || file.type === 'application/octet-stream';
  if (!videoLike) return `“${name}” is not a video (it is ${file.type}). Choose ${ACCEPTED}.`;
  if (file.size === 0) return `“${name}” is empty. Choose ${ACCEPTED}.`;
  if (file.size > MAX_EXAMPLE_VIDEO_BYTES)
    return `“${name}” is ${(file.size / 1048576).toFixed(0)} MB; a video example can be at most ${MAX_EXAMPLE_VIDEO_BYTES / 1048576} MB. Choose a shorter or smaller video.`;
  return undefined;
}
