import { describe, expect, it } from 'vitest';
import { int8MatrixView, quantizeInt8Rows } from '../../src/engine/ranking/int8-matrix.ts';
import { rankInt8Reference } from '../../src/engine/ranking/rank-int8-reference.ts';
import { encodeVectors } from '../../src/engine/catalog/vector-codec.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';

describe('int8 matrix and reference ranking', () => {
  it('quantises exactly like the catalog codec, and views a vector file body without copying', () => {
    const random = mulberry32(7);
    const rows = Array.from({ length: 50 }, () => Float32Array.from({ length: 12 }, () => random() * 2 - 1));
    const file = encodeVectors(rows, 'int8');
    const fromFile = int8MatrixView(file, 50, 12);
    const quantized = quantizeInt8Rows(Float32Array.from(rows.flatMap((r) => [...r])), 12);
    expect(Array.from(fromFile.scales)).toEqual(Array.from(quantized.scales));
    expect(Array.from(fromFile.codes)).toEqual(Array.from(quantized.codes));
    expect(fromFile.codes.buffer).toBe(file.buffer);
    expect(() => int8MatrixView(file.subarray(1), 50, 12)).toThrow(RangeError);
  });

  it('ranks by scale × code · query, best first, equal scores by lower row, honouring the mask', () => {
    // Rows 0 and 2 are identical: equal scores, row 0 first. Row 3 is the best but masked out.
    const matrix = quantizeInt8Rows(Float32Array.from([1, 0, 0, 1, 1, 0, 2, 2, -1, -1]), 2);
    const query = Float32Array.from([1, 0.5]);
    const all = rankInt8Reference(matrix, query, 3);
    expect(Array.from(all.indices)).toEqual([3, 0, 2]);
    const masked = rankInt8Reference(matrix, query, 10, Uint8Array.from([1, 1, 1, 0, 1]));
    expect(Array.from(masked.indices)).toEqual([0, 2, 1, 4]);
    expect(Array.from(masked.scores)).toEqual([1, 1, 0.5, -1.5]);
    expect(rankInt8Reference(matrix, query, 0).indices.length).toBe(0);
  });

  it('matches a float brute force on the decoded values for random data', () => {
    const random = mulberry32(11);
    const dims = 64;
    const values = Float32Array.from({ length: 2000 * dims }, () => random() * 2 - 1);
    const matrix = quantizeInt8Rows(values, dims);
    const query = Float32Array.from({ length: dims }, () => random() * 2 - 1);
    const decodedScores = Array.from({ length: 2000 }, (_, r) => {
      let s = 0;
      for (let j = 0; j < dims; j++) s += matrix.codes[r * dims + j]! * query[j]!;
      return s * matrix.scales[r]!;
    });
    const expected = decodedScores
      .map((s, i) => [s, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 10)
      .map(([, i]) => i);
    expect(Array.from(rankInt8Reference(matrix, query, 10).indices)).toEqual(expected);
  });
});
