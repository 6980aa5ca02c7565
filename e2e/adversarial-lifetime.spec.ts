import type { Page, Worker } from '@playwright/test';
import type { OnDeviceRecsElement } from '../src/widget/ondevice-recs-element.ts';
import { readyReport } from './engine-page.ts';
import { SHOP, serveShopVariant, watchShopPage } from './shop-page.ts';
import { expect, test } from './test.ts';

/**
 * The engine's lifetime under attack, in real Chromium against the production build: a worker
 * killed or wedged through the DevTools protocol (Playwright's worker session: Runtime.evaluate
 * on the worker's target), a widget whose catalog keeps changing. Each test asserts the safe
 * outcome and that the engine answers the next call. `?backend=wasm` skips the slow
 * software-WebGPU probe; the lifetime code is the same on every backend.
 */
const APP = '/?backend=wasm';
const isEngineWorker = (worker: Worker) => /engine-worker[^/]*\.js/.test(worker.url());
const liveEngineWorkers = (page: Page) => page.workers().filter(isEngineWorker);

/** The engine worker the page's `window.recs` (or a widget) uses now: the one whose name is its engine's life lock. */
async function engineWorkerNamed(page: Page, name: string): Promise<Worker> {
  for (const worker of liveEngineWorkers(page)) if ((await worker.evaluate(() => self.name)) === name) return worker;
  throw new Error(`no live engine worker named ${name}`);
}

/** Kill the worker through its DevTools session once the page has queued a call: busy for a while (so the call waits), then closed. */
async function closeWorkerSoon(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    setTimeout(() => {
      const until = Date.now() + 3000;
      while (Date.now() < until);
      self.close();
    }, 0);
  });
}

async function openDemo(page: Page): Promise<void> {
  await page.goto(APP);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
}

test('a worker killed through CDP: the waiting call rejects with EngineCrashedError, the next recommend() answers from a new worker, the profile is kept', async ({
  page,
}) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await openDemo(page);
  await page.evaluate(() => window.recs!.forget());
  await page.evaluate(() => window.recs!.track('view', 'vehicles/auto/sedan', { dwellMs: 5000 }));
  const first = await page.evaluate(() => window.recs!.recommend({ mode: 'for-you', k: 5 }));
  expect(first).toHaveLength(5);

  expect(liveEngineWorkers(page)).toHaveLength(1);
  const [worker] = liveEngineWorkers(page);
  const closed = new Promise<void>((resolve) => worker!.on('close', () => resolve()));
  await closeWorkerSoon(worker!);
  const waiting = await page.evaluate(() =>
    window.recs!.recommend({ mode: 'for-you', k: 5 }).then(
      () => 'answered',
      (error: Error) => `${error.name}: ${error.message}`,
    ),
  );
  await closed;
  expect(waiting).toMatch(/^EngineCrashedError: \[engine-crashed\] the recommender's worker stopped \(the worker ended\)/);
  expect(await page.evaluate(() => window.recs!.engine.ended?.name)).toBe('EngineCrashedError');

  // The next call starts a new worker, loads the catalog and finds the profile where it was.
  const after = await page.evaluate(() => window.recs!.recommend({ mode: 'for-you', k: 5 }));
  expect(after).toHaveLength(5);
  expect(after.some((item) => item.explanation.because.some((b) => b.id === 'vehicles/auto/sedan'))).toBe(true);
  expect((await page.evaluate(() => window.recs!.exportData())).events.filter((e) => e.type === 'view').map((e) => e.itemId)).toEqual(['vehicles/auto/sedan']);
  expect(await page.evaluate(() => window.recs!.engine.ended)).toBeUndefined();
  expect(liveEngineWorkers(page)).toHaveLength(1);
  expect(pageErrors).toEqual([]);
});

