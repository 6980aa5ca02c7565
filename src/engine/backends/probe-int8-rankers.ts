/**
 * The start-up probe of the int8 ranking kernels (plain JS, WASM SIMD, WebGPU): each ranks the same
 * seeded int8 matrix, is checked against the exact reference (same rows, same order, same scores)
 * and timed; the fastest correct one ranks int8 vectors in this engine. Pure policy next to it:
 * `chooseInt8Ranker`.
 */
import type { Int8RankerCandidate } from '../../protocol/engine-api.ts';
import { quantizeInt8Rows, type Int8Matrix, type Int8Ranker, type RankedRows } from '../ranking/int8-matrix.ts';
import { rankInt8Reference } from '../ranking/rank-int8-reference.ts';
import { seededUnitVectors } from './seeded-vectors.ts';
import { timeRuns } from './timing-stats.ts';

export interface Int8ProbeData {
  matrix: Int8Matrix;
  query: Float32Array;
  k: number;
  reference: RankedRows;
}

export function makeInt8ProbeData(items: number, dims = 256, k = 10): Int8ProbeData {
  const matrix = quantizeInt8Rows(seededUnitVectors(items, dims, 7), dims);
  const query = seededUnitVectors(1, dims, 11);
  return { matrix, query, k, reference: rankInt8Reference(matrix, query, k) };
}

export function sameRows(a: RankedRows, b: RankedRows): boolean {
  return a.indices.length === b.indices.length && a.indices.every((row, i) => row === b.indices[i] && a.scores[i] === b.scores[i]);
}

/** Check and time one kernel; never throws (problems end up in the candidate). */
export async function probeInt8Ranker(ranker: Int8Ranker, probe: Int8ProbeData, runs = 3): Promise<Int8RankerCandidate> {
  const candidate: Int8RankerCandidate = { name: ranker.name, available: true };
  try {
    const got = await ranker.rank(probe.matrix, probe.query, probe.k);
    candidate.correct = sameRows(got, probe.reference);
    if (!candidate.correct) candidate.problem = `top-${probe.k} differs from the exact reference`;
    candidate.medianMs = (await timeRuns(() => Promise.resolve(ranker.rank(probe.matrix, probe.query, probe.k)), runs)).medianMs;
  } catch (error) {
    candidate.correct = false;
    candidate.problem = `probe failed: ${(error as Error).message}`;
  }
  return candidate;
}

/** The fastest correct kernel; the plain-JS reference is always correct, so there always is one. */
export function chooseInt8Ranker(candidates: Int8RankerCandidate[]): string {
  const usable = candidates.filter((c) => c.available && c.correct === true && c.medianMs !== undefined).sort((a, b) => a.medianMs! - b.medianMs!);
  return usable[0]?.name ?? 'js';
}
