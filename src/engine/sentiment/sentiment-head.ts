/**
 * The review sentiment head: logistic regression on the text encoder's vector of a review,
 * P(positive) = σ(w·x + b). Trained in Node by `npm run train:sentiment` on labelled
 * sentences (docs/recommender.md, review sentiment) and served as
 * `models/sentiment-head/head.json`; runtime-neutral arithmetic, no tensors, so the worker and
 * Node give the same number for the same vector.
 *
 * A head only reads vectors of the encoder it was trained on (name, version and dims must
 * match): another encoder's space would give a confident, meaningless answer.
 */
import type { EncoderInfo } from '../../protocol/embedding.ts';

export const SENTIMENT_HEAD_FORMAT = 'ondevice-recs-sentiment-head';
export const SENTIMENT_HEAD_VERSION = 1;

export interface SentimentHead {
  format: typeof SENTIMENT_HEAD_FORMAT;
  version: typeof SENTIMENT_HEAD_VERSION;
  /** The text encoder whose vectors it reads. */
  encoder: { name: string; version: string; dims: number };
  weights: number[];
  bias: number;
  /** Which corpora and how many sentences it was fitted on (for the privacy panel and docs). */
  trainedOn: { corpora: string[]; sentences: number; l2: number };
}

/** A head file that is missing, damaged, or for another encoder: the review cannot be scored. */
export class SentimentHeadError extends Error {
  override readonly name = 'SentimentHeadError';
  constructor(detail: string) {
    super(`[sentiment-unavailable] ${detail}`);
  }
}

/** Checks a parsed head.json; throws SentimentHeadError naming what is wrong. */
export function parseSentimentHead(json: unknown, source = 'head.json'): SentimentHead {
  const head = json as Partial<SentimentHead> | null;
  if (typeof head !== 'object' || head === null || head.format !== SENTIMENT_HEAD_FORMAT)
    throw new SentimentHeadError(`${source} is not a sentiment head (format ${SENTIMENT_HEAD_FORMAT})`);
  if (head.version !== SENTIMENT_HEAD_VERSION)
    throw new SentimentHeadError(`${source} has version ${String(head.version)}; this engine reads version ${SENTIMENT_HEAD_VERSION}`);
  const encoder = head.encoder;
  if (typeof encoder?.name !== 'string' || typeof encoder.version !== 'string' || !Number.isInteger(encoder.dims))
    throw new SentimentHeadError(`${source}: encoder must be {name, version, dims}`);
  if (!Array.isArray(head.weights) || head.weights.length !== encoder.dims || !head.weights.every(Number.isFinite))
    throw new SentimentHeadError(`${source}: weights must be ${encoder.dims} finite numbers`);
  if (typeof head.bias !== 'number' || !Number.isFinite(head.bias)) throw new SentimentHeadError(`${source}: bias must be a finite number`);
  return head as SentimentHead;
}

/** Whether `head` reads vectors of `encoder`. */
export function headMatches(head: SentimentHead, encoder: EncoderInfo): boolean {
  return head.encoder.name === encoder.name && head.encoder.version === encoder.version && head.encoder.dims === encoder.dims;
}

/** P(positive) of one vector, in [0, 1]. */
export function positiveProbability(head: Pick<SentimentHead, 'weights' | 'bias'>, vector: ArrayLike<number>): number {
  if (vector.length !== head.weights.length) throw new RangeError(`sentiment head: vector has ${vector.length} values, the head reads ${head.weights.length}`);
  let z = head.bias;
  for (let i = 0; i < vector.length; i++) z += head.weights[i]! * vector[i]!;
  return 1 / (1 + Math.exp(-z));
}
