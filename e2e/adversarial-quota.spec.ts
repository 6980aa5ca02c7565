import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium-launch-options.ts';
import { readyReport } from './engine-page.ts';
import { expect, OWN_ORIGIN, test } from './test.ts';

/**
 * Issue 11: a tiny storage quota, set through DevTools (`Storage.overrideQuotaForOrigin`), on the
 * production build. DevTools' quota override reaches only a persistent profile's storage, so
 * this test launches its own persistent Chromium profile (a fresh folder, removed afterwards).
 * Tracking must keep working (events wait in memory, or the profile lives in memory with a
 * notice), recommendations keep coming, and nothing throws unhandled.
 */
test('a tiny storage quota: tracking keeps working, recommendations keep coming, nothing throws unhandled', async () => {
  test.setTimeout(300_000);
  const profileDir = mkdtempSync(join(tmpdir(), 'e2e-quota-'));
  const context = await chromium.launchPersistentContext(profileDir, { ...chromiumLaunchOptions(), baseURL: OWN_ORIGIN });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript(() => {
      const unhandled: string[] = [];
      (window as unknown as { unhandled: string[] }).unhandled = unhandled;
      addEventListener('unhandledrejection', (event) => unhandled.push(String((event.reason as Error | undefined)?.message ?? event.reason)));
    });
    const cdp = await context.newCDPSession(page);
    const origin = OWN_ORIGIN.replace(/\/$/, '');
    // 1 KiB for the whole origin: the profile database cannot even be created, let alone grow.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });

    await page.goto('/?backend=wasm');
    await readyReport(page);
    await page.waitForFunction(() => window.recs !== undefined);
    const ids = await page.evaluate(async () => (await window.recs!.recommend({ mode: 'popular', k: 12 })).map((item) => item.id));
    expect(ids).toHaveLength(12);

    const outcomes = await page.evaluate(async (ids) => {
      const results: string[] = [];
      for (const id of ids) {
        try {
          const r = await window.recs!.track('click', id);
          results.push(`ok ${r.stored ? 'stored' : `pending ${r.pending}`}`);
        } catch (error) {
          results.push(`threw ${(error as Error).message}`);
        }
      }
      return results;
    }, ids);
    expect(outcomes.filter((o) => o.startsWith('threw'))).toEqual([]);
    const summary = await page.evaluate(() => window.recs!.profile());
    // Either the profile lives in memory (with a notice saying so) or the events wait in memory for room.
    if (summary.notice !== undefined) {
      expect(summary.notice).toMatch(/./);
      expect(summary.events).toBe(12);
    } else {
      expect(summary.pending + summary.events).toBe(12);
      expect(summary.pending).toBeGreaterThan(0);
    }

    // The tracked history is used: for-you is personal, not the cold-start list.
    const forYou = await page.evaluate(() => window.recs!.recommend({ mode: 'for-you', k: 6 }));
    expect(forYou).toHaveLength(6);
    expect(forYou[0]!.explanation.summary).not.toMatch(/^No history yet/);
    expect(await page.evaluate((id) => window.recs!.recommend({ mode: 'similar', itemId: id, k: 3 }), ids[0]!)).toHaveLength(3);

    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { unhandled: string[] }).unhandled)).toEqual([]);
  } finally {
    await context.close();
    rmSync(profileDir, { recursive: true, force: true });
  }
});
