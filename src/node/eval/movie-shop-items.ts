/**
 * The MovieLens movies as a shop's product list (the catalog builder's JSONL source,
 * shop-source.ts), for the product path: one line per movie, in item order, so the built
 * catalog has the harness catalog's items in the same order (movie-catalog.ts).
 *
 * - id = the MovieLens item id (the harness's catalog id), title = the movie title;
 * - description = the plot; text (what the builder embeds) = the harness's movie text
 *   (movie-embeddings.ts: title, genres, plot joined by ". "), given explicitly because the
 *   builder's default "title. description" differs for a few movies (a plot that names the
 *   title, a title with trailing spaces);
 * - category = the first genre, as the harness catalog has it;
 * - image = the poster, relative to the data folder (the builder's `--media`).
 *
 * Research-only data: the file goes to the git-ignored eval-results/, never anywhere else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { itemId } from './movie-catalog.ts';
import { movieText } from './movie-embeddings.ts';
import type { Movie, MovieLensData } from './movielens.ts';

export interface MovieShopItem {
  id: string;
  title: string;
  description?: string;
  text: string;
  category: string;
  image?: string;
}

/** The harness catalog's category of a movie (movie-catalog.ts). */
export function movieCategory(movie: Movie): string {
  return movie.genres[0]?.replace(/[^A-Za-z0-9' -]/g, '') || 'unknown';
}

export function movieShopItem(movie: Movie, dataDir: string): MovieShopItem {
  const text = movieText(movie);
  // The builder trims the fields it reads; the harness embeds the text as it is.
  if (text.trim() !== text) throw new Error(`movie ${movie.item + 1}: its text has leading or trailing spaces, which the builder would trim`);
  const item: MovieShopItem = { id: itemId(movie.item), title: movie.title.trim() || 'untitled', text, category: movieCategory(movie) };
  if (movie.description?.trim()) item.description = movie.description.trim();
  if (movie.poster && existsSync(join(dataDir, movie.poster))) item.image = movie.poster;
  return item;
}

/** The whole list as JSONL (one object a line, item order). */
export function shopItemsJsonl(data: MovieLensData): string {
  return data.movies.map((m) => `${JSON.stringify(movieShopItem(m, data.dataDir))}\n`).join('');
}
