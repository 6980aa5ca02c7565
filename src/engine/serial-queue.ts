/**
 * Runs async tasks one at a time in call order. Calls arriving over the worker boundary
 * interleave at every `await`; the engine's state (active backend, uploaded tensors)
 * must not change under a running call.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
