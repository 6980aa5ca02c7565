import * as Comlink from 'comlink';
import type { BackendReport, EngineApi, EngineConfig } from '../protocol/engine-api.ts';
import type { ProgressListener } from '../protocol/progress.ts';
import { EngineLifetime, type EngineTimeouts } from './engine-lifetime.ts';

export interface EngineHandle {
  /**
   * The worker's API; every call is async, crosses the worker boundary, and is watched
   * (engine-lifetime.ts): it rejects with EngineCrashedError when the worker dies under it and
   * with EngineTimeoutError when the worker stops answering.
   */
  readonly api: Comlink.Remote<EngineApi>;
  /** The backend report from start-up. Ask `api.backendReport()` for the current one. */
  readonly report: BackendReport;
  /** The worker's name, unique per engine (it names the worker's life lock too): finds it in DevTools. */
  readonly workerName: string;
  /** Why this engine ended (EngineCrashedError, EngineTimeoutError, EngineClosedError), or undefined while it lives. */
  readonly ended: Error | undefined;
  /** Called once when the engine ends, however it ends. */
  onEnd(listener: (error: Error) => void): void;
  /** Stop the worker and free everything it held; waiting calls reject with EngineClosedError. */
  terminate(): void;
}

export interface StartEngineOptions extends EngineConfig, EngineTimeouts {
  /** Give up on a worker that has not finished start-up after this long (default 120 s). */
  initTimeoutMs?: number;
  /**
   * Told about start-up as it happens: the asset manifest (stage `assets`), then one update per
   * tfjs backend measured (`backends`). Called without waiting; an exception in it is ignored.
   */
  onProgress?: ProgressListener;
  /** Aborting it ends the worker, also while it starts (`startEngine` then rejects with EngineClosedError). */
  signal?: AbortSignal;
}

/** Where the app serves `models/` and `tfjs-wasm/` (Vite's base URL). */
export function defaultAssetsBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, location.href).href;
}

/**
 * Start the engine worker and wait until it has chosen its backend. Rejects with the
 * worker's own error message when start-up fails, with EngineCrashedError when the worker script
 * itself throws, or EngineTimeoutError when it does not answer in time, instead of hanging.
 */
export async function startEngine(options: StartEngineOptions = {}): Promise<EngineHandle> {
  const { initTimeoutMs = 120_000, callTimeoutMs, modelTimeoutMs, onProgress, signal, ...config } = options;
  signal?.throwIfAborted();
  // The worker holds a Web Lock of this name for its whole life (engine/life-lock.ts); its name carries it there.
  const lockName = `${WORKER_NAME_PREFIX}${randomId()}`;
  const worker = new Worker(new URL('../engine/engine-worker.ts', import.meta.url), { type: 'module', name: lockName });
  const lifetime = new EngineLifetime(worker, { callTimeoutMs, modelTimeoutMs });
  const remote = Comlink.wrap<EngineApi>(worker);
  const api = watchedApi(remote, lifetime);
  signal?.addEventListener('abort', () => lifetime.end(), { once: true });
  try {
    const report = await lifetime.call(
      'init',
      () => remote.init({ assetsBaseUrl: defaultAssetsBaseUrl(), ...config }, progressProxy(onProgress)),
      initTimeoutMs,
    );
    lifetime.watchLock(lockName);
    return {
      api,
      report,
      workerName: lockName,
      get ended() {
        return lifetime.ended;
      },
      onEnd: (listener) => lifetime.onEnd(listener),
      terminate: () => lifetime.end(),
    };
  } catch (error) {
    lifetime.end();
    throw error instanceof Error ? error : new Error(String(error));
  }
}

const WORKER_NAME_PREFIX = 'ondevice-recs-engine#';

function randomId(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The remote API with every method call run under the lifetime's watch. */
function watchedApi(remote: Comlink.Remote<EngineApi>, lifetime: EngineLifetime): Comlink.Remote<EngineApi> {
  const methods = remote as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  return new Proxy({} as Comlink.Remote<EngineApi>, {
    get(_, name) {
      // Not a thenable, and no symbols (Comlink's own markers stay on the raw remote).
      if (typeof name !== 'string' || name === 'then') return undefined;
      return (...args: unknown[]) => lifetime.call(name, () => methods[name]!(...args));
    },
  });
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
