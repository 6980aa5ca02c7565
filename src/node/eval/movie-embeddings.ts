/**
 * The movies' text and poster vectors, embedded in Node with the app's own encoders (text =
 * title + genres + plot, image = poster) and cached in float32 under eval-results/cache/
 * (git-ignored: derived from research-only data, never committed or shipped). The cache is
 * keyed by the encoders' name + version and the inputs' hash, so a change re-embeds.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EncoderInfo } from '../../protocol/embedding.ts';
import { embedTextsInBatches } from '../embed-texts-in-batches.ts';
import { NodeEncoders } from '../node-encoders.ts';
import { initNodeTf } from '../node-tf.ts';
import type { Movie, MovieLensData } from './movielens.ts';
import { REPO_ROOT } from './movielens.ts';

export interface MovieEmbeddings {
  text: { encoder: EncoderInfo; dims: number; vectors: Float32Array[] };
  /** `vectors[i]` is undefined for a movie without a poster. */
  image: { encoder: EncoderInfo; dims: number; vectors: Array<Float32Array | undefined> };
}

export const CACHE_DIR = join(REPO_ROOT, 'eval-results', 'cache');

export function movieText(movie: Movie): string {
  const parts = [movie.title, movie.genres.join(', ')];
  if (movie.description) parts.push(movie.description);
  return parts.filter((p) => p.trim() !== '').join('. ');
}

function inputsHash(data: MovieLensData): string {
  const hash = createHash('sha256');
  for (const movie of data.movies) hash.update(`${movieText(movie)}\u0000${movie.poster ?? ''}\u0000`);
  return hash.digest('hex').slice(0, 16);
}

const BATCH = 32;

/**
 * `posters: false` embeds the texts only and leaves every image undefined (dims 1): the
 * evaluation then runs without posters, in minutes (the posters take most of an hour on two
 * busy cores). A full cache, when there is one, is still read whole.
 */
export async function movieEmbeddings(
  data: MovieLensData,
  log: (line: string) => void = () => {},
  options: { posters?: boolean } = {},
): Promise<MovieEmbeddings> {
  const key = inputsHash(data);
  const meta = join(CACHE_DIR, `ml100k-embeddings-${key}.json`);
  if (options.posters === false && !existsSync(meta)) return textOnly(data, key, log);
  if (existsSync(meta)) {
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as { text: EncoderInfo; image: EncoderInfo; hasImage: boolean[] };
    const text = new Float32Array(readFileSync(join(CACHE_DIR, `ml100k-text-${key}.f32`)).buffer.slice(0));
    const image = new Float32Array(readFileSync(join(CACHE_DIR, `ml100k-image-${key}.f32`)).buffer.slice(0));
    const td = saved.text.dims;
    const id = saved.image.dims;
    let row = 0;
    return {
      text: { encoder: saved.text, dims: td, vectors: data.movies.map((_, i) => text.slice(i * td, (i + 1) * td)) },
      image: { encoder: saved.image, dims: id, vectors: saved.hasImage.map((has) => (has ? image.slice(row * id, ++row * id) : undefined)) },
    };
  }
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const texts = data.movies.map(movieText);
  const { encoder: textEncoder, vectors: textVectors } = await embedTextsInBatches(encoders, texts);
  log(`embedded ${texts.length} movie texts`);
  const withPoster = data.movies.filter((m) => m.poster && existsSync(join(data.dataDir, m.poster)));
  const imageVectors = new Map<number, Float32Array>();
  let imageEncoder: EncoderInfo | undefined;
  for (let i = 0; i < withPoster.length; i += BATCH) {
    const batch = withPoster.slice(i, i + BATCH);
    const e = await encoders.embedImageFiles(batch.map((m) => join(data.dataDir, m.poster!)));
    imageEncoder = e.encoder;
    batch.forEach((m, j) => imageVectors.set(m.item, e.vectors[j]!));
    log(`embedded ${Math.min(i + BATCH, withPoster.length)}/${withPoster.length} posters`);
  }
  await encoders.dispose();
  if (!textEncoder || !imageEncoder) throw new Error('no movies to embed');
  const images = data.movies.map((m) => imageVectors.get(m.item));
  mkdirSync(CACHE_DIR, { recursive: true });
  const concat = (vs: Float32Array[]) => {
    const out = new Float32Array(vs.reduce((s, v) => s + v.length, 0));
    let at = 0;
    for (const v of vs) {
      out.set(v, at);
      at += v.length;
    }
    return out;
  };
  writeFileSync(join(CACHE_DIR, `ml100k-text-${key}.f32`), new Uint8Array(concat(textVectors).buffer));
  writeFileSync(join(CACHE_DIR, `ml100k-image-${key}.f32`), new Uint8Array(concat(images.filter((v): v is Float32Array => v !== undefined)).buffer));
  writeFileSync(meta, JSON.stringify({ text: textEncoder, image: imageEncoder, hasImage: images.map((v) => v !== undefined) }));
  return {
    text: { encoder: textEncoder, dims: textEncoder.dims, vectors: textVectors },
    image: { encoder: imageEncoder, dims: imageEncoder.dims, vectors: images },
  };
}

const NO_IMAGE: EncoderInfo = { modality: 'image', name: 'none', version: '0', dims: 1 };

/** The texts alone (cached as ml100k-textonly-KEY.{f32,json}); no image for any movie. */
async function textOnly(data: MovieLensData, key: string, log: (line: string) => void): Promise<MovieEmbeddings> {
  const meta = join(CACHE_DIR, `ml100k-textonly-${key}.json`);
  const file = join(CACHE_DIR, `ml100k-textonly-${key}.f32`);
  const image = { encoder: NO_IMAGE, dims: 1, vectors: data.movies.map((): Float32Array | undefined => undefined) };
  if (existsSync(meta)) {
    const encoder = JSON.parse(readFileSync(meta, 'utf8')) as EncoderInfo;
    const all = new Float32Array(readFileSync(file).buffer.slice(0));
    return { text: { encoder, dims: encoder.dims, vectors: data.movies.map((_, i) => all.slice(i * encoder.dims, (i + 1) * encoder.dims)) }, image };
  }
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const texts = data.movies.map(movieText);
  const { encoder, vectors } = await embedTextsInBatches(encoders, texts);
  await encoders.dispose();
  if (!encoder) throw new Error('no movies to embed');
  log(`embedded ${texts.length} movie texts (no posters)`);
  mkdirSync(CACHE_DIR, { recursive: true });
  const all = new Float32Array(vectors.length * encoder.dims);
  vectors.forEach((v, i) => all.set(v, i * encoder!.dims));
  writeFileSync(file, new Uint8Array(all.buffer));
  writeFileSync(meta, JSON.stringify(encoder));
  return { text: { encoder, dims: encoder.dims, vectors }, image };
}
