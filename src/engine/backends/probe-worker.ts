/**
 * A short-lived worker that measures backends and int8 kernels off the engine's thread, so the
 * background re-measurement after the first recommendation (start-up-choice.ts) never makes a
 * recommendation wait for a software adapter's multi-second probe. Same probes as at start-up.
 */
import type { BackendCandidate, Int8RankerCandidate } from '../../protocol/engine-api.ts';
import type { BackendName } from '../../protocol/backend-name.ts';
import type { Int8RankerName } from '../ranking/int8-rankers.ts';
import { useLocalWasm } from './activate-backend.ts';
import { makeProbeData, probeBackend } from './probe-backend.ts';
import { makeInt8ProbeData } from './probe-int8-rankers.ts';
import { INT8_PROBE_ITEMS, probeInt8One } from './start-up-choice.ts';

export interface ProbeRequest {
  assetsBaseUrl: string;
  backends: BackendName[];
  int8: Int8RankerName[];
  probeItems: number;
}

export interface ProbeResponse {
  candidates: BackendCandidate[];
  int8Candidates: Int8RankerCandidate[];
}

self.onmessage = async (event: MessageEvent<ProbeRequest>) => {
  const request = event.data;
  useLocalWasm(request.assetsBaseUrl);
  const candidates: BackendCandidate[] = [];
  const data = request.backends.length > 0 ? makeProbeData(request.probeItems) : undefined;
  for (const name of request.backends) candidates.push(await probeBackend(name, data!, 3));
  const int8Candidates: Int8RankerCandidate[] = [];
  const int8Data = request.int8.length > 0 ? makeInt8ProbeData(INT8_PROBE_ITEMS) : undefined;
  for (const name of request.int8) int8Candidates.push(await probeInt8One(name, int8Data!, 7));
  (self as unknown as Worker).postMessage({ candidates, int8Candidates } satisfies ProbeResponse);
};
