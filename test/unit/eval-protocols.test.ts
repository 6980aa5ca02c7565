import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import type { Rating } from '../../src/node/eval/eval-types.ts';
import { buildProtocol, type Split } from '../../src/node/eval/protocols.ts';
import { byTimeThenTieHash, tieHash } from '../../src/node/eval/tie-hash.ts';
import { itemAt } from '../../src/shared/item-at.ts';

// A tiny hand-made log (not MovieLens): item indices 0…7 (ids 1…8).
const r = (user: number, item: number, time: number): Rating => ({ user, item, rating: 3, time });
const LOG: Rating[] = [
  // User 1: tie at 200 between ids 2 and 8; hash(1, 8) = 1379431489 < hash(1, 2) = 3278122630,
  // so index 7 comes first and index 1 is the last rating (by id order it would be 7).
  r(1, 3, 100),
  r(1, 1, 200),
  r(1, 7, 200),
  r(1, 2, 50),
  r(2, 0, 5), // user 2: one rating, never a case
  // TEST user 5: tie at 20 between ids 7 and 1; hash(5, 7) = 3260195672 < hash(5, 1) = 3775657435 → index 0 is last.
  r(5, 4, 10),
  r(5, 6, 20),
  r(5, 0, 20),
  r(10, 1, 30),
  r(10, 2, 40), // TEST user 10
];
const data = { itemCount: 8, ratings: LOG };
const pairs = (ratings: Rating[]) => ratings.map((x) => `${x.user}:${x.item}`);

describe('protocol B (leave-last-out, ties by the (user, item) hash)', () => {
  it('the hand-computed ties are what the hash says', () => {
    expect(tieHash(1, 8)).toBeLessThan(tieHash(1, 2));
    expect(tieHash(5, 7)).toBeLessThan(tieHash(5, 1));
  });

  it('targets the last rating in (time, hash) order; history oldest first', () => {
    const all = buildProtocol(data, { protocol: 'B', split: 'all' });
    expect(all.steps).toBe(1);
    expect(all.cases).toEqual([
      { user: 1, history: [2, 3, 7], historyTimes: [50, 100, 200], targets: [1] },
      { user: 5, history: [4, 6], historyTimes: [10, 20], targets: [0] },
      { user: 10, history: [1], historyTimes: [30], targets: [2] },
    ]);
    expect(pairs(all.train.ratings)).toEqual(['1:2', '1:3', '1:7', '2:0', '5:4', '5:6', '10:1']);
    expect([...all.itemTrainCounts]).toEqual([1, 1, 1, 1, 1, 0, 1, 1]);
  });

  it('dev evaluates the last 3 steps of each DEV user, each from what came before it, and never reads a TEST user', () => {
    const dev = buildProtocol(data, { protocol: 'B', split: 'dev' });
    expect(dev.steps).toBe(3);
    expect(dev.cases).toEqual([
      { user: 1, history: [2], historyTimes: [50], targets: [3] },
      { user: 1, history: [2, 3], historyTimes: [50, 100], targets: [7] },
      { user: 1, history: [2, 3, 7], historyTimes: [50, 100, 200], targets: [1] },
    ]);
    // Training holds only what precedes the first evaluated step: no evaluated target.
    expect(pairs(dev.train.ratings)).toEqual(['1:2', '2:0']);
    const one = buildProtocol(data, { protocol: 'B', split: 'dev', steps: 1 });
    expect(one.cases.map((c) => c.targets[0])).toEqual([1]);
    expect(pairs(one.train.ratings)).toEqual(['1:2', '1:3', '1:7', '2:0']);
    expect(() => buildProtocol(data, { protocol: 'B', split: 'dev', steps: 0 })).toThrow('steps must be a whole number');
  });

  it('test evaluates one case per TEST user (the headline) and trains on everyone else plus their histories', () => {
    const test = buildProtocol(data, { protocol: 'B', split: 'test', steps: 3 });
    expect(test.steps).toBe(1);
    expect(test.cases.map((c) => [c.user, c.targets[0]])).toEqual([
      [5, 0],
      [10, 2],
    ]);
    expect(pairs(test.train.ratings)).toEqual(['1:2', '1:3', '1:7', '1:1', '2:0', '5:4', '5:6', '10:1']);
  });
});

