// Node-side Vitest browser commands: they drive Chromium through the DevTools protocol,
// so the tests exercise the browser's real storage quota and real site-data clearing.
import type { CDPSession } from 'playwright';
import type { BrowserCommand, BrowserCommandContext } from 'vitest/node';
import type {} from '@vitest/browser-playwright';

// One DevTools session per page: opening one per call would leak sessions.
const sessions = new WeakMap<object, Promise<CDPSession>>();

function cdpFor(ctx: BrowserCommandContext): Promise<CDPSession> {
  let session = sessions.get(ctx.page);
  if (!session) {
    session = ctx.page.context().newCDPSession(ctx.page);
    sessions.set(ctx.page, session);
  }
  return session;
}

/** Sets the origin's storage quota to `bytes` (null restores the browser's own quota). */
export const setStorageQuota: BrowserCommand<[origin: string, bytes: number | null]> = async (ctx, origin, bytes) => {
  const cdp = await cdpFor(ctx);
  await cdp.send('Storage.overrideQuotaForOrigin', bytes === null ? { origin } : { origin, quotaSize: bytes });
};

/** Clears the origin's IndexedDB as "clear site data" would: open connections are force-closed. */
export const clearIndexedDb: BrowserCommand<[origin: string]> = async (ctx, origin) => {
  const cdp = await cdpFor(ctx);
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
};
