import type { Browser, Page } from '@playwright/test';

export interface CatalogLoadRow {
  visit: 'cold' | 'warm';
  /** From navigation start until the page had the catalog on its backend. */
  appReadyMs: number;
  /** The worker's load: fetch (or cache), hash check, decode, upload. */
  catalogLoadMs: number;
  bytesFetched: number;
  fromCache: boolean;
  /** How the engine chose its backend on this visit (`remembered` on a returning visit). */
  mode: string;
}

/** Until this origin's engine has stored its measured choice (after its background probe), at most `timeoutMs`. */
export async function waitForRememberedChoice(page: Page, timeoutMs = 180_000): Promise<boolean> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const stored = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const request = indexedDB.open('ondevice-recs-engine');
          request.onerror = () => resolve(false);
          request.onsuccess = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains('backend-choice')) {
              db.close();
              resolve(false);
              return;
            }
            const count = db.transaction('backend-choice').objectStore('backend-choice').count();
            count.onsuccess = () => {
              db.close();
              resolve(count.result > 0);
            };
            count.onerror = () => resolve(false);
          };
        }),
    );
    if (stored) return true;
    await page.waitForTimeout(1000);
  }
  return false;
}

/**
 * Open the app in a fresh browser context (empty HTTP and Cache API caches, nothing remembered),
 * wait until the engine has finished its background measurement after the first recommendation
 * (what a returning visitor's browser holds), then reload `warmVisits` times: the first visit
 * fetches the default catalog and measures the backends, the later ones start from the cache and
 * the remembered choice.
 */
export async function benchmarkCatalogLoad(browser: Browser, url: string, warmVisits = 3): Promise<CatalogLoadRow[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const rows: CatalogLoadRow[] = [];
    for (const visit of ['cold', ...Array.from({ length: warmVisits }, () => 'warm' as const)] as const) {
      if (visit === 'cold') await page.goto(url);
      else await page.reload();
      await page.waitForFunction(() => document.body.dataset.catalog !== undefined, undefined, { timeout: 300_000 });
      const loaded = await page.evaluate(() => window.catalogLoaded);
      if (!loaded) throw new Error(`the default catalog did not load: ${await page.getByTestId('catalog-error').textContent()}`);
      const { summary, readyAtMs } = loaded;
      rows.push({
        visit,
        appReadyMs: readyAtMs,
        catalogLoadMs: summary.loadMs,
        bytesFetched: summary.bytesFetched,
        fromCache: summary.fromCache,
        mode: await page.evaluate(() => window.engine!.report.mode),
      });
      if (visit === 'cold') await waitForRememberedChoice(page);
    }
    return rows;
  } finally {
    await context.close();
  }
}
