/**
 * Loads MovieLens-100k with posters and plots (../shared/DATA.md §3) from its folder.
 * The data is research-only: it is read from outside the repo at evaluation time and never
 * copied into the repo, `public/` or any shipped artefact.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rating } from './eval-types.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface Movie {
  /** Item index (MovieLens item id − 1). */
  item: number;
  title: string;
  genres: string[];
  /** One-line plot, or null where none was found. */
  description: string | null;
  /** Poster path relative to the data folder (e.g. `posters/1.jpg`), or null. */
  poster: string | null;
}

export interface MovieLensData {
  /** Absolute path of the folder the files came from. */
  dataDir: string;
  itemCount: number;
  /** Every rating in file order (the protocols sort what they need). */
  ratings: Rating[];
  /** `movies[item]` describes item index `item`. */
  movies: Movie[];
}

/** The repo root, found from this file's place in it (src/node/eval/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where DATA.md puts the set: next to the repo, in the shared folder. */
export const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '../shared/data/ml100k-mm');

export function loadMovieLens(dataDir: string = DEFAULT_DATA_DIR): MovieLensData {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`MovieLens data folder ${dir} does not exist (expected u.data and items.jsonl there; see ../shared/DATA.md §3, or pass --data DIR)`);
  }
  const movies = readItems(join(dir, 'items.jsonl'));
  const ratings = readRatings(join(dir, 'u.data'), movies.length);
  return { dataDir: dir, itemCount: movies.length, ratings, movies };
}

function readLines(file: string): string[] {
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** items.jsonl: one JSON object a line; ids must be exactly 1…N so indices are dense. */
function readItems(file: string): Movie[] {
  const byIndex: Array<Movie | undefined> = [];
  readLines(file).forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    if (line.trim() === '') throw new Error(`${where}: empty line`);
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
    const r = row as Record<string, unknown>;
    if (typeof r !== 'object' || r === null) throw new Error(`${where}: expected a JSON object`);
    const id = r.item_id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) throw new Error(`${where}: item_id must be a positive integer, got ${JSON.stringify(id)}`);
    if (typeof r.title !== 'string') throw new Error(`${where}: title must be a string`);
    if (!Array.isArray(r.genres) || !r.genres.every((g) => typeof g === 'string')) throw new Error(`${where}: genres must be a list of strings`);
    if (r.description !== null && typeof r.description !== 'string') throw new Error(`${where}: description must be a string or null`);
    if (r.poster !== null && typeof r.poster !== 'string') throw new Error(`${where}: poster must be a string or null`);
    if (byIndex[id - 1]) throw new Error(`${where}: item_id ${id} appears twice`);
    byIndex[id - 1] = { item: id - 1, title: r.title, genres: r.genres as string[], description: r.description, poster: r.poster };
  });
  if (byIndex.length === 0) throw new Error(`${file}: no items`);
  for (let i = 0; i < byIndex.length; i++) {
    if (!byIndex[i]) throw new Error(`${file}: item_id ${i + 1} is missing (ids must be 1…${byIndex.length})`);
  }
  return byIndex as Movie[];
}

/** u.data: user \t item \t rating \t unix time; every item must be in items.jsonl. */
function readRatings(file: string, itemCount: number): Rating[] {
  const ratings: Rating[] = [];
  const seen = new Set<number>();
  readLines(file).forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    const fields = line.split('\t');
    if (fields.length !== 4) throw new Error(`${where}: expected 4 tab-separated fields (user, item, rating, time), got ${fields.length}`);
    const numbers = fields.map((f) => (/^-?\d+(\.\d+)?$/.test(f.trim()) ? Number(f) : Number.NaN));
    const [user, itemId, rating, time] = [itemAt(numbers, 0), itemAt(numbers, 1), itemAt(numbers, 2), itemAt(numbers, 3)];
    if (!Number.isInteger(user) || user < 1) throw new Error(`${where}: user must be a positive integer, got ${JSON.stringify(fields[0])}`);
    if (!Number.isInteger(itemId) || itemId < 1 || itemId > itemCount) {
      throw new Error(`${where}: item must be an integer id in 1…${itemCount} (items.jsonl), got ${JSON.stringify(fields[1])}`);
    }
    if (!Number.isFinite(rating)) throw new Error(`${where}: rating must be a number, got ${JSON.stringify(fields[2])}`);
    if (!Number.isInteger(time) || time < 0) throw new Error(`${where}: time must be unix seconds, got ${JSON.stringify(fields[3])}`);
    // A second rating of the same pair would make "the most recent rating" ambiguous.
    const key = user * (itemCount + 1) + itemId;
    if (seen.has(key)) throw new Error(`${where}: user ${user} rated item ${itemId} twice`);
    seen.add(key);
    ratings.push({ user, item: itemId - 1, rating, time });
  });
  if (ratings.length === 0) throw new Error(`${file}: no ratings`);
  return ratings;
}
