/**
 * Writes test/browser/fixtures/learned-parity/: the numeric fixture catalog (learned-model-fixture.ts)
 * with a 16-d sequence model trained by the real builder stage, and expected.json, the user
 * vectors and top-10 rows Node computes for PARITY_HISTORIES. The unit test checks that Node
 * still computes exactly these; the browser test checks a real Chromium worker does too.
 *   npx tsx test/make-learned-parity-fixture.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initNodeTf } from '../src/node/node-tf.ts';
import { buildInto, PARITY_FIXTURE_DIR } from './learned-model-fixture.ts';
import { parityResults } from './learned-parity-cases.ts';
import { loadCatalogFolder } from './load-catalog-folder.ts';

async function main(): Promise<void> {
  await initNodeTf('wasm');
  rmSync(PARITY_FIXTURE_DIR, { recursive: true, force: true });
  mkdirSync(PARITY_FIXTURE_DIR, { recursive: true });
  await buildInto(PARITY_FIXTURE_DIR, true, 1, 16);
  const files = await loadCatalogFolder(PARITY_FIXTURE_DIR);
  writeFileSync(join(PARITY_FIXTURE_DIR, 'expected.json'), JSON.stringify(await parityResults(files)) + '\n');
}

await main();
