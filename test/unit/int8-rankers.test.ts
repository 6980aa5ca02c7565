import { describe, expect, it } from 'vitest';
import { rankInt8Reference } from '../../src/engine/ranking/rank-int8-reference.ts';
import { allocateInt8MatrixInWasm, rankInt8Wasm, wasmPathCounts, wasmSimdAvailable } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { quantizeInt8Rows } from '../../src/engine/ranking/int8-matrix.ts';
import { encodeVectors } from '../../src/engine/catalog/vector-codec.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { rankerCases } from '../int8-ranker-cases.ts';

describe('WASM SIMD int8 ranker', () => {
  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  for (const c of rankerCases()) {
    it(`gives the exact reference ranking: ${c.name}`, () => {
      const expected = rankInt8Reference(c.matrix, c.query, c.k, c.mask);
      const before = wasmPathCounts.shortlist;
      const got = rankInt8Wasm(c.matrix, c.query, c.k, c.mask);
      if (c.kernelAnswers) expect(wasmPathCounts.shortlist).toBe(before + 1);
      expect(Array.from(got.indices)).toEqual(Array.from(expected.indices));
      expect(Array.from(got.scores)).toEqual(Array.from(expected.scores));
    });
  }

  it('ranks a matrix written straight into its WASM memory (a catalog file body, no copy)', () => {
    const random = mulberry32(3);
    const rows = Array.from({ length: 1000 }, () => Float32Array.from({ length: 64 }, () => random() * 2 - 1));
    const file = encodeVectors(rows, 'int8');
    const matrix = allocateInt8MatrixInWasm(1000, 64);
    matrix.body.set(file);
    const query = Float32Array.from({ length: 64 }, () => random() * 2 - 1);
    const reference = quantizeInt8Rows(Float32Array.from(rows.flatMap((r) => [...r])), 64);
    expect(Array.from(rankInt8Wasm(matrix, query, 10).indices)).toEqual(Array.from(rankInt8Reference(reference, query, 10).indices));
  });

  it('refuses a query or mask of the wrong size, like the reference', () => {
    const matrix = quantizeInt8Rows(new Float32Array(40).fill(1), 4);
    expect(() => rankInt8Wasm(matrix, new Float32Array(3), 1)).toThrow(RangeError);
    expect(() => rankInt8Wasm(matrix, new Float32Array(4).fill(1), 1, new Uint8Array(9))).toThrow(RangeError);
  });
});
