import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { coldItems } from '../../src/node/eval/cold-item-protocol.ts';
import type { Rating } from '../../src/node/eval/eval-types.ts';
import { buildProtocol, type Split } from '../../src/node/eval/protocols.ts';
import { tieHash } from '../../src/node/eval/tie-hash.ts';

// A random made-up log (not MovieLens): 80 users, 50 items, coarse times so ties happen.
const random = mulberry32(21);
const ratings: Rating[] = [];
for (let u = 1; u <= 80; u++) {
  const items = new Set<number>();
  const n = 3 + Math.floor(random() * 20);
  while (items.size < n) items.add(Math.floor(random() * 50));
  for (const item of items) ratings.push({ user: u, item, rating: 4, time: 1000 + Math.floor(random() * 30) * 10 });
}
const data = { itemCount: 50, ratings };

describe('protocol C cold sets', () => {
  it('random: a seeded 20 % of all items, ascending, the same for the same seed', () => {
    const a = coldItems(50, ratings, { coldSet: 'random', seed: 42 });
    expect(a.length).toBe(10);
    expect([...a]).toEqual([...a].sort((x, y) => x - y));
    expect(new Set(a).size).toBe(10);
    expect([...coldItems(50, ratings, { coldSet: 'random', seed: 42 })]).toEqual([...a]);
    expect([...coldItems(50, ratings, { coldSet: 'random', seed: 43 })]).not.toEqual([...a]);
    // It draws from the items alone: no rating changes it.
    expect([...coldItems(50, [], { coldSet: 'random', seed: 42 })]).toEqual([...a]);
    expect(coldItems(50, ratings, { coldSet: 'random', seed: 42, share: 0.5 }).length).toBe(25);
    expect(() => coldItems(50, ratings, { coldSet: 'random', share: 1 })).toThrow('share of new items');
  });

  it('newest: the 20 % of rated items with the latest first rating, ties by the item hash', () => {
    const cold = coldItems(50, ratings, { coldSet: 'newest' });
    const first = new Map<number, number>();
    for (const r of ratings) first.set(r.item, Math.min(first.get(r.item) ?? Infinity, r.time));
    const expected = [...first.keys()]
      .sort((a, b) => first.get(b)! - first.get(a)! || tieHash(0, b + 1) - tieHash(0, a + 1))
      .slice(0, Math.round(first.size * 0.2))
      .sort((a, b) => a - b);
    expect([...cold]).toEqual(expected);
    const newestWarm = Math.max(...[...first.keys()].filter((i) => !cold.includes(i)).map((i) => first.get(i)!));
    for (const item of cold) expect(first.get(item)!).toBeGreaterThanOrEqual(newestWarm);
  });

  it("newest on dev is decided by DEV users' ratings only", () => {
    const dev = buildProtocol(data, { protocol: 'C-newest', split: 'dev' });
    const devOnly = coldItems(
      50,
      ratings.filter((r) => r.user % 5 !== 0),
      { coldSet: 'newest' },
    );
    expect([...dev.coldItems!]).toEqual([...devOnly]);
    // A TEST user's very late rating of a warm item cannot make it new on dev.
    const late = { user: 5, item: dev.train.ratings[0]!.item, rating: 1, time: 99999 };
    const again = buildProtocol({ itemCount: 50, ratings: [...ratings, late] }, { protocol: 'C-newest', split: 'dev' });
    expect([...again.coldItems!]).toEqual([...dev.coldItems!]);
  });
});

describe('protocol C cases and training data', () => {
  for (const protocol of ['C-random', 'C-newest'] as const) {
    for (const split of ['dev', 'test', 'all'] as Split[]) {
      it(`${protocol}/${split}: no new-item interaction reaches training; cases rank only new items`, () => {
        const built = buildProtocol(data, { protocol, split, seed: 7 });
        const cold = new Set(built.coldItems);
        expect(cold.size).toBeGreaterThan(0);
        expect(built.train.ratings.some((r) => cold.has(r.item))).toBe(false);
        for (const item of cold) expect(built.itemTrainCounts[item]).toBe(0);
        const visible = ratings.filter((r) => split !== 'dev' || r.user % 5 !== 0);
        // Training = every visible rating of a warm item.
        expect(built.train.ratings.length).toBe(visible.filter((r) => !cold.has(r.item)).length);
        const usersWithCold = new Set(visible.filter((r) => cold.has(r.item)).map((r) => r.user));
        for (const c of built.cases) {
          expect(split === 'all' || (c.user % 5 === 0) === (split === 'test')).toBe(true);
          expect([...c.candidates!]).toEqual([...built.coldItems!]);
          const mine = visible.filter((r) => r.user === c.user);
          expect(c.targets.slice().sort((a, b) => a - b)).toEqual(
            mine
              .filter((r) => cold.has(r.item))
              .map((r) => r.item)
              .sort((a, b) => a - b),
          );
          expect(c.history.slice().sort((a, b) => a - b)).toEqual(
            mine
              .filter((r) => !cold.has(r.item))
              .map((r) => r.item)
              .sort((a, b) => a - b),
          );
          expect(c.history.some((i) => cold.has(i))).toBe(false);
          expect(c.history.length).toBeGreaterThan(0);
        }
        const evaluated = [...usersWithCold].filter((u) => split === 'all' || (u % 5 === 0) === (split === 'test'));
        expect(built.cases.map((c) => c.user)).toEqual(evaluated.sort((a, b) => a - b));
      });
    }
  }
});
