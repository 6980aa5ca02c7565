import type { Page } from '@playwright/test';
import { readyReport } from './engine-page.ts';
import { expect, OWN_ORIGIN, test } from './test.ts';
import type { RankResult } from '../src/protocol/engine-api.ts';
import type { BackendName } from '../src/protocol/backend-name.ts';
import { itemAt } from '../src/shared/item-at.ts';
import { defined } from '../test/defined.ts';

/**
 * Top-10 of one fixed query against one fixed 20k×256 matrix: seeded numbers, identical bytes
 * for every backend (a numeric fixture for agreement, not data). `upload: false` ranks
 * against whatever the engine already holds.
 */
async function rankFixture(page: Page, upload = true): Promise<RankResult> {
  return page.evaluate(async (upload) => {
    const count = 20_000;
    const dims = 256;
    let state = 12345 >>> 0; // mulberry32, as in src/shared/seeded-random.ts
    const random = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const items = new Float32Array(count * dims).map(() => random() - 0.5);
    const query = new Float32Array(dims).map(() => random() - 0.5);
    const engine = window.engine!;
    if (upload) await engine.api.setItemVectors(items, dims);
    return engine.api.rank(query, 10);
  }, upload);
}

test('the page loads and the worker reports its backend and why', async ({ page }) => {
  await page.goto('/');
  const report = await readyReport(page);
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(report.backend);
  expect(report.mode).toBe('measured');
  expect(report.reason).toContain('fastest correct backend');
  // Every backend was probed, and the chosen one is the fastest correct one.
  expect(report.candidates.map((c) => c.name).sort()).toEqual(['cpu', 'wasm', 'webgl', 'webgpu']);
  const usable = report.candidates.filter((c) => c.available && c.correct);
  const fastest = usable.reduce((a, b) => (a.medianMs! <= b.medianMs! ? a : b));
  expect(report.backend).toBe(fastest.name);
  // With --enable-unsafe-webgpu and no GPU, Chromium offers SwiftShader: it must be recognised as software.
  const webgpu = report.candidates.find((c) => c.name === 'webgpu')!;
  if (webgpu.adapter) expect(webgpu.adapter.software).toBe(webgpu.adapter.architecture === 'swiftshader' || webgpu.adapter.software);
  await expect(page.getByTestId('backend')).toHaveText(report.backend);
  await expect(page.getByTestId('backend-reason')).toContainText('fastest correct backend');
});

test('the served models load with tfjs inside the worker', async ({ page }) => {
  await page.goto('/');
  await readyReport(page);
  const tensorsBefore = await page.evaluate(() => window.engine!.api.tensorCount());
  const checks = await page.evaluate(() => window.engine!.api.checkModels());
  expect(checks.map((c) => c.name)).toEqual(['use-lite', 'use-lite-mixed', 'mobilenet-v2', 'basic-pitch']);
  const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
  expect(defined(byName['use-lite'], 'use-lite').outputs[0]).toContain('l2_normalize');
  expect(defined(byName['use-lite-mixed'], 'use-lite-mixed').outputs[0]).toContain('l2_normalize');
  expect(defined(byName['mobilenet-v2'], 'mobilenet-v2').inputs[0]).toContain('[null,224,224,3]');
  expect(defined(byName['basic-pitch'], 'basic-pitch').inputs[0]).toContain('[-1,43844,1]');
  for (const check of checks) expect(check.weightBytes).toBeGreaterThan(100_000);
  // Every model was disposed again: only the catalog's tensors remain.
  expect(await page.evaluate(() => window.engine!.api.tensorCount())).toBe(tensorsBefore);
});

test('forcing each backend gives the same top-10 on the same data', async ({ page }) => {
  const results = new Map<BackendName, RankResult>();
  for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
    await page.goto(`/?backend=${backend}`);
    const report = await readyReport(page);
    expect(report.backend, `forced ${backend}`).toBe(backend);
    expect(report.mode).toBe('forced');
    results.set(backend, await rankFixture(page));
  }
  const reference = results.get('cpu')!;
  expect(reference.indices).toHaveLength(10);
  for (const [backend, result] of results) {
    expect(result.backend).toBe(backend);
    expect(result.indices, `${backend} top-10`).toEqual(reference.indices);
    result.scores.forEach((score, i) => expect(Math.abs(score - itemAt(reference.scores, i)), `${backend} score ${i}`).toBeLessThan(1e-4));
  }
});

test('an unknown ?backend= value shows a clear error and falls back to measuring', async ({ page }) => {
  await page.goto('/?backend=quantum');
  const report = await readyReport(page);
  expect(report.mode).toBe('measured');
  await expect(page.getByTestId('engine-notice')).toContainText('Unknown backend "quantum"');
  await expect(page.getByTestId('engine-notice')).toContainText('webgpu, webgl, wasm, cpu');
  expect((await rankFixture(page)).indices).toHaveLength(10);
});

test('a worker that fails during start-up reports the error instead of hanging', async ({ page }) => {
  await page.goto('/?assets=/no-such-folder/');
  await page.waitForFunction(() => document.body.dataset.engine !== undefined);
  expect(await page.evaluate(() => document.body.dataset.engine)).toBe('failed');
  await expect(page.getByTestId('engine-error')).toContainText('Model assets missing');
  await expect(page.getByTestId('engine-error')).toContainText('/no-such-folder/models/assets.json answered 404');
});

test('a lost WebGPU device falls back to another backend and keeps serving', async ({ page }) => {
  await page.goto('/?backend=webgpu');
  const report = await readyReport(page);
  test.skip(report.backend !== 'webgpu', 'this browser has no WebGPU adapter');
  const before = await rankFixture(page);
  expect(await page.evaluate(() => window.engine!.api.loseWebGpuDeviceForTesting())).toBe(true);
  const after = await page.evaluate(() => window.engine!.api.backendReport());
  expect(after.mode).toBe('fallback');
  expect(after.backend).not.toBe('webgpu');
  expect(after.reason).toContain('WebGPU device lost (destroyed');
  // No new upload: the engine re-uploads its items to the new backend by itself.
  const afterLoss = await rankFixture(page, false);
  expect(afterLoss.backend).toBe(after.backend);
  expect(afterLoss.indices).toEqual(before.indices);
});

test('worker requests are recorded too, so the privacy check sees them', async ({ page, requests }) => {
  await page.goto('/');
  await readyReport(page);
  // assets.json is fetched by the engine worker, not the page.
  expect(requests.some((url) => url === `${OWN_ORIGIN}models/assets.json`)).toBe(true);
  expect(requests.some((url) => url.includes('/tfjs-wasm/'))).toBe(true);
});
