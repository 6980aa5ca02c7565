/**
 * The on-device user adapter (src/engine/model/user-adapter.ts): golden values of a tiny
 * seeded case (from a real run), the step against the loss's gradient written out here,
 * the norm bound, determinism, degenerate input and the read-back validation.
 */
import { describe, expect, it } from 'vitest';
import {
  ADAPTER_LEARNING_RATE,
  ADAPTER_MAX_NORM,
  adapterFromStored,
  adapterStep,
  adaptUser,
  emptyAdapter,
  sampleNegativeRows,
  type UserAdapterState,
} from '../../src/engine/model/user-adapter.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';

/** Six seeded unit vectors in R^4 and a fixed user vector. */
function fixture() {
  const random = mulberry32(7);
  const unit = (d: number) => {
    const v = Float32Array.from({ length: d }, () => random() * 2 - 1);
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const items = Array.from({ length: 6 }, () => unit(4));
  return { items, user: Float32Array.from([0.5, -0.25, 1, 0]) };
}

const norm = (v: Float32Array) => Math.hypot(...v);

describe('user adapter', () => {
  it('three steps of the tiny seeded case give the golden δ', () => {
    const { items, user } = fixture();
    let state = emptyAdapter(4);
    for (const [positive, negatives] of [
      [0, [1, 2]],
      [3, [4, 5, 1]],
      [0, [2]],
    ] as const)
      state = adapterStep(
        state,
        user,
        items[positive]!,
        negatives.map((n) => items[n]!),
      );
    expect(state.updates).toBe(3);
    const golden = [0.01770751178264618, -0.08969569206237793, 0.07012975215911865, 0.15326444804668427];
    [...state.delta].forEach((v, j) => expect(v).toBeCloseTo(golden[j]!, 7));
  });

  it('one step is δ − η(Σ p_i v_i − v_pos), the gradient of the softmax cross-entropy', () => {
    const { items, user } = fixture();
    const start: UserAdapterState = { delta: Float32Array.from([0.1, 0, -0.1, 0.05]), updates: 4 };
    const vectors = [items[2]!, items[0]!, items[5]!];
    const next = adapterStep(start, user, vectors[0]!, vectors.slice(1));
    const adapted = [...user].map((u, j) => u + start.delta[j]!);
    const logits = vectors.map((v) => v.reduce((s, x, j) => s + x * adapted[j]!, 0));
    const z = logits.map((l) => Math.exp(l));
    const p = z.map((e) => e / z.reduce((a, b) => a + b, 0));
    const expected = [...start.delta].map((d, j) => d - ADAPTER_LEARNING_RATE * (vectors.reduce((s, v, i) => s + p[i]! * v[j]!, 0) - vectors[0]![j]!));
    [...next.delta].forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 6));
    expect(next.updates).toBe(5);
    // The step lowers the loss: the positive's probability goes up.
    const pAfter = (() => {
      const a = adaptUser(user, next);
      const e = vectors.map((v) => Math.exp(v.reduce((s, x, j) => s + x * a[j]!, 0)));
      return e[0]! / e.reduce((x, y) => x + y, 0);
    })();
    expect(pAfter).toBeGreaterThan(p[0]!);
  });

  it('‖δ‖ never exceeds the bound, however many steps push the same way', () => {
    const { items, user } = fixture();
    let state = emptyAdapter(4);
    for (let i = 0; i < 500; i++) state = adapterStep(state, user, items[1]!, [items[0]!, items[2]!], { learningRate: 0.5 });
    expect(norm(state.delta)).toBeLessThanOrEqual(ADAPTER_MAX_NORM * (1 + 1e-6));
    expect(norm(state.delta)).toBeGreaterThan(ADAPTER_MAX_NORM * 0.99);
    const tight = adapterStep(emptyAdapter(4), user, items[1]!, [items[0]!], { learningRate: 10, maxNorm: 0.01 });
    expect(norm(tight.delta)).toBeCloseTo(0.01, 6);
  });

  it('is deterministic: the same inputs give the same δ and the same negative draws', () => {
    const { items, user } = fixture();
    const run = () => adapterStep(emptyAdapter(4), user, items[3]!, [items[1]!, items[4]!]);
    expect([...run().delta]).toEqual([...run().delta]);
    expect(sampleNegativeRows(20, new Set([0, 1, 2]), 5, 123)).toEqual([15, 3, 9, 4, 7]);
    expect(sampleNegativeRows(20, new Set([0, 1, 2]), 5, 123)).toEqual(sampleNegativeRows(20, new Set([0, 1, 2]), 5, 123));
  });

  it('no negatives → no update; degenerate input → no NaN', () => {
    const { items, user } = fixture();
    const start = emptyAdapter(4);
    expect(adapterStep(start, user, items[0]!, [])).toBe(start);
    // A zero user vector and a zero item vector are valid, finite input.
    const zero = adapterStep(start, new Float32Array(4), new Float32Array(4), [items[1]!]);
    expect(zero.delta.every(Number.isFinite)).toBe(true);
    // Huge logits: softmax stays finite (max-shifted).
    const huge = adapterStep(start, Float32Array.from([1e30, 1e30, 1e30, 1e30]), items[0]!, [items[1]!, items[2]!]);
    expect(huge.delta.every(Number.isFinite)).toBe(true);
    // A NaN input leaves the state as it was.
    expect(adapterStep(start, Float32Array.from([Number.NaN, 0, 0, 0]), items[0]!, [items[1]!])).toBe(start);
    expect(() => adapterStep(start, user, new Float32Array(3), [items[1]!])).toThrow(RangeError);
  });

  it('negative draws: distinct, never excluded, fewer only when the catalog runs out', () => {
    const rows = sampleNegativeRows(100, new Set([5, 6, 7]), 16, 9);
    expect(new Set(rows).size).toBe(16);
    expect(rows.some((r) => r === 5 || r === 6 || r === 7)).toBe(false);
    expect(rows.every((r) => r >= 0 && r < 100)).toBe(true);
    expect(sampleNegativeRows(4, new Set([0, 1, 2]), 16, 9)).toEqual([3]);
    expect(sampleNegativeRows(3, new Set([0, 1, 2]), 16, 9)).toEqual([]);
  });

  it('a stored δ reads back only with the right dims, finite and within the bound', () => {
    expect(adapterFromStored([0.1, 0.2, 0, 0], 3, 4)).toEqual({ delta: Float32Array.from([0.1, 0.2, 0, 0]), updates: 3 });
    expect(adapterFromStored([0.1, 0.2, 0], 3, 4)).toBeUndefined();
    expect(adapterFromStored([0.1, Number.NaN, 0, 0], 3, 4)).toBeUndefined();
    expect(adapterFromStored([ADAPTER_MAX_NORM * 1.01, 0, 0, 0], 3, 4)).toBeUndefined();
    expect(adapterFromStored([0, 0, 0, 0], -1, 4)).toBeUndefined();
  });
});
