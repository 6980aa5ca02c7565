import { describe, expect, it } from 'vitest';
import type { ParityRequest } from './fixtures/learned-parity-worker.ts';
import { cosine, type ParityResult } from '../learned-parity-cases.ts';

// Node (expected.json, checked against Node by test/unit/learned-model-catalog.test.ts) and a
// real Chromium worker give the same user vectors (cosine ≥ 0.999) and the same top-10 for the
// same catalog files and histories: the model file, the loader and the tfjs graph agree.
describe('learned model: Node and the browser worker agree', () => {
  for (const backend of ['wasm', 'cpu', 'webgl'] as const) {
    it(`on tfjs ${backend}`, async () => {
      const worker = new Worker(new URL('./fixtures/learned-parity-worker.ts', import.meta.url), { type: 'module' });
      try {
        const answer = await new Promise<{ results?: ParityResult[]; problem?: string; error?: string }>((resolve) => {
          worker.onmessage = (message: MessageEvent<{ results?: ParityResult[]; problem?: string; error?: string }>) => resolve(message.data);
          worker.onerror = (event) => resolve({ error: event.message || 'worker failed to start' });
          worker.postMessage({
            catalogUrl: new URL('./fixtures/learned-parity/', import.meta.url).href,
            assetsUrl: new URL('/', location.href).href,
            backend,
          } satisfies ParityRequest);
        });
        expect(answer.error).toBeUndefined();
        // WebGL may be missing in a headless worker; the CPU and WASM backends are always there.
        if (answer.problem && backend === 'webgl') return;
        expect(answer.problem).toBeUndefined();
        const node = (await (await fetch(new URL('./fixtures/learned-parity/expected.json', import.meta.url))).json()) as ParityResult[];
        expect(answer.results).toHaveLength(node.length);
        answer.results!.forEach((got, i) => {
          expect(cosine(got.user, node[i]!.user)).toBeGreaterThanOrEqual(0.999);
          expect(got.top10).toEqual(node[i]!.top10);
        });
      } finally {
        worker.terminate();
      }
      // A worker's first tfjs start-up (wasm compile, WebGL context) is slow on the busy 2-core machine.
    }, 180_000);
  }
});
