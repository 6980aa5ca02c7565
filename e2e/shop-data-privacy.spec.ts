import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { InteractionRow } from '../src/node/catalog/aggregate-interactions.ts';
import { buildCatalog } from '../src/node/catalog/build-catalog.ts';
import { tuxPaintSourceItems } from '../src/node/catalog/tuxpaint-source.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { readyReport } from './engine-page.ts';
import { stampsDir } from './stamp-fixtures.ts';
import { expect, test } from './test.ts';

/**
 * The privacy panel says how the shop's aggregates were protected: a catalog built by the real
 * builder (eight Tux Paint stamps, their descriptions embedded by the real text encoder) with
 * an interaction log aggregated at K = 3 and ε = 4, served by the preview server like the
 * video tests' catalog, and loaded by the demo with `?catalog=`.
 */
const FOLDER = 'e2e-shop-privacy';
const STAMPS = [
  'animals/birds/crow',
  'animals/mammals/badger',
  'vehicles/auto/sedan',
  'food/bread',
  'animals/birds/penguin',
  'sports/football',
  'animals/insects/bee',
  'animals/mammals/dogs/dog',
];
const outDir = resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs', FOLDER);

/** 60 shoppers, each viewing three stamps in a row (one a minute), starting at a different stamp. */
const LOG: InteractionRow[] = Array.from({ length: 60 }, (_, s) =>
  [0, 1, 2].map((step) => ({ session: `s${s}`, item: STAMPS[(s + step) % STAMPS.length]!, timestamp: 1_700_000_000 + s * 3600 + step * 60, event: 'view' })),
).flat();

test.beforeAll(async () => {
  test.setTimeout(300_000);
  rmSync(outDir, { recursive: true, force: true });
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  try {
    await buildCatalog(tuxPaintSourceItems(stampsDir, { ids: STAMPS }), {
      outDir,
      encoders,
      name: 'e2e shop privacy',
      modalities: ['text'],
      sharedSpace: false,
      interactions: { rows: LOG, options: { minSessions: 3, privacy: { epsilon: 4, seed: 7 } } },
    });
  } finally {
    await encoders.dispose();
  }
});
test.afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test('the privacy panel shows the minimum sessions K and the budget ε the catalog was built with', async ({ page }) => {
  const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as { signals: { events: number; privacy: unknown } };
  expect(manifest.signals.privacy).toEqual({
    minSessions: 3,
    noise: { mechanism: 'laplace', epsilon: 4, delta: 1e-6, maxItemsPerSession: 20, maxPairsPerSession: 20 },
  });
  expect(manifest.signals.events).toBeGreaterThan(0);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`/?backend=wasm&catalog=catalogs/${FOLDER}/`);
  await readyReport(page);
  const panel = page.locator('privacy-panel');
  await expect(panel.getByTestId('shop-data-min-sessions')).toHaveText('3');
  await expect(panel.getByTestId('shop-data-epsilon')).toHaveText('4');
  await expect(panel.getByTestId('shop-data-privacy')).toContainText('δ = 0.000001');
});
