import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { ContentKnnBaseline, contentSpace } from '../../src/node/eval/content-knn-baseline.ts';
import { ContentRidgeBaseline } from '../../src/node/eval/content-ridge-baseline.ts';
import type { ItemContent, Rating, TrainData, UserCase } from '../../src/node/eval/eval-types.ts';
import { unitRows } from '../../src/node/eval/item-content.ts';
import { denseOperator, jacobiEigen, topEigenpairs } from '../../src/shared/symmetric-eigen.ts';
import { truncatedSvdItemFactors } from '../../src/node/eval/truncated-svd.ts';
import { itemAt } from '../../src/shared/item-at.ts';

const h = Math.SQRT1_2;
const userCase = (history: number[], candidates?: number[]): UserCase => ({
  user: 1,
  history,
  historyTimes: history.map(() => 0),
  targets: [0],
  ...(candidates ? { candidates: Int32Array.from(candidates) } : {}),
});

describe('symmetric eigen solvers', () => {
  it('Jacobi: [[2,1,0],[1,2,0],[0,0,3]] has eigenvalues 3, 3, 1 with orthonormal eigenvectors', () => {
    const a = Float64Array.from([2, 1, 0, 1, 2, 0, 0, 0, 3]);
    const { values, vectors } = jacobiEigen(a, 3);
    expect([...values].map((v) => +v.toFixed(10))).toEqual([3, 3, 1]);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 3; i++) {
        // A·v_j = λ_j·v_j, row i.
        const av = a[i * 3]! * vectors[j]! + a[i * 3 + 1]! * vectors[3 + j]! + a[i * 3 + 2]! * vectors[6 + j]!;
        expect(av).toBeCloseTo(values[j]! * vectors[i * 3 + j]!, 10);
      }
      for (let k = 0; k < 3; k++) {
        const dot = vectors[j]! * vectors[k]! + vectors[3 + j]! * vectors[3 + k]! + vectors[6 + j]! * vectors[6 + k]!;
        expect(dot).toBeCloseTo(j === k ? 1 : 0, 10);
      }
    }
  });

  it('subspace iteration finds the top eigenpairs of a random PSD matrix, as Jacobi does', () => {
    const random = mulberry32(4);
    const n = 30;
    const b = Float64Array.from({ length: n * n }, () => random() - 0.5);
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) g[i * n + j] = itemAt(g, i * n + j) + b[k * n + i]! * b[k * n + j]!;
    const full = jacobiEigen(g, n);
    const top = topEigenpairs(denseOperator(g, n), n, 4, { iterations: 200, oversample: 10 });
    for (let j = 0; j < 4; j++) {
      expect(top.values[j]).toBeCloseTo(full.values[j]!, 6);
      // Same vector up to sign.
      let dot = 0;
      for (let i = 0; i < n; i++) dot += top.vectors[i * 4 + j]! * full.vectors[i * n + j]!;
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
  });
});

describe('truncated SVD of the training matrix', () => {
  it('item factors are orthonormal eigenvectors of XᵀX and σ² its eigenvalues', () => {
    const random = mulberry32(8);
    const ratings: Rating[] = [];
    for (let u = 1; u <= 40; u++) for (let i = 0; i < 12; i++) if (random() < 0.35) ratings.push({ user: u, item: i, rating: 1, time: 0 });
    const train: TrainData = { itemCount: 12, ratings };
    const svd = truncatedSvdItemFactors(train, 3, { iterations: 200 });
    const gram = new Float64Array(144);
    const byUser = new Map<number, number[]>();
    for (const r of ratings) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r.item]);
    for (const items of byUser.values()) for (const a of items) for (const b of items) gram[a * 12 + b] = itemAt(gram, a * 12 + b) + 1;
    const full = jacobiEigen(gram, 12);
    for (let j = 0; j < 3; j++) {
      expect(svd.singularValues[j]! ** 2).toBeCloseTo(full.values[j]!, 6);
      for (let k = 0; k < 3; k++) {
        let dot = 0;
        for (let i = 0; i < 12; i++) dot += svd.factors[i * 3 + j]! * svd.factors[i * 3 + k]!;
        expect(dot).toBeCloseTo(j === k ? 1 : 0, 8);
      }
    }
  });
});

