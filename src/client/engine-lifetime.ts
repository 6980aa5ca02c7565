/**
 * The page's watch over one engine worker for as long as it lives. Comlink's promises never
 * settle when the worker dies or wedges, so every call goes through here:
 *
 * - an `error` or `messageerror` of the worker, or the worker's end (seen through a Web Lock
 *   the worker holds for its whole life: the lock is granted to the page only when the worker is
 *   gone, however it went), ends the engine: every waiting call rejects with EngineCrashedError;
 * - a watchdog: while calls wait, one of them must answer within the largest time limit among
 *   them (a call's limit counts from the last answer, so calls queued behind a long model load
 *   are not blamed for it); otherwise the worker is taken as wedged, ended, and every waiting
 *   call rejects with EngineTimeoutError.
 *
 * An ended engine stays ended; the Recommender starts a new one on its next call.
 */
import { EngineClosedError, EngineCrashedError, EngineTimeoutError } from '../protocol/engine-errors.ts';

export interface EngineTimeouts {
  /** Time limit of an ordinary call (recommend, track, …) in ms; default 120 s. */
  callTimeoutMs?: number;
  /** Time limit of a call that may download or run an encoder (search, embed, warm-up, catalog load) in ms; default 600 s. */
  modelTimeoutMs?: number;
}

export const DEFAULT_CALL_TIMEOUT_MS = 120_000;
export const DEFAULT_MODEL_TIMEOUT_MS = 600_000;

/** Calls that may fetch or run a model, or fetch a large catalog: they get `modelTimeoutMs`. */
const MODEL_CALLS = new Set([
  'init',
  'loadCatalog',
  'warmUp',
  'searchByExample',
  'embedText',
  'embedImages',
  'embedAudio',
  'embedVideo',
  'checkModels',
  'ivfSearch',
]);
/** Benchmarks run as long as they are asked to: no limit. */
const UNTIMED_CALLS = new Set(['benchmarkRanking', 'benchmarkInt8Ranking', 'benchmarkEmbedding', 'benchmarkRecommend']);

interface Waiting {
  call: string;
  limitMs: number;
  reject(error: Error): void;
}

export class EngineLifetime {
  private readonly waiting = new Set<Waiting>();
  private readonly endListeners = new Set<(error: Error) => void>();
  private endedWith: Error | undefined;
  private watchdog: ReturnType<typeof setTimeout> | undefined;
  /** When a call last answered (or the first of the waiting calls was made). */
  private lastAnswerAt = 0;
  private readonly lockWatch = new AbortController();
  private readonly callTimeoutMs: number;
  private readonly modelTimeoutMs: number;

  constructor(
    private readonly worker: Worker,
    timeouts: EngineTimeouts = {},
  ) {
    this.callTimeoutMs = timeoutOf('callTimeoutMs', timeouts.callTimeoutMs, DEFAULT_CALL_TIMEOUT_MS);
    this.modelTimeoutMs = timeoutOf('modelTimeoutMs', timeouts.modelTimeoutMs, DEFAULT_MODEL_TIMEOUT_MS);
    worker.addEventListener('error', (event: ErrorEvent) => {
      // Handled here: the page's console gets no second, unexplained copy.
      event.preventDefault();
      this.end(new EngineCrashedError(event.message || 'the worker script failed'));
    });
    worker.addEventListener('messageerror', () => this.end(new EngineCrashedError('a message from the worker could not be read')));
  }

  /** Why the engine ended (crash, timeout, close), or undefined while it lives. */
  get ended(): Error | undefined {
    return this.endedWith;
  }

  /** Called once when the engine ends, with the error its waiting calls got. */
  onEnd(listener: (error: Error) => void): void {
    if (this.endedWith) listener(this.endedWith);
    else this.endListeners.add(listener);
  }

  /**
   * Watch the Web Lock `name`, which the worker holds from its start until it ends: the page is
   * granted it only once the worker is gone. Without Web Locks (an insecure context) a silent
   * end shows up as a timeout instead.
   */
  watchLock(name: string): void {
    const locks = (globalThis.navigator as Navigator | undefined)?.locks;
    if (!locks || this.endedWith) return;
    locks
      .request(name, { signal: this.lockWatch.signal }, () => {
        this.end(new EngineCrashedError('the worker ended'));
      })
      .catch(() => undefined); // aborted: the page ended it itself
  }

  /** Run one engine call under the watch: it rejects when the engine ends or wedges before it answers. */
  call<T>(call: string, run: () => Promise<T>, limitMs = this.limitOf(call)): Promise<T> {
    if (this.endedWith) return Promise.reject(this.endedWith);
    return new Promise<T>((resolve, reject) => {
      const entry: Waiting = { call, limitMs, reject };
      if (this.waiting.size === 0) this.lastAnswerAt = Date.now();
      this.waiting.add(entry);
      this.arm();
      const settle = () => {
        this.waiting.delete(entry);
        this.lastAnswerAt = Date.now();
        this.arm();
      };
      run().then(
        (value) => {
          if (!this.waiting.has(entry)) return; // already rejected by an end
          settle();
          resolve(value);
        },
        (error: unknown) => {
          if (!this.waiting.has(entry)) return;
          settle();
          // The call's own rejection, passed through unchanged (Comlink rethrows the worker's Error).
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error);
        },
      );
    });
  }

  /** End the engine: terminate the worker and reject every waiting call with `error` (EngineClosedError by default). */
  end(error: Error = new EngineClosedError()): void {
    if (this.endedWith) return;
    this.endedWith = error;
    clearTimeout(this.watchdog);
    this.lockWatch.abort();
    this.worker.terminate();
    for (const entry of this.waiting) entry.reject(error);
    this.waiting.clear();
    for (const listener of this.endListeners) {
      try {
        listener(error);
      } catch (thrown) {
        console.error('engine end listener threw:', thrown);
      }
    }
    this.endListeners.clear();
  }

  private limitOf(call: string): number {
    if (UNTIMED_CALLS.has(call)) return Infinity;
    return MODEL_CALLS.has(call) ? this.modelTimeoutMs : this.callTimeoutMs;
  }

  /** (Re)set the watchdog to the largest limit among the waiting calls, counted from the last answer. */
  private arm(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (this.waiting.size === 0) return;
    let longest: Waiting | undefined;
    for (const entry of this.waiting) if (!longest || entry.limitMs > longest.limitMs) longest = entry;
    if (!longest || !Number.isFinite(longest.limitMs)) return;
    const blamed = longest;
    const dueAt = this.lastAnswerAt + blamed.limitMs;
    // setTimeout holds at most 2^31 - 1 ms; a longer limit re-arms when that much has passed.
    this.watchdog = setTimeout(
      () => {
        if (Date.now() < dueAt) this.arm();
        else this.end(new EngineTimeoutError(blamed.call, blamed.limitMs));
      },
      Math.min(Math.max(0, dueAt - Date.now()), 2 ** 31 - 1),
    );
  }
}

function timeoutOf(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0)
    throw new RangeError(`${name} must be a number of ms > 0 (Infinity for no limit), got ${value}`);
  return value;
}