test('an uncaught error in the worker ends the engine with EngineCrashedError; a wedged worker times out with EngineTimeoutError and is ended; each time the next call answers', async ({
  page,
}) => {
  await openDemo(page);
  // A recommender of the test's own, with a short call limit (the model limit stays long for the catalog load).
  await page.evaluate(async () => {
    const w = window as unknown as Record<string, unknown>;
    w.testRecs = await window.ondevice.createRecommender({ catalog: 'catalogs/tuxpaint/', backend: 'wasm', callTimeoutMs: 5000, profileName: 'lifetime-test' });
  });
  const recommend = () =>
    page.evaluate(() =>
      ((window as unknown as Record<string, unknown>).testRecs as typeof window.recs)!.recommend({ mode: 'popular', k: 3 }).then(
        (items) => items.map((item) => item.id),
        (error: Error) => `${error.name}: ${error.message}`,
      ),
    );
  const ownWorker = async () => {
    const name = await page.evaluate(() => ((window as unknown as Record<string, unknown>).testRecs as typeof window.recs)!.engine.workerName);
    return engineWorkerNamed(page, name);
  };
  const popular = await recommend();
  expect(popular).toHaveLength(3);

  // An uncaught exception inside the worker: its state cannot be trusted any more.
  const crashed = await ownWorker();
  await crashed.evaluate(() => {
    setTimeout(() => {
      throw new Error('hostile uncaught error');
    }, 0);
  });
  await expect
    .poll(() => page.evaluate(() => ((window as unknown as Record<string, unknown>).testRecs as typeof window.recs)!.engine.ended?.message))
    .toMatch(/^\[engine-crashed\] the recommender's worker stopped \(.*hostile uncaught error\)/);
  expect(await recommend()).toEqual(popular);

  // A worker that never answers again (an endless loop): the call times out, the worker is ended.
  const wedged = await ownWorker();
  const gone = new Promise<void>((resolve) => wedged.on('close', () => resolve()));
  await wedged.evaluate(() => {
    setTimeout(() => {
      for (;;);
    }, 0);
  });
  expect(await recommend()).toBe(
    'EngineTimeoutError: [engine-timeout] the recommender did not answer recommend() within 5 s; it is restarted on the next call',
  );
  await gone;
  expect(await recommend()).toEqual(popular);
  await page.evaluate(() => ((window as unknown as Record<string, unknown>).testRecs as typeof window.recs)!.close());
  expect(await recommend()).toBe('EngineClosedError: [engine-closed] the recommender was closed');
});

test.describe('the widget', () => {
  test.use({ viewport: { width: 1280, height: 720 } });

  test('a worker killed under a list: a quiet message, then the list again from a new worker; no page error', async ({ page }) => {
    const watch = await watchShopPage(page);
    await page.goto(SHOP);
    const widget = page.locator('ondevice-recs');
    await expect(widget.locator('li[data-item-id]')).toHaveCount(8);
    const before = await widget.evaluate((element) => (element as OnDeviceRecsElement).recommendations.map((item) => item.id));

    const name = await widget.evaluate(async (element) => (await (element as OnDeviceRecsElement).recommender()).engine.workerName);
    const worker = await engineWorkerNamed(page, name);
    await closeWorkerSoon(worker);
    await widget.evaluate((element) => (element as OnDeviceRecsElement).refresh());

    await expect
      .poll(async () => (await watch.events()).filter((e) => e.type === 'recs-error').map((e) => (e.detail as { message: string }).message))
      .toEqual(['Recommendations are unavailable: the recommender stopped and is starting again.']);
    // The list comes back after the message (a view the dwell tracker stores may refresh it once more).
    await expect
      .poll(async () => (await watch.events()).map((e) => e.type).lastIndexOf('recs-update'))
      .toBeGreaterThan((await watch.events()).map((e) => e.type).indexOf('recs-error'));
    await expect(widget.locator('li[data-item-id]')).toHaveCount(8);
    expect(before).toHaveLength(8);
    const newName = await widget.evaluate(async (element) => (await (element as OnDeviceRecsElement).recommender()).engine.workerName);
    expect(newName).not.toBe(name);
    expect(liveEngineWorkers(page)).toHaveLength(1);
    expect(watch.pageErrors).toEqual([]);
  });

  test('20 catalog changes leave at most 2 live engine workers, and the last catalog is shown', async ({ page }) => {
    let started = 0;
    page.on('worker', (worker) => {
      if (isEngineWorker(worker)) started += 1;
    });
    await page.goto(SHOP);
    const widget = page.locator('ondevice-recs');
    await expect(widget.locator('li[data-item-id]')).toHaveCount(8);
    for (let i = 1; i <= 20; i++) {
      const before = started;
      await widget.evaluate((element, i) => element.setAttribute('catalog', `catalogs/tuxpaint/?change=${i}`), i);
      // Each change really starts an engine before the next one replaces it.
      await expect.poll(() => started).toBeGreaterThan(before);
    }
    await expect
      .poll(() => widget.evaluate(async (element) => (await (element as OnDeviceRecsElement).recommender()).catalog.url))
      .toContain('catalogs/tuxpaint/');
    await expect(widget.locator('li[data-item-id]')).toHaveCount(8);
    expect(started).toBeGreaterThanOrEqual(21);
    await expect.poll(() => liveEngineWorkers(page).length).toBeLessThanOrEqual(2);
    // The next call still answers.
    expect(await widget.evaluate(async (element) => (await (element as OnDeviceRecsElement).recommender()).recommend({ mode: 'popular', k: 2 }))).toHaveLength(
      2,
    );
    expect(liveEngineWorkers(page).length).toBeLessThanOrEqual(2);
  });
});

test('a profile database at version 99 (left by a newer app): the engine runs on an in-memory profile with a notice; popular, similar, for-you, tracking and search keep working; the database is left as it was', async ({
  page,
}) => {
  await openDemo(page);
  const profileName = 'lifetime-test-v99';
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name, 99);
        open.onupgradeneeded = () => open.result.createObjectStore('from-the-future');
        open.onsuccess = () => (open.result.close(), resolve());
        open.onerror = () => reject(open.error ?? new Error(`opening ${name} at version 99 failed`));
      }),
    profileName,
  );
  const outcome = await page.evaluate(async (profileName) => {
    const recs = await window.ondevice.createRecommender({ catalog: 'catalogs/tuxpaint/', backend: 'wasm', profileName });
    const popular = await recs.recommend({ mode: 'popular', k: 4 });
    const similar = await recs.recommend({ mode: 'similar', itemId: 'food/bread', k: 4 });
    const tracked = await recs.track('view', 'vehicles/auto/sedan', { dwellMs: 5000 });
    const forYou = await recs.recommend({ mode: 'for-you', k: 4 });
    const search = await recs.searchByExample({ text: 'a red fire truck' }, 4);
    const profile = await recs.profile();
    const exported = await recs.exportData();
    recs.close();
    const version = (await indexedDB.databases()).find((d) => d.name === profileName)?.version;
    return {
      popular: popular.length,
      similar: similar.length,
      tracked,
      forYouBecause: forYou.flatMap((item) => item.explanation.because.map((b) => b.id)),
      search: search.length,
      profile,
      views: exported.events.filter((e) => e.type === 'view').map((e) => e.itemId),
      version,
    };
  }, profileName);
  expect(outcome.popular).toBe(4);
  expect(outcome.similar).toBe(4);
  expect(outcome.tracked).toMatchObject({ stored: true, pending: 0 });
  expect(outcome.forYouBecause).toContain('vehicles/auto/sedan');
  expect(outcome.search).toBe(4);
  expect(outcome.views).toEqual(['vehicles/auto/sedan']);
  expect(outcome.profile.adhocItems).toBe(1);
  expect(outcome.profile.notice).toMatch(
    /^This browser does not let the site keep a profile \(the profile database "lifetime-test-v99" was upgraded by a newer version of this app.*remembered only until the page closes\.$/,
  );
  expect(outcome.version).toBe(99);
});

