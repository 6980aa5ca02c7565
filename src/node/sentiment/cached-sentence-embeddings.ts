/**
 * Text-encoder vectors of a list of sentences, cached on disk (eval-results/cache/sentiment/,
 * git-ignored): embedding the 7,000 labelled sentences takes minutes on a small machine, and
 * training, evaluation and tests then reuse them. The cache key is the encoder's name@version
 * and a hash of the sentences, so a changed encoder or corpus is embedded again, never mixed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EncoderInfo } from '../../protocol/embedding.ts';

export interface SentenceVectors {
  encoder: EncoderInfo;
  /** One row per sentence, `dims` values each. */
  vectors: Float32Array[];
}

/** What the cache needs of an encoder: NodeEncoders.embedText. */
export type EmbedTexts = (texts: readonly string[]) => Promise<{ encoder: EncoderInfo; vectors: Float32Array[] }>;

const BATCH = 64;

export async function cachedSentenceVectors(
  name: string,
  texts: readonly string[],
  embed: EmbedTexts,
  cacheDir: string,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<SentenceVectors> {
  const hash = createHash('sha256').update(JSON.stringify(texts)).digest('hex').slice(0, 16);
  // The encoder is known only once it has embedded something: one sentence tells it, cheaply.
  const probe = await embed(texts.slice(0, 1));
  const encoder = probe.encoder;
  const base = join(cacheDir, `${name}-${encoder.name}@${encoder.version}-${hash}`);
  if (existsSync(`${base}.f32`)) {
    const bytes = await readFile(`${base}.f32`);
    const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    if (all.length === texts.length * encoder.dims) {
      onProgress(texts.length, texts.length);
      return { encoder, vectors: texts.map((_, i) => all.slice(i * encoder.dims, (i + 1) * encoder.dims)) };
    }
  }
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    vectors.push(...(await embed(texts.slice(start, start + BATCH))).vectors);
    onProgress(vectors.length, texts.length);
  }
  const all = new Float32Array(texts.length * encoder.dims);
  vectors.forEach((v, i) => all.set(v, i * encoder.dims));
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${base}.f32.part`, all);
  await rename(`${base}.f32.part`, `${base}.f32`);
  return { encoder, vectors };
}
