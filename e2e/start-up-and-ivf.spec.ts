import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './test.ts';
import { quantizeInt8Rows } from '../src/engine/ranking/int8-matrix.ts';
import { rankInt8Reference } from '../src/engine/ranking/rank-int8-reference.ts';
import { parseIvfIndex } from '../src/engine/ivf/ivf-format.ts';
import { buildIvf } from '../src/node/catalog/build-ivf.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { clusteredVectors } from '../test/clustered-vectors.ts';
import { itemAt } from '../src/shared/item-at.ts';

/**
 * Start-up (docs/scale.md): a first visit measures WASM now and leaves the software adapters
 * (SwiftShader here) to a background probe after the first recommendation; the next visit starts
 * from the remembered choice. And IVF partitions searched by the worker through the Cache API.
 */
test('a first visit defers software adapters, measures them after the first recommendation, and the next visit starts from the remembered choice', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await page.waitForFunction(() => document.body.dataset.catalog === 'ready', undefined, { timeout: 120_000 });
  const first = await page.evaluate(() => window.engine!.report);
  expect(first.mode).toBe('measured');
  const webgpu = first.candidates.find((c) => c.name === 'webgpu')!;
  if (webgpu.adapter?.software) {
    expect(webgpu.deferred).toContain('software adapter');
    expect(webgpu.medianMs).toBeUndefined();
  }
  expect(first.int8?.candidates.find((c) => c.name === 'wasm-simd')?.correct).toBe(true);
  expect(first.int8?.ranker).toBe('wasm-simd');

  await page.evaluate(() => window.recs!.recommend({ mode: 'for-you', k: 10 }));
  // The background probe runs in a worker of its own; the engine keeps answering meanwhile.
  await expect
    .poll(
      async () =>
        (await page.evaluate(() => window.engine!.api.backendReport())).candidates.every(
          (c) => c.deferred === undefined || c.medianMs !== undefined || !c.available,
        ),
      { timeout: 240_000, intervals: [2000] },
    )
    .toBe(true);
  const measured = await page.evaluate(() => window.engine!.api.backendReport());
  const fastest = measured.candidates.filter((c) => c.available && c.correct && c.medianMs !== undefined).sort((a, b) => a.medianMs! - b.medianMs!)[0]!;
  expect(measured.backend).toBe(fastest.name);

  await page.reload();
  await page.waitForFunction(() => document.body.dataset.catalog === 'ready', undefined, { timeout: 120_000 });
  const again = await page.evaluate(() => window.engine!.report);
  expect(again.mode).toBe('remembered');
  expect(again.backend).toBe(measured.backend);
  expect(again.reason).toContain('measured on this browser and adapter');
  await expect(page.getByTestId('backend-mode')).toHaveText('remembered');
});

test('IVF partitions: every partition probed equals brute force; the second visit reads the Cache API; a damaged partition is refused with a notice', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(300_000);
  // Synthetic clustered vectors (labelled): built here, served from the test server's folder.
  const outDir = process.env.E2E_OUT_DIR ?? 'dist';
  const dir = join(outDir, 'e2e-ivf');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await initNodeTf('wasm');
  const dims = 64;
  const matrix = quantizeInt8Rows(clusteredVectors(4000, dims, 30, 0.7, 11), dims);
  await buildIvf(dir, matrix, { partitions: 16, seed: 2 });
  const query = Array.from(clusteredVectors(1, dims, 30, 0.7, 11));
  const expected = rankInt8Reference(matrix, Float32Array.from(query), 10);
  const search = () =>
    page.evaluate((query) => window.engine!.api.ivfSearch({ indexUrl: 'e2e-ivf/index.json', query: Float32Array.from(query), k: 10, nprobe: 16 }), query);
  try {
    await page.goto('/?catalog=none&backend=wasm');
    await page.waitForFunction(() => document.body.dataset.engine === 'ready');
    const first = await search();
    expect(first.rows).toEqual(Array.from(expected.indices));
    expect(first.bytesFetched).toBeGreaterThan(4000 * (dims + 8));
    expect(first.notices).toEqual([]);

    await page.reload();
    await page.waitForFunction(() => document.body.dataset.engine === 'ready');
    const cached = await search();
    expect(cached.rows).toEqual(first.rows);
    expect(cached.partitionsCached).toBe(16);

    const index = parseIvfIndex(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')), 'index.json');
    const victim = index.partitions.findIndex((p) => p.count > 0);
    const path = join(dir, index.partitions[victim]!.path);
    const damaged = readFileSync(path);
    damaged[damaged.length - 1] = itemAt(damaged, damaged.length - 1) ^ 0xff;
    writeFileSync(path, damaged);
    // A fresh browser context: no cached copy, so the damaged file comes from the server.
    const context = await page.context().browser()!.newContext({ baseURL });
    const other = await context.newPage();
    await other.goto('/?catalog=none&backend=wasm');
    await other.waitForFunction(() => document.body.dataset.engine === 'ready');
    const refused = await other.evaluate(
      (query) => window.engine!.api.ivfSearch({ indexUrl: 'e2e-ivf/index.json', query: Float32Array.from(query), k: 10, nprobe: 16 }),
      query,
    );
    await context.close();
    expect(refused.notices).toHaveLength(1);
    expect(refused.notices[0]).toContain(`IVF partition ${victim} was refused`);
    const victimRows = new Set(new Uint32Array(damaged.buffer.slice(damaged.byteOffset, damaged.byteOffset + 4 * index.partitions[victim]!.count)));
    const mask = Uint8Array.from({ length: 4000 }, (_, r) => (victimRows.has(r) ? 0 : 1));
    expect(refused.rows).toEqual(Array.from(rankInt8Reference(matrix, Float32Array.from(query), 10, mask).indices));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