test('item-href templates and ids that try javascript: give buttons, never a javascript: link; a bad #item= hash opens the shop without an error', async ({
  page,
}) => {
  const watch = await watchShopPage(page);
  await serveShopVariant(page, SHOP, (html) => html.replace(/item-href="[^"]*"/, 'item-href="javascript:alert(1)//{id}"'));
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(SHOP);
  const widget = page.locator('ondevice-recs');
  await expect(widget.locator('li[data-item-id]')).toHaveCount(8);
  expect(await widget.locator('a[part="item"]').count()).toBe(0);
  await expect(widget.locator('button[part="item"]')).toHaveCount(8);
  await widget.locator('button[part="item"]').first().click();
  // An id that is itself a javascript: URL stays a relative path of the template.
  const href = await widget.evaluate((element) => {
    const el = element as OnDeviceRecsElement;
    el.setAttribute('item-href', '{id}');
    return (el as unknown as { hrefFor(item: { id: string }): string | undefined }).hrefFor({ id: 'javascript:alert(1)' });
  });
  expect(href).toBe('javascript%3Aalert(1)');
  expect(watch.pageErrors).toEqual([]);

  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${APP}#item=%E0%A4%A`);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
  await expect(page.locator('item-view')).toHaveCount(0);
  expect(await page.evaluate(() => window.recs!.recommend({ mode: 'popular', k: 2 }))).toHaveLength(2);
  expect(errors).toEqual([]);
});

test('a cross-origin ?catalog= or ?assets= is refused with a message and makes no request to that origin', async ({ page, requests }) => {
  // localhost is another origin than 127.0.0.1, and would answer: the refusal, not a failed fetch, keeps it out.
  const other = `http://localhost:${process.env.E2E_PORT ?? 4173}`;
  for (const query of [`catalog=${other}/catalogs/tuxpaint/`, `assets=${other}/`]) {
    await page.goto(`${APP}&${query}`);
    await page.waitForFunction(() => document.body.dataset.engine !== undefined);
    expect(await page.evaluate(() => document.body.dataset.engine)).toBe('failed');
    await expect(page.getByTestId('engine-error')).toContainText(
      `must be on this site (${new URL(page.url()).origin}); ${other} is not, so nothing was loaded from it`,
    );
  }
  expect(requests.filter((url) => url.startsWith(other))).toEqual([]);
});

test('forget() in tab A while tab B learns: B drops its personal model and nothing from before the forget comes back', async ({ context }) => {
  const profileName = 'lifetime-test-forget';
  const [tabA, tabB] = [await context.newPage(), await context.newPage()];
  for (const tab of [tabA, tabB]) {
    await tab.goto(`${APP}&catalog=none`);
    await readyReport(tab);
    await tab.evaluate(async (profileName) => {
      (window as unknown as Record<string, unknown>).testRecs = await window.ondevice.createRecommender({
        catalog: 'catalogs/tuxpaint/',
        backend: 'wasm',
        profileName,
      });
    }, profileName);
  }
  // The bodies are this test's own source text, run against each tab's recommender.
  const recsIn = (tab: Page, body: string) =>
    tab.evaluate(
      (body) =>
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        (new Function('recs', `return (async () => { ${body} })()`) as (r: unknown) => Promise<unknown>)(
          (window as unknown as Record<string, unknown>).testRecs,
        ),
      body,
    );

  // B learns from two clicks on its for-you list.
  const learned = (await recsIn(
    tabB,
    `await recs.track('view', 'vehicles/auto/sedan', { dwellMs: 5000 });
     const shown = await recs.recommend({ mode: 'for-you', k: 6 });
     const a = await recs.track('click', shown[0].id);
     const b = await recs.track('click', shown[1].id);
     return [a.learned, b.learned, (await recs.exportData()).modelStates[0].updates];`,
  )) as [boolean, boolean, number];
  expect(learned).toEqual([true, true, 2]);

  await recsIn(tabA, 'return recs.forget();');
  await expect.poll(async () => recsIn(tabB, 'return (await recs.profile()).events;')).toBe(0);

  // B learns once more: its model starts again from nothing (1 update, not 3), and no old event or state is written back.
  const after = (await recsIn(
    tabB,
    `await recs.track('view', 'food/bread', { dwellMs: 5000 });
     const shown = await recs.recommend({ mode: 'for-you', k: 6 });
     const c = await recs.track('click', shown[0].id);
     const exported = await recs.exportData();
     return { learned: c.learned, updates: exported.modelStates.map((s) => s.updates), events: exported.events.filter((e) => e.type !== 'shown').map((e) => e.itemId), shown: shown.map((i) => i.id), because: shown.flatMap((i) => i.explanation.because.map((b) => b.id)) };`,
  )) as { learned: boolean; updates: number[]; events: string[]; shown: string[]; because: string[] };
  expect(after.learned).toBe(true);
  expect(after.updates).toEqual([1]);
  expect(after.events).toEqual(['food/bread', after.shown[0]]);
  expect(after.because).not.toContain('vehicles/auto/sedan');
  // Tab A sees the same fresh profile.
  expect(await recsIn(tabA, 'return (await recs.exportData()).modelStates.map((s) => s.updates);')).toEqual([1]);
});

test("a widget under worker-src 'none' shows its quiet message and the shop keeps working", async ({ page }) => {
  const watch = await watchShopPage(page);
  await serveShopVariant(page, SHOP, (html) => html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="worker-src 'none'">`));
  await page.goto(SHOP);
  const widget = page.locator('ondevice-recs');
  await expect(widget.locator('[part="message"]')).toContainText(/^Recommendations are unavailable: the recommender could not start \(/);
  expect((await watch.events()).map((e) => e.type)).toEqual(['recs-error']);
  expect(watch.pageErrors).toEqual([]);
  expect(liveEngineWorkers(page)).toHaveLength(0);
  // The shop's own script still runs.
  const before = Number(await page.locator('#cart-count').textContent());
  await page.getByRole('button', { name: 'Add Bread to cart' }).click();
  await expect(page.locator('#cart-count')).toHaveText(String(before + 1));
});
