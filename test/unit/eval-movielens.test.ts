import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadMovieLens } from '../../src/node/eval/movielens.ts';
import { itemAt } from '../../src/shared/item-at.ts';

// Made-up rows in MovieLens' format; the real files never enter the repo or the tests.
const ITEMS = [
  { item_id: 1, title: 'Alpha (1990)', genres: ['Drama'], description: 'A plot.', poster: 'posters/1.jpg' },
  { item_id: 2, title: 'Beta (1991)', genres: [], description: null, poster: null },
];
const dirs: string[] = [];
function folder(items: string, ratings: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'eval-ml-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'items.jsonl'), items);
  writeFileSync(join(dir, 'u.data'), ratings);
  return dir;
}
const itemsText = ITEMS.map((i) => JSON.stringify(i)).join('\n') + '\n';

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadMovieLens', () => {
  it('reads ratings as 0-based item indices and movies by index', () => {
    const data = loadMovieLens(folder(itemsText, '7\t2\t5\t881250949\n3\t1\t1\t881250950\n'));
    expect(data.itemCount).toBe(2);
    expect(data.ratings).toEqual([
      { user: 7, item: 1, rating: 5, time: 881250949 },
      { user: 3, item: 0, rating: 1, time: 881250950 },
    ]);
    expect(data.movies[0]).toEqual({ item: 0, title: 'Alpha (1990)', genres: ['Drama'], description: 'A plot.', poster: 'posters/1.jpg' });
    expect(itemAt(data.movies, 1).description).toBeNull();
  });

  it('names the folder, file and line of what is wrong', () => {
    expect(() => loadMovieLens('/nonexistent/ml100k')).toThrow('/nonexistent/ml100k does not exist');
    const ok = '1\t1\t3\t10\n';
    expect(() => loadMovieLens(folder(itemsText, `${ok}1\t2\t3\n`))).toThrow(/u\.data line 2: expected 4 tab-separated fields/);
    expect(() => loadMovieLens(folder(itemsText, `${ok}1\t3\t3\t10\n`))).toThrow(/u\.data line 2: item must be an integer id in 1…2/);
    expect(() => loadMovieLens(folder(itemsText, `${ok}x\t2\t3\t10\n`))).toThrow(/u\.data line 2: user must be a positive integer/);
    expect(() => loadMovieLens(folder(itemsText, `${ok}1\t1\t4\t11\n`))).toThrow(/u\.data line 2: user 1 rated item 1 twice/);
    expect(() => loadMovieLens(folder(`${itemsText}{"item_id": 3,\n`, ok))).toThrow(/items\.jsonl line 3: not valid JSON/);
    expect(() => loadMovieLens(folder(JSON.stringify({ ...ITEMS[0], genres: 'Drama' }), ok))).toThrow(/items\.jsonl line 1: genres must be a list/);
    expect(() => loadMovieLens(folder(JSON.stringify({ ...ITEMS[1], item_id: 2 }), ok))).toThrow(/item_id 1 is missing/);
  });
});
