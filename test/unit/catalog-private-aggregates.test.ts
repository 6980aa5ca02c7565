import { describe, expect, it } from 'vitest';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { parseSignalsPrivacy } from '../../src/engine/catalog/signals-privacy.ts';
import { aggregateInteractions, type InteractionRow } from '../../src/node/catalog/aggregate-interactions.ts';
import { laplaceSampler, pairThreshold } from '../../src/node/catalog/private-aggregates.ts';
import { defined } from '../defined.ts';

const T = 1_700_000_000;
const manifestWith = (ids: string[], signals: unknown) =>
  parseCatalogManifest(
    {
      schemaVersion: 1,
      name: 'private',
      createdAt: '2026-01-01T00:00:00Z',
      encoders: {},
      vectorFiles: {},
      items: ids.map((id) => ({ id, title: id, category: 'c', vectorRows: {} })),
      signals,
    },
    'manifest.json',
  );

/** `sessions` sessions that each view `items` in order, one a minute. */
function sessionsViewing(prefix: string, sessions: number, items: string[]): InteractionRow[] {
  return Array.from({ length: sessions }, (_, s) =>
    items.map((item, i) => ({ session: `${prefix}${s}`, item, timestamp: T + s * 1000 + i * 60, event: 'view' })),
  ).flat();
}

describe('minimum sessions K', () => {
  // A in 6 sessions, B in 5 (always right after A), C in 4, D once (with A).
  const log = [...sessionsViewing('ab', 4, ['A', 'B', 'C']), ...sessionsViewing('b', 1, ['A', 'B']), ...sessionsViewing('d', 1, ['A', 'D'])];
  const ids = ['A', 'B', 'C', 'D'];

  it('by default (K = 5) ships only items and pairs seen in at least 5 distinct sessions', () => {
    const { signals } = aggregateInteractions(log, ids);
    expect(signals.privacy).toEqual({ minSessions: 5 });
    expect(signals.popularity.map((p) => [p.item, p.sessions])).toEqual([
      ['A', 6],
      ['B', 5],
    ]);
    expect(signals.coOccurrence).toEqual({
      A: [{ item: 'B', score: expect.any(Number), sessions: 5 }],
      B: [{ item: 'A', score: expect.any(Number), sessions: 5 }],
    });
    expect(Object.keys(signals.transitions)).toEqual(['A']);
    expect(signals.transitions.A?.map((t) => [t.item, t.sessions])).toEqual([['B', 5]]);
    expect(manifestWith(ids, signals).signals?.privacy).toEqual({ minSessions: 5 });
  });

  it('K = 1 keeps the single session that saw A then D', () => {
    const { signals } = aggregateInteractions(log, ids, { minSessions: 1 });
    expect(signals.popularity.map((p) => p.item)).toEqual(['A', 'B', 'C', 'D']);
    expect(signals.coOccurrence.A?.map((r) => r.item)).toContain('D');
  });
});

