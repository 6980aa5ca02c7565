import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { EaseBaseline, easeWeights } from '../../src/node/eval/ease-baseline.ts';
import type { Rating, TrainData, UserCase } from '../../src/node/eval/eval-types.ts';
import { itemCooccurrence } from '../../src/node/eval/item-cooccurrence.ts';
import { ItemKnnBaseline } from '../../src/node/eval/item-knn-baseline.ts';
import { MostPopularBaseline } from '../../src/node/eval/most-popular-baseline.ts';
import { RandomBaseline } from '../../src/node/eval/random-baseline.ts';
import { itemAt } from '../../src/shared/item-at.ts';

/** Training data from user → items (made up, not MovieLens). */
function trainOf(itemCount: number, users: number[][]): TrainData {
  const ratings: Rating[] = users.flatMap((items, u) => items.map((item, t) => ({ user: u + 1, item, rating: 4, time: t })));
  return { itemCount, ratings };
}
const caseOf = (history: number[], user = 99): UserCase => ({ user, history, historyTimes: history.map((_, i) => i), targets: [0] });
const close = (got: ArrayLike<number>, want: number[], digits = 6) => want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, digits));

// Users {0,1}, {0,1,2}, {1,2}, {3}; item 1 is rated twice by user 3 (counts once).
const TINY = trainOf(4, [[0, 1], [0, 1, 2], [1, 2, 1], [3]]);

describe('MostPopularBaseline', () => {
  it('scores each item by its number of distinct training users', async () => {
    const pop = new MostPopularBaseline();
    pop.fit(TINY);
    const scores = pop.score();
    expect([...scores]).toEqual([2, 3, 2, 1]);
    scores[0] = 100;
    expect(pop.score()[0]).toBe(2);
  });
});

describe('ItemKnnBaseline', () => {
  // Cosine of the items' binary user sets, computed directly from the sets.
  const usersOf = (item: number) => new Set([[0, 1], [0, 1, 2], [1, 2], [3]].flatMap((items, u) => (items.includes(item) ? [u] : [])));
  const cos = (i: number, j: number) => {
    const [a, b] = [usersOf(i), usersOf(j)];
    return [...a].filter((u) => b.has(u)).length / Math.sqrt(a.size * b.size);
  };

  it('sums cosine similarities to the history items (all neighbours)', () => {
    const knn = new ItemKnnBaseline();
    knn.fit(TINY);
    close(knn.score(caseOf([0])), [0, cos(0, 1), cos(0, 2), 0]);
    close(knn.score(caseOf([0, 2, 2])), [cos(0, 2), cos(0, 1) + cos(2, 1), cos(0, 2), 0]);
    expect(knn.name).toBe('item-knn');
  });

  it('with neighbours: 1, a candidate only counts its single most similar item', () => {
    const knn = new ItemKnnBaseline({ neighbours: 1 });
    knn.fit(TINY);
    // Item 2's nearest is item 1 (cos(2,1) > cos(2,0)), so history {0} adds nothing to item 2;
    // item 1's nearest ties between 0 and 2, and the lower index (0) wins.
    expect(cos(2, 1)).toBeGreaterThan(cos(2, 0));
    expect(cos(1, 0)).toBeCloseTo(cos(1, 2), 12);
    close(knn.score(caseOf([0])), [0, cos(0, 1), 0, 0]);
    close(knn.score(caseOf([2])), [0, 0, 0, 0]);
    expect(knn.name).toBe('item-knn-1');
  });
});

/** 3×3 inverse by cofactors, independent of the Cholesky code. */
function inverse3(m: number[][]): number[][] {
  const at = (row: number, col: number) => itemAt(itemAt(m, row), col);
  const [a, b, c, d, e, f, g, h, i] = [at(0, 0), at(0, 1), at(0, 2), at(1, 0), at(1, 1), at(1, 2), at(2, 0), at(2, 1), at(2, 2)];
  const cof = [
    [e * i - f * h, -(d * i - f * g), d * h - e * g],
    [-(b * i - c * h), a * i - c * g, -(a * h - b * g)],
    [b * f - c * e, -(a * f - c * d), a * e - b * d],
  ];
  const det = a * itemAt(itemAt(cof, 0), 0) + b * itemAt(itemAt(cof, 0), 1) + c * itemAt(itemAt(cof, 0), 2);
  return [0, 1, 2].map((r) => [0, 1, 2].map((col) => itemAt(itemAt(cof, col), r) / det));
}

describe('EASE', () => {
  it('matches B = I − P·diag(1/diag P) with P = (XᵀX + λI)⁻¹ on a 3-item case', () => {
    const train = trainOf(3, [[0, 1], [0, 1, 2], [1, 2], [2]]);
    const lambda = 2;
    const x = [
      [1, 1, 0],
      [1, 1, 1],
      [0, 1, 1],
      [0, 0, 1],
    ];
    const g = [0, 1, 2].map((i) => [0, 1, 2].map((j) => x.reduce((s, row) => s + itemAt(row, i) * itemAt(row, j), 0) + (i === j ? lambda : 0)));
    const p = inverse3(g);
    const expected = [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? 0 : -itemAt(itemAt(p, i), j) / itemAt(itemAt(p, j), j))));
    close(easeWeights(itemCooccurrence(train), 3, lambda), expected, 12);

    const ease = new EaseBaseline(lambda);
    ease.fit(train);
    // score = x_u·B: history {0, 2} sums rows 0 and 2.
    close(
      ease.score(caseOf([0, 2])),
      [0, 1, 2].map((j) => itemAt(expected, j) + itemAt(expected, 6 + j)),
      6,
    );
    expect(ease.name).toBe('ease-2');
  });

  it('solves the constrained least squares: diag(B) = 0 and (XᵀX + λI)·B − XᵀX is diagonal', () => {
    const random = mulberry32(9);
    const n = 12;
    const users = Array.from({ length: 40 }, () => [...new Set(Array.from({ length: 5 }, () => Math.floor(random() * n)))]);
    const gram = itemCooccurrence(trainOf(n, users));
    const lambda = 3;
    const b = easeWeights(gram, n, lambda);
    for (let i = 0; i < n; i++) {
      expect(b[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        let lhs = 0;
        for (let k = 0; k < n; k++) lhs += (itemAt(gram, i * n + k) + (i === k ? lambda : 0)) * itemAt(b, k * n + j);
        expect(lhs - itemAt(gram, i * n + j)).toBeCloseTo(0, 9);
      }
    }
  });
});

describe('RandomBaseline', () => {
  it('is seeded per user: same user, same scores; different user or seed, different scores', () => {
    const a = new RandomBaseline(1);
    a.fit(TINY);
    const first = a.score(caseOf([], 3));
    expect(first.length).toBe(4);
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true);
    expect([...a.score(caseOf([1], 3))]).toEqual([...first]);
    expect([...a.score(caseOf([], 4))]).not.toEqual([...first]);
    const b = new RandomBaseline(2);
    b.fit(TINY);
    expect([...b.score(caseOf([], 3))]).not.toEqual([...first]);
  });
});
