/**
 * Progress listeners come from the page (as Comlink proxies, whose calls return promises) and
 * must never be able to break a load: a listener that throws, rejects or whose page is gone is
 * ignored. Calls are fire-and-forget; the engine never waits for the page.
 */
import * as Comlink from 'comlink';
import type { ProgressListener, ProgressUpdate } from '../../protocol/progress.ts';

/** A listener that swallows its own failures; a no-op for `undefined`. */
export function safeListener(listener: ProgressListener | undefined): ProgressListener {
  if (typeof listener !== 'function') return () => undefined;
  return (update: ProgressUpdate) => {
    try {
      const result: unknown = (listener as (u: ProgressUpdate) => unknown)({ ...update });
      if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, () => undefined);
      }
    } catch {
      // The page's listener failed: its problem, not the load's.
    }
  };
}

/** Free the message port of a Comlink-proxied listener once the engine is done with it (a plain function is left alone). */
export function releaseListener(listener: ProgressListener | undefined): void {
  if (typeof listener !== 'function') return;
  try {
    const release = (listener as unknown as { [Comlink.releaseProxy]?: () => void })[Comlink.releaseProxy];
    if (typeof release === 'function') release();
  } catch {
    // Already released, or the page is gone.
  }
}