describe('Laplace noise and the pair threshold', () => {
  it('draws Laplace(0, b): mean 0, mean |x| = b, the same for the same seed', () => {
    const draw = laplaceSampler(7);
    const xs = Array.from({ length: 40_000 }, () => draw(2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const meanAbs = xs.reduce((s, x) => s + Math.abs(x), 0) / xs.length;
    // Standard error of the mean: √(2b²/n) = 0.014; of mean |x|: b/√n = 0.01.
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(meanAbs - 2)).toBeLessThan(0.05);
    const again = laplaceSampler(7);
    expect(Array.from({ length: 5 }, () => again(2))).toEqual(xs.slice(0, 5));
  });

  it('puts τ where a pair with one session passes with chance δ / P: 1 + b·ln(P / 2δ), at least K', () => {
    // b = 2, P = 20, δ = 5e-7: 1 + 2·ln(2e7) = 34.6225 (by hand: ln 2e7 = 16.8112).
    expect(pairThreshold(2, 20, 5e-7, 5)).toBeCloseTo(34.6225, 3);
    expect(pairThreshold(0.01, 20, 5e-7, 5)).toBe(5);
  });
});

describe('aggregateInteractions with privacy (ε)', () => {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  // 400 sessions A→B→C, 300 sessions D→E, one session with every item.
  const log = [
    ...sessionsViewing('abc', 400, ['A', 'B', 'C']),
    ...sessionsViewing('de', 300, ['D', 'E']),
    ...sessionsViewing('all', 1, ['E', 'D', 'C', 'B', 'A']),
  ];

  it('with a huge ε releases the exact clipped counts, and records K and ε in the manifest', () => {
    const { signals } = aggregateInteractions(log, ids, { privacy: { epsilon: 1e9, seed: 1, maxItemsPerSession: 2, maxPairsPerSession: 1 } });
    // maxItemsPerSession 2: the A→B→C sessions count A and B only; the last session E and D.
    expect(Object.fromEntries(signals.popularity.map((p) => [p.item, p.sessions]))).toEqual({ A: 400, B: 400, D: 301, E: 301 });
    expect(signals.coOccurrence.A).toEqual([{ item: 'B', score: 1, sessions: 400 }]);
    expect(signals.transitions.A).toEqual([{ item: 'B', p: 1, sessions: 400 }]);
    // E → D: one session, under K = 5 (with this little noise τ is K).
    expect(signals.transitions.E).toBeUndefined();
    expect(signals.privacy).toEqual({
      minSessions: 5,
      noise: { mechanism: 'laplace', epsilon: 1e9, delta: 1e-6, maxItemsPerSession: 2, maxPairsPerSession: 1 },
    });
    expect(manifestWith(ids, signals).signals).toEqual(signals);
  });

  it('noises every count, the same for a seed and differently for another; the manifest takes it', () => {
    const options = { privacy: { epsilon: 1, seed: 42 } };
    const a = aggregateInteractions(log, ids, options).signals;
    const b = aggregateInteractions(log, ids, options).signals;
    const c = aggregateInteractions(log, ids, { privacy: { epsilon: 1, seed: 43 } }).signals;
    expect(a).toEqual(b);
    expect(c.popularity).not.toEqual(a.popularity);
    const exact = aggregateInteractions(log, ids).signals;
    const byItem = (s: typeof a) => Object.fromEntries(s.popularity.map((p) => [p.item, p.sessions]));
    expect(byItem(a)).not.toEqual(byItem(exact));
    // Four histograms (totals, items, pairs, transitions): ε_j = 1/4, Δ = 20 items → b = 80; P(|x| > 80·ln 1e4) = 1e-4.
    expect(Math.abs(defined(byItem(a).A, 'popularity of A') - 400)).toBeLessThan(80 * Math.log(1e4));
    expect(manifestWith(ids, a).signals?.privacy?.noise?.epsilon).toBe(1);
  });

  it('never ships a pair only one session had, whatever the seed', () => {
    for (let seed = 0; seed < 50; seed++) {
      const { signals } = aggregateInteractions(log, ids, { privacy: { epsilon: 8, seed } });
      expect(signals.coOccurrence.A?.some((r) => r.item === 'E') ?? false).toBe(false);
      expect(signals.transitions.E?.some((t) => t.item === 'D') ?? false).toBe(false);
    }
  });

  it('refuses a bad budget', () => {
    expect(() => aggregateInteractions(log, ids, { privacy: { epsilon: 0, seed: 1 } })).toThrow('epsilon must be a finite number > 0, got 0');
    expect(() => aggregateInteractions(log, ids, { privacy: { epsilon: 1, delta: 1, seed: 1 } })).toThrow('delta must be a number > 0 and < 1, got 1');
  });
});

describe('signals.privacy in the manifest', () => {
  it('accepts K alone and K with noise', () => {
    expect(parseSignalsPrivacy('m.json', { minSessions: 5 })).toEqual({ minSessions: 5 });
    const noise = { mechanism: 'laplace', epsilon: 2, delta: 1e-6, maxItemsPerSession: 20, maxPairsPerSession: 20 };
    expect(parseSignalsPrivacy('m.json', { minSessions: 1, noise })).toEqual({ minSessions: 1, noise });
  });

  it('names the bad field', () => {
    expect(() => parseSignalsPrivacy('m.json', { minSessions: 0 })).toThrow('m.json: signals.privacy: field "minSessions" must be an integer ≥ 1 (got 0)');
    expect(() => parseSignalsPrivacy('m.json', { minSessions: 5, seed: 3 })).toThrow('m.json: signals.privacy: unknown field "seed"');
    const noise = { mechanism: 'laplace', epsilon: 2, delta: 1e-6, maxItemsPerSession: 20, maxPairsPerSession: 20 };
    expect(() => parseSignalsPrivacy('m.json', { minSessions: 5, noise: { ...noise, epsilon: -1 } })).toThrow(
      'signals.privacy.noise: field "epsilon" must be a finite number > 0 (got -1)',
    );
    expect(() => parseSignalsPrivacy('m.json', { minSessions: 5, noise: { ...noise, delta: 1 } })).toThrow(
      'field "delta" must be a number > 0 and < 1 (got 1)',
    );
    expect(() => parseSignalsPrivacy('m.json', { minSessions: 5, noise: { ...noise, mechanism: 'gaussian' } })).toThrow('field "mechanism" must be "laplace"');
  });
});
