/**
 * The movies' content as the harness hands it to recommenders (eval-types.ts ItemContent):
 * the cached text and poster vectors, L2-normalised, and the genres as categories. It is
 * there for every item, new ones included: content is what a new product has.
 */
import type { ContentSpace, ItemContent } from './eval-types.ts';
import type { MovieEmbeddings } from './movie-embeddings.ts';
import type { Movie } from './movielens.ts';

export function unitRows(vectors: ReadonlyArray<Float32Array | undefined>, dims: number): ContentSpace {
  return {
    dims,
    rows: vectors.map((v) => {
      if (!v) return undefined;
      let norm = 0;
      for (let d = 0; d < v.length; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm);
      // A zero vector carries no content: treat it as missing rather than divide by 0.
      return norm > 0 ? v.map((x) => x / norm) : undefined;
    }),
  };
}

export function movieItemContent(movies: readonly Movie[], embeddings: MovieEmbeddings): ItemContent {
  return {
    text: unitRows(embeddings.text.vectors, embeddings.text.dims),
    image: unitRows(embeddings.image.vectors, embeddings.image.dims),
    categories: movies.map((m) => [...m.genres]),
  };
}
