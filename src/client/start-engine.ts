import * as Comlink from 'comlink';
import type { BackendReport, EngineApi, EngineConfig } from '../protocol/engine-api.ts';
import type { ProgressListener } from '../protocol/progress.ts';

export interface EngineHandle {
  /** The worker's API; every call is async and crosses the worker boundary. */
  readonly api: Comlink.Remote<EngineApi>;
  /** The backend report from start-up. Ask `api.backendReport()` for the current one. */
  readonly report: BackendReport;
  /** Stop the worker and free everything it held. */
  terminate(): void;
}

export interface StartEngineOptions extends EngineConfig {
  /** Give up on a worker that has not finished start-up after this long (default 120 s). */
  initTimeoutMs?: number;
  /**
   * Told about start-up as it happens: the asset manifest (stage `assets`), then one update per
   * tfjs backend measured (`backends`). Called without waiting; an exception in it is ignored.
   */
  onProgress?: ProgressListener;
}

/** Where the app serves `models/` and `tfjs-wasm/` (Vite's base URL). */
export function defaultAssetsBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, location.href).href;
}

/**
 * Start the engine worker and wait until it has chosen its backend. Rejects with the
 * worker's own error message when start-up fails, when the worker script itself throws,
 * or when it does not answer in time, instead of hanging.
 */
export async function startEngine(options: StartEngineOptions = {}): Promise<EngineHandle> {
  const { initTimeoutMs = 120_000, onProgress, ...config } = options;
  const worker = new Worker(new URL('../engine/engine-worker.ts', import.meta.url), { type: 'module', name: 'ondevice-recs-engine' });
  const api = Comlink.wrap<EngineApi>(worker);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onError: ((event: ErrorEvent) => void) | undefined;
  const crashed = new Promise<never>((_, reject) => {
    onError = (event: ErrorEvent) => {
      event.preventDefault();
      reject(new Error(`engine worker crashed during start-up: ${event.message || 'script failed to load'}`));
    };
    worker.addEventListener('error', onError);
    timer = setTimeout(() => reject(new Error(`engine worker did not start within ${initTimeoutMs / 1000} s`)), initTimeoutMs);
  });
  try {
    const report = await Promise.race([api.init({ assetsBaseUrl: defaultAssetsBaseUrl(), ...config }, progressProxy(onProgress)), crashed]);
    return { api, report, terminate: () => worker.terminate() };
  } catch (error) {
    worker.terminate();
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
    if (onError) worker.removeEventListener('error', onError);
  }
}

/**
 * A page-side progress listener as the worker can call it (a Comlink proxy), or undefined.
 * The worker calls it without waiting, so a slow or throwing listener never holds a load up.
 */
export function progressProxy(listener: ProgressListener | undefined): ProgressListener | undefined {
  if (listener === undefined) return undefined;
  if (typeof listener !== 'function') throw new TypeError('onProgress must be a function');
  return Comlink.proxy((update: Parameters<ProgressListener>[0]) => {
    try {
      listener(update);
    } catch (error) {
      // The listener's own bug must not surface as a failed load; show it where the page's developer looks.
      console.error('onProgress listener threw:', error);
    }
  });
}
