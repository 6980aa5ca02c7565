import { chromium, type Browser, type Page } from '@playwright/test';
import { preview, type PreviewServer } from 'vite';
import { chromiumLaunchOptions } from '../e2e/chromium-launch-options.ts';
import type { BackendReport } from '../src/protocol/engine-api.ts';

export interface BenchBrowser {
  browser: Browser;
  /** The app's URL on the preview server. */
  url: string;
  page: Page;
  report: BackendReport;
  userAgent: string;
  close(): Promise<void>;
}

/** Serve the built app (dist/) on loopback (port BENCH_PORT, default 4174) and open it in Chromium, waiting for the engine. */
export async function openBenchBrowser(port = Number(process.env.BENCH_PORT ?? 4174)): Promise<BenchBrowser> {
  const server: PreviewServer = await preview({ preview: { port, host: '127.0.0.1', strictPort: true } });
  const browser: Browser = await chromium.launch(chromiumLaunchOptions());
  const page = await browser.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') console.error(`[page] ${msg.text()}`);
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.body.dataset.engine !== undefined, undefined, { timeout: 300_000 });
  if ((await page.evaluate(() => document.body.dataset.engine)) !== 'ready') {
    throw new Error(`engine failed to start: ${await page.getByTestId('engine-error').textContent()}`);
  }
  const report = await page.evaluate(() => window.engine!.report);
  const userAgent = await page.evaluate(() => navigator.userAgent);
  return {
    browser,
    url: `http://127.0.0.1:${port}/`,
    page,
    report,
    userAgent,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}
