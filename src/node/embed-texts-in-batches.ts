import type { EncoderInfo } from '../protocol/embedding.ts';
import type { NodeEncoders } from './node-encoders.ts';

/** Texts per encoder call: bounds the tokenised batch's memory and paces the progress lines. */
export const TEXT_BATCH = 32;

/**
 * Embed `texts` in batches of TEXT_BATCH with the text encoder; `onBatch(done, total)` after each.
 * `encoder` is undefined only when there was no text.
 */
export async function embedTextsInBatches(
  encoders: Pick<NodeEncoders, 'embedText'>,
  texts: readonly string[],
  onBatch: (done: number, total: number) => void = () => {},
): Promise<{ encoder: EncoderInfo | undefined; vectors: Float32Array[] }> {
  const vectors: Float32Array[] = [];
  let encoder: EncoderInfo | undefined;
  for (let i = 0; i < texts.length; i += TEXT_BATCH) {
    const e = await encoders.embedText(texts.slice(i, i + TEXT_BATCH));
    encoder = e.encoder;
    vectors.push(...e.vectors);
    onBatch(Math.min(i + TEXT_BATCH, texts.length), texts.length);
  }
  return { encoder, vectors };
}
