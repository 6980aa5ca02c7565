import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { catalogBuildStatusWriter } from '../src/node/catalog/catalog-build-status-file.ts';
import { SCREENSHOTS } from './test.ts';

/**
 * The first `npm start`: the Vite dev server serves the page at once while the default catalog
 * is built, and the page shows the build's progress until the catalog is there. This starts a
 * real dev server (its own port) whose status file the test writes with the builder's own
 * writer (catalog-build-status-file.ts); the real build takes minutes, so the test plays the
 * builder's part and the catalog the page then loads is the real default one.
 */
const DEV_PORT = Number(process.env.E2E_DEV_PORT ?? Number(process.env.E2E_PORT ?? 4173) + 1100);
const DEV_ORIGIN = `http://127.0.0.1:${DEV_PORT}/`;
const dir = mkdtempSync(join(tmpdir(), 'catalog-build-status-'));
const statusFile = join(dir, 'status.json');
let server: ChildProcess;

test.describe.configure({ mode: 'serial' });
test.use({ baseURL: DEV_ORIGIN, viewport: { width: 1280, height: 800 } });

test.beforeAll(async () => {
  server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', '--host', '127.0.0.1', '--port', String(DEV_PORT), '--strictPort', '--clearScreen', 'false'],
    {
      env: { ...process.env, CATALOG_BUILD_STATUS_FILE: statusFile },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  // Ready when it answers (its own status path: 404 until the test writes a status).
  let exited: number | null | undefined;
  server.on('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== undefined) throw new Error(`the dev server exited with ${exited}`);
    const answered = await fetch(`${DEV_ORIGIN}__ondevice-recs/catalog-build.json`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

test.afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Every request stays on the dev server's own origin. */
function recordRequests(page: Page): string[] {
  const requests: string[] = [];
  page.context().on('request', (request) => requests.push(request.url()));
  return requests;
}

test('the page shows the catalog build as it goes, then turns into the shop by itself', async ({ page }) => {
  const requests = recordRequests(page);
  const status = catalogBuildStatusWriter(statusFile);
  status.now({ phase: 'fetching', done: 54_200_000, total: 160_880_444 });
  await page.goto('/?backend=wasm');
  const view = page.getByTestId('catalog-build');
  await expect(view).toBeVisible();
  await expect(view.getByRole('heading')).toHaveText('Building the catalog (first run only)');
  await expect(page.getByTestId('catalog-build-now')).toHaveText('Downloading the stamps from Debian: 54.2 MB of 160.9 MB');
  await expect(page.getByRole('progressbar', { name: 'Building the catalog (first run only)' })).toHaveAttribute('aria-valuenow', '34');

  status.now({ phase: 'embedding', done: 412, total: 961, etaSeconds: 175 });
  await expect(page.getByTestId('catalog-build-now')).toHaveText('Building the catalog: 412 of 961 items · about 3 min left');
  await expect(view).toHaveAttribute('data-phase', 'embedding');
  await expect(view.locator('li[data-state="done"]')).toHaveCount(2);
  await expect(view.locator('li[data-state="current"]')).toHaveText('Embed every stamp’s text, picture and sound');
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/first-run-build.png` });
  // The catalog is not loaded while it is being built.
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBeUndefined();

  status.now({ phase: 'finishing', done: 961, total: 961, message: 'training the shared space and writing the catalog' });
  await expect(page.getByTestId('catalog-build-now')).toHaveText('Building the catalog: 961 of 961 items · training the shared space and writing the catalog');

  // Done: the page loads the catalog and becomes the shop, with no reload.
  status.now({ phase: 'done', done: 961, total: 961 });
  await page.waitForFunction(() => document.body.dataset.catalog !== undefined, undefined, { timeout: 120_000 });
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('ready');
  await expect(view).toHaveCount(0);
  await expect(page.locator('catalog-grid li[data-item-id]').first()).toBeVisible();
  expect(
    requests.filter((url) => !url.startsWith(DEV_ORIGIN) && !/^(data|blob):/.test(url)),
    'requests that left the origin',
  ).toEqual([]);
});

test('a failed build is shown with its reason and what to do', async ({ page }) => {
  catalogBuildStatusWriter(statusFile).now({
    phase: 'failed',
    done: 0,
    total: 0,
    message: '[hash-mismatch] https://deb.debian.org/… has SHA-256 00…; refused',
  });
  await page.goto('/?backend=wasm');
  const loading = page.getByTestId('loading-view');
  await expect(loading).toContainText('The catalog build failed: [hash-mismatch]');
  await expect(loading).toContainText('run `npm start` again');
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('failed');
});

test('a build whose process is gone (stopped, killed) is reported as stopped, not waited for', async ({ page }) => {
  // A real process that has exited: its pid names no one now.
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  const status = catalogBuildStatusWriter(statusFile);
  status.now({ phase: 'embedding', done: 100, total: 961 });
  const written = JSON.parse(readFileSync(statusFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(statusFile, JSON.stringify({ ...written, pid }));
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('loading-view')).toContainText('The catalog build stopped before it finished (Building the catalog: 100 of 961 items)');
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('failed');
});