// Items 0…4 have training interactions; item 5 is new (none), and its content equals item 2's.
const CONTENT: ItemContent = {
  text: unitRows(
    [Float32Array.of(1, 0), Float32Array.of(0.9, 0.1), Float32Array.of(0, 1), Float32Array.of(0.1, 0.9), Float32Array.of(h, h), Float32Array.of(0, 1)],
    2,
  ),
  image: unitRows([Float32Array.of(1, 0), undefined, Float32Array.of(0, 1), Float32Array.of(0, 1), Float32Array.of(1, 0), Float32Array.of(0, 1)], 2),
  categories: [[], [], [], [], [], []],
};

describe('content kNN', () => {
  it('scores Σ over the history of cos(h, j) from content alone, also for items without interactions', () => {
    const knn = new ContentKnnBaseline('text');
    knn.fit({ itemCount: 6, ratings: [], content: CONTENT });
    const scores = knn.score(userCase([0, 3]));
    const t = CONTENT.text.rows;
    const cos = (a: number, b: number) => t[a]![0]! * t[b]![0]! + t[a]![1]! * t[b]![1]!;
    for (let j = 0; j < 6; j++) expect(scores[j]).toBeCloseTo(cos(0, j) + cos(3, j), 6);
    // With candidates, only they are scored.
    const only = knn.score(userCase([0, 3], [2, 5]));
    expect([...only].map((s, j) => (s === 0 ? 0 : j)).filter(Boolean)).toEqual([2, 5]);
  });

  it('text+image: each half scaled by 1/√2, so two items with both have the mean of the two cosines; a neighbour limit keeps the best', () => {
    const both = contentSpace(CONTENT, 'text+image');
    const dot = (a: number, b: number) => both.rows[a]!.reduce((s, x, d) => s + x * both.rows[b]![d]!, 0);
    expect(dot(0, 4)).toBeCloseTo((h + 1) / 2, 6);
    expect(dot(0, 1)).toBeCloseTo((CONTENT.text.rows[0]![0]! * CONTENT.text.rows[1]![0]!) / 2, 6); // item 1 has no image
    const knn1 = new ContentKnnBaseline('text', 1);
    knn1.fit({ itemCount: 6, ratings: [], content: CONTENT });
    const s = knn1.score(userCase([0, 2]));
    expect(s[5]).toBeCloseTo(1, 6); // its closest history item is 2 (same text)
    expect(() => new ContentKnnBaseline('text').fit({ itemCount: 6, ratings: [] })).toThrow("needs the items' content");
  });
});

describe('ridge content → collaborative factors', () => {
  // Users interact with warm items only; item 5 never appears in training.
  const random = mulberry32(2);
  const ratings: Rating[] = [];
  for (let u = 1; u <= 60; u++) {
    const group = u % 2 === 0 ? [0, 1, 4] : [2, 3];
    for (const i of [0, 1, 2, 3, 4]) if ((group.includes(i) ? 0.8 : 0.1) > random()) ratings.push({ user: u, item: i, rating: 1, time: 0 });
  }
  const train: TrainData = { itemCount: 6, ratings, content: CONTENT };

  it("predicts a new item's factors from content: item 5 (content of item 2) scores like item 2", () => {
    const ridge = new ContentRidgeBaseline({ factors: 2, alpha: 1e-3, content: 'text+image' });
    ridge.fit(train);
    const scores = ridge.score(userCase([3]));
    expect(scores[5]).toBeCloseTo(scores[2]!, 2);
    // A user of the other group scores item 5 low, as item 2.
    const other = ridge.score(userCase([0, 1]));
    expect(other[5]!).toBeLessThan(other[0]! + other[1]!);
    expect(Math.sign(other[5]! - scores[5]!)).toBe(-1);
  });

  it('sees no interaction of the new item: training without item 5 is all there is', () => {
    const ridge = new ContentRidgeBaseline({ factors: 2, alpha: 1 });
    ridge.fit(train);
    const withoutContent = new ContentRidgeBaseline({ factors: 2, alpha: 1 });
    // Same training data, item 5 without any content: it cannot be placed, so it scores 0.
    withoutContent.fit({
      ...train,
      content: {
        ...CONTENT,
        text: { ...CONTENT.text, rows: CONTENT.text.rows.map((r, i) => (i === 5 ? undefined : r)) },
        image: { ...CONTENT.image, rows: CONTENT.image.rows.map((r, i) => (i === 5 ? undefined : r)) },
      },
    });
    expect(withoutContent.score(userCase([3]))[5]).toBe(0);
    expect(() => new ContentRidgeBaseline({ alpha: 0 })).toThrow('ridge α must be positive');
  });
});
