import type { Browser } from '@playwright/test';

export interface CatalogLoadRow {
  visit: 'cold' | 'warm';
  /** From navigation start until the page had the catalog on its backend. */
  appReadyMs: number;
  /** The worker's load: fetch (or cache), hash check, decode, upload. */
  catalogLoadMs: number;
  bytesFetched: number;
  fromCache: boolean;
}

/**
 * Open the app in a fresh browser context (empty HTTP and Cache API caches), then reload:
 * the first visit fetches the default catalog, the second reads it from the cache.
 */
export async function benchmarkCatalogLoad(browser: Browser, url: string): Promise<CatalogLoadRow[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const rows: CatalogLoadRow[] = [];
    for (const visit of ['cold', 'warm'] as const) {
      if (visit === 'cold') await page.goto(url);
      else await page.reload();
      await page.waitForFunction(() => document.body.dataset.catalog !== undefined, undefined, { timeout: 300_000 });
      const loaded = await page.evaluate(() => window.catalogLoaded);
      if (!loaded) throw new Error(`the default catalog did not load: ${await page.getByTestId('catalog-error').textContent()}`);
      const { summary, readyAtMs } = loaded;
      rows.push({ visit, appReadyMs: readyAtMs, catalogLoadMs: summary.loadMs, bytesFetched: summary.bytesFetched, fromCache: summary.fromCache });
    }
    return rows;
  } finally {
    await context.close();
  }
}
