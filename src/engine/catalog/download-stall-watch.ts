/**
 * The inactivity watch of one catalog download: a download must bring at least `minBytes` in
 * every window of `windowMs` (waiting for the response counts as bringing nothing), or its
 * AbortSignal fires with a CatalogDownloadStalledError. A byte count that only grows is not
 * enough on its own: a server that trickles a byte every few hundred ms would never trip a
 * "no byte at all" timer, and a stalled load holds the engine's queue.
 */
import { CATALOG_STALL_MIN_BYTES, CATALOG_STALL_MS } from '../../protocol/limits.ts';

/** A catalog download brought too few bytes for too long; it was aborted (the connection closed). */
export class CatalogDownloadStalledError extends Error {
  override readonly name = 'CatalogDownloadStalledError';
}

export class DownloadStallWatch {
  /** Aborted by a stall (with CatalogDownloadStalledError) or by the outer signal (with its reason). */
  readonly signal: AbortSignal;
  private readonly stalled = new AbortController();
  private readonly timer: ReturnType<typeof setInterval>;
  private received = 0;
  private receivedAtLastCheck = 0;

  constructor(what: string, outer: AbortSignal | undefined, windowMs = CATALOG_STALL_MS, minBytes = CATALOG_STALL_MIN_BYTES) {
    this.signal = outer ? AbortSignal.any([outer, this.stalled.signal]) : this.stalled.signal;
    this.timer = setInterval(() => {
      if (this.received - this.receivedAtLastCheck < minBytes) {
        const seconds = windowMs >= 1000 ? `${(windowMs / 1000).toFixed(windowMs % 1000 === 0 ? 0 : 1)} s` : `${windowMs} ms`;
        this.stalled.abort(
          new CatalogDownloadStalledError(
            `${what}: stalled: ${this.received - this.receivedAtLastCheck} bytes arrived in the last ${seconds} (at least ${minBytes} expected), ${this.received} in all; the download was stopped`,
          ),
        );
        this.stop();
      }
      this.receivedAtLastCheck = this.received;
    }, windowMs);
  }

  /** Count bytes as they arrive. */
  add(bytes: number): void {
    this.received += bytes;
  }

  /** The stall error, when the watch (not the outer signal) ended the download. */
  get stallError(): CatalogDownloadStalledError | undefined {
    return this.stalled.signal.aborted ? (this.stalled.signal.reason as CatalogDownloadStalledError) : undefined;
  }

  /** The download ended (done or failed): no more checks. */
  stop(): void {
    clearInterval(this.timer);
  }
}
