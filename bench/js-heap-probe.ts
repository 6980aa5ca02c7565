import type { CDPSession, Page } from '@playwright/test';

/** JS heap of a page and of each of its dedicated workers, after a forced garbage collection. */
export interface HeapSample {
  pageUsedBytes: number;
  /** One entry per worker the page has, in attach order. */
  workerUsedBytes: number[];
}

export interface JsHeapProbe {
  sample(): Promise<HeapSample>;
  close(): Promise<void>;
}

/**
 * Reads heap sizes over the DevTools protocol. `performance.memory` is not exposed in workers
 * (and is bucketed without a flag), and Playwright's Worker has no DevTools session, so the
 * page's session auto-attaches to its workers (flatten: false) and talks to each through
 * Target.sendMessageToTarget.
 */
export async function openJsHeapProbe(page: Page): Promise<JsHeapProbe> {
  const session: CDPSession = await page.context().newCDPSession(page);
  const workers: string[] = [];
  const pending = new Map<number, (result: unknown) => void>();
  let nextId = 1;
  // The protocol methods below are not in Playwright's typed list of CDP events; the names are the protocol's.
  const on = session.on.bind(session) as (event: string, listener: (event: Record<string, unknown>) => void) => void;
  const send = session.send.bind(session) as (method: string, params?: object) => Promise<Record<string, unknown>>;
  on('Target.attachedToTarget', (event) => {
    if ((event.targetInfo as { type: string }).type === 'worker') workers.push(event.sessionId as string);
  });
  on('Target.detachedFromTarget', (event) => {
    const at = workers.indexOf(event.sessionId as string);
    if (at >= 0) workers.splice(at, 1);
  });
  on('Target.receivedMessageFromTarget', (event) => {
    const message = JSON.parse(event.message as string) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const inWorker = (sessionId: string, method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const id = nextId++;
      pending.set(id, (result) => {
        pending.delete(id);
        resolve(result as Record<string, number>);
      });
      void send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
  return {
    async sample() {
      await send('HeapProfiler.collectGarbage');
      const page = (await send('Runtime.getHeapUsage')) as { usedSize: number };
      const workerUsedBytes: number[] = [];
      for (const sessionId of workers) {
        await inWorker(sessionId, 'HeapProfiler.collectGarbage');
        workerUsedBytes.push((await inWorker(sessionId, 'Runtime.getHeapUsage')).usedSize!);
      }
      return { pageUsedBytes: page.usedSize, workerUsedBytes };
    },
    close: () => session.detach(),
  };
}
