/**
 * The errors of the engine's lifetime, as the page sees them. They are made on the page side
 * (the worker is gone or wedged when they happen), so they keep their class; `engineErrorKind`
 * also reads them back from a message (an Error that crossed a boundary keeps only its message).
 */

/**
 * The engine worker died under a call: an uncaught error in the worker, a message that could not
 * be read (`messageerror`), or the worker's end (closed, killed, crashed). Every call that was
 * waiting rejects with it. The next call starts a new worker, loads the catalog again and keeps
 * the profile (it is in IndexedDB).
 */
export class EngineCrashedError extends Error {
  override readonly name = 'EngineCrashedError';
  constructor(
    /** What the page saw: the worker's error message, `messageerror`, or `the worker ended`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`[engine-crashed] the recommender's worker stopped (${reason}); the next call starts it again`, options);
  }
}

/**
 * No call of the engine answered within its time limit (`callTimeoutMs`, `modelTimeoutMs`): the
 * worker is taken as wedged, ended, and every call that was waiting rejects with this. The next
 * call starts a new worker, as after a crash.
 */
export class EngineTimeoutError extends Error {
  override readonly name = 'EngineTimeoutError';
  constructor(
    /** The engine call that waited longest (e.g. `recommend`). */
    readonly call: string,
    readonly timeoutMs: number,
  ) {
    super(`[engine-timeout] the recommender did not answer ${call}() within ${Math.round(timeoutMs / 1000)} s; it is restarted on the next call`);
  }
}

/** The engine was closed by the page (`close()`, or its widget's catalog changed); calls after that reject with it. */
export class EngineClosedError extends Error {
  override readonly name = 'EngineClosedError';
  constructor() {
    super('[engine-closed] the recommender was closed');
  }
}

export type EngineErrorKind = 'engine-crashed' | 'engine-timeout' | 'engine-closed';

/** The lifetime error kind of `error`, also from its message alone; undefined for any other error. */
export function engineErrorKind(error: unknown): EngineErrorKind | undefined {
  if (error instanceof EngineCrashedError) return 'engine-crashed';
  if (error instanceof EngineTimeoutError) return 'engine-timeout';
  if (error instanceof EngineClosedError) return 'engine-closed';
  const message = error instanceof Error ? error.message : undefined;
  return message?.match(/^\[(engine-crashed|engine-timeout|engine-closed)\] /)?.[1] as EngineErrorKind | undefined;
}

/** Whether the engine is gone and the next call restarts it (a crash or a timeout, not a close). */
export function isEngineLost(error: unknown): boolean {
  const kind = engineErrorKind(error);
  return kind === 'engine-crashed' || kind === 'engine-timeout';
}
