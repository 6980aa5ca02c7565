/** Types of the embedding half of the boundary: shared by the page and the worker. */
import { errorCodes } from '../shared/error-codes.ts';

export type Modality = 'text' | 'image' | 'audio';

/** What a vector was made with: stored next to catalog vectors so mismatches are caught. */
export interface EncoderInfo {
  modality: Modality;
  name: string;
  version: string;
  dims: number;
}

/** The vectors of one batch, in input order, the encoder that made them and the tfjs backend it ran on. */
export interface Embedding {
  encoder: EncoderInfo;
  vectors: Float32Array[];
  backend: string;
}

/** Why an input could not be embedded. Stable strings: the page and tests match on them. */
export const ENCODER_INPUT_PROBLEMS = [
  'empty-text',
  'text-too-long',
  'corrupt-image',
  'unsupported-format',
  'empty-audio',
  'silent-audio',
  'corrupt-audio',
  /** A search-by-example sound longer than MAX_EXAMPLE_AUDIO_SECONDS, or video longer than MAX_EXAMPLE_VIDEO_SECONDS. */
  'too-long',
  /** A file, picture, frame or frame count above the limits of limits.ts. */
  'too-large',
  /** A video whose container or frames are damaged. */
  'corrupt-video',
  /** A video in a codec this browser cannot decode (e.g. Theora, or H.264 without the codec). */
  'undecodable-video',
  /** A file with no video track, or one without a single frame. */
  'empty-video',
  /** A picture or sound whose decoding took longer than DECODE_TIMEOUT_MS (limits.ts): its decoder was ended. */
  'decode-timeout',
] as const;
export type EncoderInputProblem = (typeof ENCODER_INPUT_PROBLEMS)[number];
const encoderInputProblems = errorCodes(ENCODER_INPUT_PROBLEMS);

/**
 * The problem code of an EncoderInputError after it crossed the worker boundary
 * (structured cloning keeps only an Error's name and message), or undefined.
 */
export function encoderInputProblem(error: unknown): EncoderInputProblem | undefined {
  if (!(error instanceof Error) || error.name !== 'EncoderInputError') return undefined;
  return encoderInputProblems.fromMessage(error.message);
}
