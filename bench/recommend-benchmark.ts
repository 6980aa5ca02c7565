import type { Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecommendBenchmarkRow } from '../src/protocol/engine-api.ts';
import { formatTable } from './format-table.ts';

/** A catalog to rank in the benchmark: served under public/catalogs/<folder>. */
export interface BenchCatalog {
  folder: string;
  /** Items the benchmark user "viewed" before the for-you lists are timed. */
  history: number;
}

/**
 * For each catalog that is built: load it in the page's engine, record a few views (real
 * items of the catalog) through the public API, then time a for-you list on every backend
 * side by side and, with a real stamp picture, the path from a new ad-hoc image to the
 * updated list, next to a viewed catalog item and a viewed off-catalog picture (embedded
 * there) → updated list. Catalogs that are not built are listed with the command that builds them.
 */
export async function benchmarkRecommend(
  page: Page,
  catalogs: BenchCatalog[],
  exampleImage: Buffer,
  runs: number,
  maxRunMs: number,
): Promise<RecommendBenchmarkRow[]> {
  const out: RecommendBenchmarkRow[] = [];
  for (const { folder, history } of catalogs) {
    const manifestPath = join('public', 'catalogs', folder, 'manifest.json');
    if (!existsSync(manifestPath)) {
      console.log(`Recommend on ${folder}: not built (npm run catalog -- build --source ${folder} --out public/catalogs/${folder}, then npm run build)\n`);
      continue;
    }
    const ids = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    const step = Math.max(1, Math.floor(ids.length / history));
    const viewed = Array.from({ length: history }, (_, i) => ids[i * step]!);
    const rows = await page.evaluate(
      async ({ folder, viewed, image, runs, maxRunMs }) => {
        const api = window.engine!.api;
        await api.loadCatalog(`catalogs/${folder}/`);
        for (const id of viewed) await api.track('view', id, { dwellMs: 10_000 });
        const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0)).buffer;
        return api.benchmarkRecommend({ k: 10, runs, exampleImage: bytes, exampleRuns: Math.min(runs, 3), maxRunMs });
      },
      { folder, viewed, image: exampleImage.toString('base64'), runs, maxRunMs },
    );
    const best = Math.min(...rows.map((r) => r.forYou.medianMs));
    const bestExample = Math.min(...rows.map((r) => r.exampleToRecs?.medianMs ?? Infinity));
    console.log(
      `Recommend for-you, k = 10, on ${rows[0]?.catalog ?? folder} (${rows[0]?.items ?? '?'} items; ${history} viewed items; median of ${runs} runs) and a new ad-hoc image → updated for-you`,
    );
    console.log(
      formatTable(
        ['backend', 'for-you median ms', 'min ms', '× best', 'image → recs ms', '× best', 'catalog view → recs ms', 'off-catalog image view → recs ms'],
        rows.map((r) => [
          r.backend,
          r.forYou.medianMs,
          r.forYou.minMs,
          r.forYou.medianMs / best,
          r.exampleToRecs?.medianMs ?? NaN,
          (r.exampleToRecs?.medianMs ?? NaN) / bestExample,
          r.catalogViewToRecs?.medianMs ?? NaN,
          r.offCatalogViewToRecs?.medianMs ?? NaN,
        ]),
      ),
    );
    console.log('');
    out.push(...rows);
  }
  return out;
}
