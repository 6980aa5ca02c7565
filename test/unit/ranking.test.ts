import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededUnitVectors } from '../../src/engine/backends/seeded-vectors.ts';
import { ItemMatrix } from '../../src/engine/ranking/item-matrix.ts';
import { scoreTopK } from '../../src/engine/ranking/score-top-k.ts';
import { sameRanking, topKReference } from '../../src/engine/ranking/top-k-reference.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

describe('topKReference', () => {
  it('returns the best rows by dot product, best first', () => {
    const items = new Float32Array([1, 0, 0, 1, 0.6, 0.8, -1, 0]);
    const top = topKReference(items, 2, new Float32Array([0.8, 0.6]), 3);
    expect(top.indices).toEqual([2, 0, 1]);
    expect(top.scores[0]).toBeCloseTo(0.96, 6);
  });

  it('caps k at the number of items and rejects a query of the wrong size', () => {
    expect(topKReference(new Float32Array([1, 2]), 1, new Float32Array([1]), 10).indices).toEqual([1, 0]);
    expect(() => topKReference(new Float32Array(4), 2, new Float32Array(3), 1)).toThrow('query has 3 dims, items have 2');
  });
});

describe('ItemMatrix', () => {
  it('rejects data that is not a whole number of rows', () => {
    expect(() => new ItemMatrix(new Float32Array(5), 2)).toThrow('not a non-zero multiple of dims 2');
    expect(() => new ItemMatrix(new Float32Array(0), 2)).toThrow();
  });
});

describe.each(['wasm', 'cpu'] as const)('scoreTopK on tfjs %s in Node', (backend) => {
  beforeAll(async () => {
    await initNodeTf(backend);
  });

  it('matches the exact reference on 5k×256 and leaks no tensors', async () => {
    const matrix = new ItemMatrix(seededUnitVectors(5000, 256, 1), 256);
    const query = seededUnitVectors(1, 256, 2);
    const items = matrix.onBackend();
    const before = tf.memory().numTensors;
    const got = await scoreTopK(items, query, 10);
    expect(tf.memory().numTensors).toBe(before);
    expect(sameRanking(got, topKReference(matrix.vectors, 256, query, 10), 1e-4)).toBe(true);
    matrix.release();
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