describe('protocol A (random 75/25)', () => {
  const user = (id: number, n: number) => Array.from({ length: n }, (_, i) => r(id, i, 1000 + ((i * 7) % n)));

  it('holds out round(25 %) per user, seeded, history in time order', () => {
    const ratings = [...user(3, 8), ...user(4, 20)];
    const a = buildProtocol({ itemCount: 20, ratings }, { protocol: 'A', split: 'all', seed: 1 });
    expect(a.cases.map((c) => c.targets.length)).toEqual([2, 5]);
    for (const c of a.cases) {
      const mine = ratings.filter((x) => x.user === c.user);
      expect([...c.history, ...c.targets].sort((x, y) => x - y)).toEqual(mine.map((x) => x.item).sort((x, y) => x - y));
      const times = c.history.map((item) => mine.find((x) => x.item === item)!.time);
      expect(c.historyTimes).toEqual(times);
      expect([...times].sort((x, y) => x - y)).toEqual(times);
    }
    expect(buildProtocol({ itemCount: 20, ratings }, { protocol: 'A', split: 'all', seed: 1 }).cases).toEqual(a.cases);
    const other = buildProtocol({ itemCount: 20, ratings }, { protocol: 'A', split: 'all', seed: 2 });
    expect(itemAt(other.cases, 1).targets).not.toEqual(itemAt(a.cases, 1).targets);
  });

  it("a user's split does not depend on which other users are evaluated", () => {
    const ratings = [...user(3, 12), ...user(5, 12), ...user(7, 12)];
    const all = buildProtocol({ itemCount: 12, ratings }, { protocol: 'A', split: 'all' });
    const dev = buildProtocol({ itemCount: 12, ratings }, { protocol: 'A', split: 'dev' });
    expect(dev.cases).toEqual(all.cases.filter((c) => c.user % 5 !== 0));
  });
});

describe('every protocol and split on a random log', () => {
  const random = mulberry32(11);
  const ratings: Rating[] = [];
  for (let u = 1; u <= 60; u++) {
    const items = new Set<number>();
    const n = 2 + Math.floor(random() * 15);
    while (items.size < n) items.add(Math.floor(random() * 40));
    // Coarse times, so ties are common.
    for (const item of items) ratings.push(r(u, item, Math.floor(random() * 5)));
  }

  for (const protocol of ['A', 'B'] as const) {
    for (const split of ['dev', 'test', 'all'] as Split[]) {
      it(`${protocol}/${split}: no target in training data, the right users, sorted training data`, () => {
        const built = buildProtocol({ itemCount: 40, ratings }, { protocol, split });
        const train = new Set(pairs(built.train.ratings));
        for (const c of built.cases) for (const t of c.targets) expect(train.has(`${c.user}:${t}`)).toBe(false);
        const users = built.cases.map((c) => c.user);
        if (split === 'dev') {
          expect(users.every((u) => u % 5 !== 0)).toBe(true);
          expect(built.train.ratings.every((x) => x.user % 5 !== 0)).toBe(true);
        } else if (split === 'test') {
          expect(users.every((u) => u % 5 === 0)).toBe(true);
        }
        if (split !== 'dev') {
          // Everything that is not a target is training data.
          const targets = built.cases.reduce((sum, c) => sum + c.targets.length, 0);
          expect(built.train.ratings.length).toBe(ratings.length - targets);
        }
        if (protocol === 'B') expect(built.cases.every((c) => c.targets.length === 1)).toBe(true);
        // Training never holds an evaluated target, also with several cases per user.
        const targets = new Set(built.cases.map((c) => `${c.user}:${c.targets[0]}`));
        if (protocol === 'B') expect(built.train.ratings.some((x) => targets.has(`${x.user}:${x.item}`))).toBe(false);
        const sorted = [...built.train.ratings].sort((x, y) => x.user - y.user || byTimeThenTieHash(x, y));
        expect(built.train.ratings).toEqual(sorted);
        const counts = new Array(40).fill(0);
        for (const x of built.train.ratings) counts[x.item]++;
        expect([...built.itemTrainCounts]).toEqual(counts);
      });
    }
  }
});
