import type { EncoderInfo } from '../../../protocol/embedding.ts';
import { embedInLengthOrder } from '../embed-in-length-order.ts';
import type { Encoder } from '../encoder.ts';

/** What a text encoder brings once its model is loaded. */
export interface TextEncoderParts<Prepared> {
  info: EncoderInfo;
  /** Validates (and tokenizes) one text; throws EncoderInputError. */
  prepare: (text: unknown, label: string) => Prepared;
  /** The length that orders a batch (similar lengths share a pass, so little padding). */
  length: (prepared: Prepared) => number;
  maxBatch: number;
  /** One inference pass over prepared texts; one vector per text, in order. */
  runPass: (batch: Prepared[]) => Promise<Float32Array[]>;
  /** Run one text through before returning, so the first real call is not the slow one. */
  warmUp: boolean;
  /** Releases the model's weights. */
  release: () => void | Promise<void>;
}

/**
 * The lifecycle every text encoder shares (USE-Lite on tfjs, ONNX models through
 * transformers.js): a whole batch is validated before any inference runs, then embedded in
 * length order; an optional warm-up that releases the model if it fails; no calls after
 * dispose, and a second dispose does nothing.
 */
export async function finishTextEncoder<Prepared>(parts: TextEncoderParts<Prepared>): Promise<Encoder<string>> {
  const { info, prepare, length, maxBatch, runPass, release } = parts;
  let disposed = false;

  async function embed(batch: readonly string[]): Promise<Float32Array[]> {
    if (disposed) throw new Error(`${info.name} encoder has been disposed`);
    const prepared = batch.map((text, i) => prepare(text, `text ${i}`));
    return embedInLengthOrder(prepared, length, maxBatch, runPass);
  }

  if (parts.warmUp) {
    try {
      await embed(['Warm up the text encoder.']);
    } catch (error) {
      await release();
      throw error;
    }
  }

  return {
    info,
    embed,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      void release();
    },
  };
}
