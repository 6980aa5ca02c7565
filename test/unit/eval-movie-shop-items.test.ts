import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { textToEmbed } from '../../src/node/catalog/build-catalog.ts';
import { parseShopJsonl } from '../../src/node/catalog/shop-source.ts';
import { movieText } from '../../src/node/eval/movie-embeddings.ts';
import { movieShopItem, shopItemsJsonl } from '../../src/node/eval/movie-shop-items.ts';
import type { Movie, MovieLensData } from '../../src/node/eval/movielens.ts';

// Made-up movies (not MovieLens): a plot that names the title (the builder's default text would
// drop the title), no plot, no genres, a poster that is missing on disk, a title padded with spaces.
const dir = mkdtempSync(join(tmpdir(), 'movie-shop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'posters'));
writeFileSync(join(dir, 'posters', '1.jpg'), 'x');
const MOVIES: Movie[] = [
  { item: 0, title: 'Robot Dog (1990)', genres: ['Sci-Fi', "Children's"], description: 'A game based on Robot Dog (1990).', poster: 'posters/1.jpg' },
  { item: 1, title: 'Quiet Days (1971)', genres: ['Drama'], description: null, poster: 'posters/2.jpg' },
  { item: 2, title: 'Untitled (1999)', genres: [], description: 'Nobody knows.', poster: null },
];

describe('MovieLens movies as a shop product list', () => {
  it('gives the builder exactly the text the harness embeds, the first genre as category, and existing posters', () => {
    const data: MovieLensData = { dataDir: dir, itemCount: MOVIES.length, ratings: [], movies: MOVIES };
    const items = parseShopJsonl(shopItemsJsonl(data), dir, 'movies.jsonl');
    expect(items.map(textToEmbed)).toEqual(MOVIES.map(movieText));
    expect(items.map((i) => [i.id, i.category, i.description])).toEqual([
      ['1', 'Sci-Fi', 'A game based on Robot Dog (1990).'],
      ['2', 'Drama', undefined],
      ['3', 'unknown', 'Nobody knows.'],
    ]);
    expect(items[0]!.imagePath).toBe(join(dir, 'posters/1.jpg'));
    expect(items[1]!.imagePath).toBeUndefined();
    expect(() => movieShopItem({ ...MOVIES[1]!, title: ' Padded (1980)' }, dir)).toThrow(/trailing spaces/);
  });
});
