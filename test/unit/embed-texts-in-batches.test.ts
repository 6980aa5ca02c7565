/**
 * The Node tools' batched text embedding (MovieLens texts and plots): batches of TEXT_BATCH with
 * the real text encoder, progress after each, and the same vectors as one direct call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedTextsInBatches, TEXT_BATCH } from '../../src/node/embed-texts-in-batches.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

let encoders: NodeEncoders;
beforeAll(async () => {
  await initNodeTf('wasm');
  encoders = new NodeEncoders();
}, 120_000);
afterAll(() => encoders.dispose());

describe('embedTextsInBatches', () => {
  it('embeds every text in order, reports progress per batch, and matches a direct call', async () => {
    const texts = Array.from({ length: TEXT_BATCH + 3 }, (_, i) => `a film about the number ${i}`);
    const progress: string[] = [];
    const { encoder, vectors } = await embedTextsInBatches(encoders, texts, (done, total) => progress.push(`${done}/${total}`));
    expect(progress).toEqual([`${TEXT_BATCH}/${texts.length}`, `${texts.length}/${texts.length}`]);
    expect(vectors).toHaveLength(texts.length);
    const direct = await encoders.embedText(texts.slice(TEXT_BATCH));
    expect(encoder).toEqual(direct.encoder);
    direct.vectors.forEach((v, i) => expect(Array.from(vectors[TEXT_BATCH + i]!)).toEqual(Array.from(v)));
  });

  it('gives no encoder and no vectors for no text', async () => {
    expect(await embedTextsInBatches(encoders, [])).toEqual({ encoder: undefined, vectors: [] });
  });
});
