/**
 * Events that could not be written because storage was full. They wait here, in order,
 * and go out with the next successful write. Bounded, because a full disk can last the
 * whole session: past the bound the oldest pending events are dropped, which matches the
 * store's own policy of trimming the oldest events first.
 */
import type { EventRecord } from './validate-event.ts';

export class PendingEvents {
  private queue: EventRecord[] = [];

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.queue.length;
  }

  /** A snapshot, oldest first. */
  items(): EventRecord[] {
    return this.queue.slice();
  }

  /** Appends; returns how many of the oldest events were dropped to stay within capacity. */
  push(event: EventRecord): number {
    this.queue.push(event);
    const dropped = Math.max(0, this.queue.length - this.capacity);
    if (dropped > 0) this.queue.splice(0, dropped);
    return dropped;
  }

  /** Removes the `count` oldest (they were written). */
  removeFirst(count: number): void {
    this.queue.splice(0, count);
  }

  clear(): void {
    this.queue = [];
  }
}
