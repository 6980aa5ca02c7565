import type { ProbeRequest, ProbeResponse } from './probe-worker.ts';

/**
 * Run the probes of `request` in a worker of their own and resolve with what they measured; the
 * worker ends afterwards. Rejects where this context cannot start a worker.
 */
export function measureInBackground(request: ProbeRequest, timeoutMs = 120_000): Promise<ProbeResponse> {
  return new Promise((resolve, reject) => {
    if (typeof Worker === 'undefined') {
      reject(new Error('no Worker in this context'));
      return;
    }
    const worker = new Worker(new URL('./probe-worker.ts', import.meta.url), { type: 'module', name: 'ondevice-recs-probe' });
    const timer = setTimeout(() => finish(() => reject(new Error(`background probe did not finish within ${timeoutMs / 1000} s`))), timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      worker.terminate();
      settle();
    };
    worker.onmessage = (event: MessageEvent<ProbeResponse>) => finish(() => resolve(event.data));
    worker.onerror = (event) => {
      event.preventDefault();
      finish(() => reject(new Error(`background probe worker failed: ${event.message || 'script error'}`)));
    };
    worker.postMessage(request);
  });
}
