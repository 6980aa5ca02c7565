/**
 * Progress of one download step (a vector file, an encoder's weights): bytes are added as they
 * arrive and forwarded to the listener at most every `step` bytes, so a multi-megabyte file
 * sends tens of updates across the worker boundary, not thousands; `finish` always reports.
 */
import type { ProgressListener, ProgressStage } from '../../protocol/progress.ts';

const DEFAULT_STEP_BYTES = 64 * 1024;

export class ByteProgress {
  private loaded = 0;
  private reported = -1;
  private finished = false;

  constructor(
    private readonly listener: ProgressListener,
    readonly stage: ProgressStage,
    readonly label: string,
    private total?: number,
    private readonly step = DEFAULT_STEP_BYTES,
  ) {}

  get loadedBytes(): number {
    return this.loaded;
  }

  get totalBytes(): number | undefined {
    return this.total;
  }

  /** Set the size once it becomes known (e.g. from a model's weight manifest). */
  setTotal(totalBytes: number | undefined): void {
    this.total = totalBytes;
  }

  /** The step started: one update with 0 bytes, so a view can show it before the first byte. */
  start(): void {
    this.emit(false);
  }

  add(bytes: number): void {
    if (this.finished || bytes <= 0) return;
    this.loaded += bytes;
    // The last bytes are reported by finish (done): an update at 100 % that is not done says nothing new.
    if (this.loaded - this.reported >= this.step && (this.total === undefined || this.loaded < this.total)) this.emit(false);
  }

  /** All the bytes at once (a cache read): a single update, done. */
  finishAll(bytes: number, fromCache?: boolean): void {
    if (this.finished) return;
    this.loaded += bytes;
    this.finish(fromCache);
  }

  /** The final update (`done`), with `fromCache` when known. */
  finish(fromCache?: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.emit(true, fromCache);
  }

  private emit(done: boolean, fromCache?: boolean): void {
    this.reported = this.loaded;
    this.listener({
      stage: this.stage,
      label: this.label,
      loadedBytes: this.loaded,
      ...(this.total !== undefined ? { totalBytes: this.total } : {}),
      done,
      ...(fromCache !== undefined ? { fromCache } : {}),
    });
  }
}
