// `npm run catalog:default` (part of `npm start` and of the e2e server): builds the default
// catalog, the Tux Paint stamps, into public/catalogs/tuxpaint/ when it is missing, with the
// builder's progress bar and ETA. A complete catalog is reused; an interrupted build resumes.
// A complete catalog built before shared spaces existed gets one added from its stored
// vectors (`catalog shared-space`: seconds, nothing is embedded again).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where the app (and `createRecommender`'s default) finds its catalog: `<base>catalogs/tuxpaint/`. */
export const DEFAULT_CATALOG_DIR = join(root, 'public', 'catalogs', 'tuxpaint');

const manifestPath = join(DEFAULT_CATALOG_DIR, 'manifest.json');
const catalogCli = (...args: string[]) =>
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'catalog', 'catalog-cli.ts'), ...args], { stdio: 'inherit' });
if (existsSync(manifestPath)) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: unknown[]; vectorFiles?: Record<string, unknown>; sharedSpace?: unknown };
  console.log(`default catalog: reusing ${DEFAULT_CATALOG_DIR} (${manifest.items.length} items)`);
  if (manifest.sharedSpace === undefined && Object.keys(manifest.vectorFiles ?? {}).length >= 2) {
    console.log('default catalog: adding the shared space (learned cross-modal projections) from the stored vectors');
    catalogCli('shared-space', '--out', DEFAULT_CATALOG_DIR);
  }
} else {
  // The build runs as one shard process per core, then merges (shard-build.ts).
  console.log(`default catalog: building the Tux Paint stamps into ${DEFAULT_CATALOG_DIR} on ${availableParallelism()} cores (first run only, a few minutes)`);
  catalogCli('build', '--source', 'tuxpaint', '--out', DEFAULT_CATALOG_DIR);
}
