/**
 * MovieLens plot vectors for genre prediction: the text encoder over `title. plot` only. The
 * recommender's cached movie text (movie-embeddings.ts) includes the genre names, which would
 * leak the label into the classifier, so the plots are embedded again without them. Movies with
 * no plot are left out (`vectors[i]` undefined). Cached in eval-results/cache/ (git-ignored:
 * derived from research-only data), keyed by the encoder-independent inputs' hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncoderInfo } from '../../protocol/embedding.ts';
import { CACHE_DIR } from '../eval/movie-embeddings.ts';
import type { Movie, MovieLensData } from '../eval/movielens.ts';
import { embedTextsInBatches } from '../embed-texts-in-batches.ts';
import { NodeEncoders } from '../node-encoders.ts';
import { initNodeTf } from '../node-tf.ts';

export interface PlotEmbeddings {
  encoder: EncoderInfo;
  vectors: Array<Float32Array | undefined>;
}

/** The genre-free text of a movie with a plot, or undefined. */
export function plotText(movie: Movie): string | undefined {
  return movie.description && movie.description.trim() !== '' ? `${movie.title}. ${movie.description}` : undefined;
}

export async function moviePlotEmbeddings(data: MovieLensData, log: (line: string) => void = () => {}): Promise<PlotEmbeddings> {
  const texts = data.movies.map(plotText);
  const hash = createHash('sha256');
  for (const t of texts) hash.update(`${t ?? ''}\u0000`);
  const key = hash.digest('hex').slice(0, 16);
  const meta = join(CACHE_DIR, `ml100k-plot-${key}.json`);
  const file = join(CACHE_DIR, `ml100k-plot-${key}.f32`);
  if (existsSync(meta) && existsSync(file)) {
    const encoder = JSON.parse(readFileSync(meta, 'utf8')) as EncoderInfo;
    const all = new Float32Array(readFileSync(file).buffer.slice(0));
    let row = 0;
    return { encoder, vectors: texts.map((t) => (t === undefined ? undefined : all.slice(row * encoder.dims, ++row * encoder.dims))) };
  }
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const present = texts.filter((t): t is string => t !== undefined);
  const { encoder, vectors: out } = await embedTextsInBatches(encoders, present, (done, total) => log(`embedded ${done}/${total} plots`));
  await encoders.dispose();
  if (!encoder) throw new Error('no movie has a plot to embed');
  const all = new Float32Array(out.length * encoder.dims);
  out.forEach((v, i) => all.set(v, i * encoder.dims));
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(file, new Uint8Array(all.buffer));
  writeFileSync(meta, JSON.stringify(encoder));
  let row = 0;
  return { encoder, vectors: texts.map((t) => (t === undefined ? undefined : out[row++])) };
}
