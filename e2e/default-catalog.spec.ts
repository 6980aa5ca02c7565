import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { textToEmbed } from '../src/node/catalog/build-catalog.ts';
import { stampToSourceItem } from '../src/node/catalog/tuxpaint-source.ts';
import { listTuxPaintStamps } from '../src/node/tuxpaint-stamps.ts';
import type { Modality } from '../src/protocol/embedding.ts';
import type { CatalogSummary } from '../src/protocol/engine-api.ts';
import { readyReport } from './engine-page.ts';
import { cosine, stampsDir } from './stamp-fixtures.ts';
import { expect, test } from './test.ts';
import { itemAt } from '../src/shared/item-at.ts';

interface BuiltManifest {
  items: Array<{ id: string; title: string; description?: string; vectorRows: Partial<Record<Modality, number>> }>;
}

/** `npm run embed -- MODALITY INPUT`, parsed from its last output line, exactly as other tools call it. */
function embedCli(modality: Modality, input: string): number[] {
  const out = execFileSync('npm', ['run', '--silent', 'embed', '--', modality, input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const json = JSON.parse(out.trim().split('\n').at(-1)!) as { modality: string; vector: number[] };
  expect(json.modality).toBe(modality);
  return json.vector;
}

test('the app loads the default Tux Paint catalog: 900+ items with all three modalities, same vectors as npm run embed', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/');
  await readyReport(page);
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('ready');
  const summary = (await page.evaluate(() => window.engine!.api.loadCatalog('catalogs/tuxpaint/'))) as CatalogSummary;
  expect(summary.itemCount).toBeGreaterThanOrEqual(900);
  const counts = Object.fromEntries(summary.modalities.map((m) => [m.modality, m.count]));
  expect(counts.text).toBeGreaterThanOrEqual(900);
  expect(counts.image).toBeGreaterThanOrEqual(900);
  expect(counts.audio).toBeGreaterThanOrEqual(900);
  expect(summary.fromCache).toBe(true); // the page already loaded it once
  await expect(page.getByTestId('catalog-items')).toHaveText(String(summary.itemCount));

  // The default catalog as `npm run catalog:default` built it (the e2e server runs that first).
  const manifest = JSON.parse(readFileSync('public/catalogs/tuxpaint/manifest.json', 'utf8')) as BuiltManifest;
  // Sampled items, spread over the catalog: the stored (int8) vectors against the CLI's fresh ones.
  const stamps = new Map(listTuxPaintStamps(stampsDir).map((s) => [s.id, s]));
  const sample = [0, 300, 600].map((i) => itemAt(manifest.items, i)).filter((item) => Object.keys(item.vectorRows).length === 3);
  expect(sample.length).toBeGreaterThanOrEqual(2);
  for (const item of sample) {
    const source = stampToSourceItem(stamps.get(item.id)!);
    const inputs: Record<Modality, string> = { text: textToEmbed(source), image: source.imagePath!, audio: source.audioPath! };
    for (const modality of ['text', 'image', 'audio'] as const) {
      const [stored] = await page.evaluate(([id, m]) => window.engine!.api.catalogVectors([id], m), [item.id, modality] as const);
      expect(stored, `${item.id} ${modality}`).not.toBeNull();
      expect(cosine(Array.from(stored!), embedCli(modality, inputs[modality])), `${item.id} ${modality}`).toBeGreaterThanOrEqual(0.99);
    }
  }
});
