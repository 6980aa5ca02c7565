/// <reference lib="webworker" />
/**
 * The engine worker holds a Web Lock, named by the page (the worker's `name`), from its start
 * until it ends. The page asks for the same lock and is granted it only when the worker is gone
 * however it went (closed, terminated, crashed), so a dead worker is seen at once instead of
 * through a timeout (client/engine-lifetime.ts).
 */

/** Take the lock `name` for the rest of this worker's life; resolves once it is held (at once without Web Locks or a name). */
export function holdLifeLock(name: string): Promise<void> {
  const locks = (self.navigator as WorkerNavigator | undefined)?.locks;
  if (!locks || !name) return Promise.resolve();
  return new Promise<void>((held) => {
    locks
      .request(name, () => {
        held();
        return new Promise<never>(() => undefined); // never released while the worker lives
      })
      .catch(() => held());
  });
}
