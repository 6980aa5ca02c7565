import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { byTimeThenTieHash, tieHash } from '../../src/node/eval/tie-hash.ts';

describe('tieHash (MurmurHash3 x86_32 of the two ids, seed 0)', () => {
  it('gives fixed values (checked against a byte-wise MurmurHash3 that reproduces the reference vector "The quick brown fox…" → 2e4ff723)', () => {
    expect(tieHash(1, 2)).toBe(3278122630);
    expect(tieHash(196, 242)).toBe(457286323);
    expect(tieHash(943, 1682)).toBe(3396516308);
    expect(tieHash(0, 0)).toBe(1669671676);
  });

  it('is an unsigned 32-bit integer that depends on the pair, not only on one id', () => {
    for (const [u, i] of [
      [1, 1],
      [5, 1682],
      [4294967295, 1],
    ]) {
      const h = tieHash(u!, i!);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
    expect(tieHash(1, 2)).not.toBe(tieHash(2, 1));
    expect(tieHash(7, 3)).not.toBe(tieHash(8, 3));
  });
});

describe('byTimeThenTieHash', () => {
  const r = (user: number, item: number, time: number) => ({ user, item, time });

  it('orders by time first', () => {
    const list = [r(1, 0, 30), r(1, 9, 10), r(1, 4, 20)];
    expect(list.sort(byTimeThenTieHash).map((x) => x.item)).toEqual([9, 4, 0]);
  });

  it('orders a tied pair by the hash, not the id', () => {
    // User 1, item ids 2 and 3 (indices 1 and 2): hash 3278122630 > 3191799579, so id 3 goes first.
    expect(tieHash(1, 2)).toBeGreaterThan(tieHash(1, 3));
    expect([r(1, 1, 100), r(1, 2, 100)].sort(byTimeThenTieHash).map((x) => x.item)).toEqual([2, 1]);
    expect([r(1, 2, 100), r(1, 1, 100)].sort(byTimeThenTieHash).map((x) => x.item)).toEqual([2, 1]);
    // User 1, ids 1 and 2: here the hash order happens to agree with the ids.
    expect([r(1, 1, 5), r(1, 0, 5)].sort(byTimeThenTieHash).map((x) => x.item)).toEqual([0, 1]);
  });

  it('does not depend on the order the ratings arrive in (ids in any order give the same sequence)', () => {
    const random = mulberry32(5);
    const ratings = Array.from({ length: 60 }, (_, i) => r(3, i, Math.floor(random() * 4)));
    const expected = ratings
      .slice()
      .sort(byTimeThenTieHash)
      .map((x) => x.item);
    for (let trial = 0; trial < 5; trial++) {
      const shuffled = ratings.slice();
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      expect(shuffled.sort(byTimeThenTieHash).map((x) => x.item)).toEqual(expected);
    }
    // Within each time, the sequence follows the hash, and it is not the id order.
    const tied = expected.filter((item) => ratings[item]!.time === 0);
    const hashes = tied.map((item) => tieHash(3, item + 1));
    expect(hashes).toEqual(hashes.slice().sort((a, b) => a - b));
    expect(tied).not.toEqual(tied.slice().sort((a, b) => a - b));
  });
});
