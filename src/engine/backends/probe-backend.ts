import type { BackendCandidate } from '../../protocol/engine-api.ts';
import type { BackendName } from '../../protocol/backend-name.ts';
import { ItemMatrix } from '../ranking/item-matrix.ts';
import { scoreTopK } from '../ranking/score-top-k.ts';
import { sameRanking, topKReference } from '../ranking/top-k-reference.ts';
import { activateBackend } from './activate-backend.ts';
import { describeWebGpuAdapter } from './describe-webgpu-adapter.ts';
import { seededUnitVectors } from './seeded-vectors.ts';
import { timeRuns } from './timing-stats.ts';

export interface ProbeData {
  matrix: ItemMatrix;
  query: Float32Array;
  k: number;
}

export function makeProbeData(items: number, dims = 256, k = 10): ProbeData {
  return {
    matrix: new ItemMatrix(seededUnitVectors(items, dims, 7), dims),
    query: seededUnitVectors(1, dims, 11),
    k,
  };
}

/** Scores of unit vectors differ by far more than fp32 rounding; this only absorbs summation order. */
export const SCORE_TOLERANCE = 1e-4;

/**
 * Start `name`, run the real ranking operation on the probe data, check it against the
 * exact JS reference, and time it. Never throws: problems end up in the candidate.
 */
export async function probeBackend(name: BackendName, probe: ProbeData, runs = 3): Promise<BackendCandidate> {
  const candidate: BackendCandidate = { name, available: false };
  if (name === 'webgpu') {
    const described = await describeWebGpuAdapter();
    if ('problem' in described) return { ...candidate, problem: described.problem };
    candidate.adapter = described.adapter;
  }
  const problem = await activateBackend(name);
  if (problem) return { ...candidate, problem };
  candidate.available = true;
  try {
    const reference = topKReference(probe.matrix.vectors, probe.matrix.dims, probe.query, probe.k);
    const got = await scoreTopK(probe.matrix.onBackend(), probe.query, probe.k);
    candidate.correct = sameRanking(got, reference, SCORE_TOLERANCE);
    if (!candidate.correct) candidate.problem = `top-${probe.k} differs from the exact reference`;
    const stats = await timeRuns(() => scoreTopK(probe.matrix.onBackend(), probe.query, probe.k), runs);
    candidate.medianMs = stats.medianMs;
  } catch (error) {
    candidate.correct = false;
    candidate.problem = `probe failed: ${(error as Error).message}`;
  } finally {
    probe.matrix.release(true);
  }
  return candidate;
}
