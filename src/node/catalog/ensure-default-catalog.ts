// `npm run catalog:default` (part of `npm start` and of the e2e server): builds the default
// catalog, the Tux Paint stamps, into public/catalogs/tuxpaint/ when it is missing, with the
// builder's progress bar and ETA. A complete catalog is reused; an interrupted build resumes.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where the app (and `createRecommender`'s default) finds its catalog: `<base>catalogs/tuxpaint/`. */
export const DEFAULT_CATALOG_DIR = join(root, 'public', 'catalogs', 'tuxpaint');

const manifestPath = join(DEFAULT_CATALOG_DIR, 'manifest.json');
if (existsSync(manifestPath)) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: unknown[] };
  console.log(`default catalog: reusing ${DEFAULT_CATALOG_DIR} (${manifest.items.length} items)`);
} else {
  console.log(`default catalog: building the Tux Paint stamps into ${DEFAULT_CATALOG_DIR} (first run only, several minutes)`);
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'catalog', 'catalog-cli.ts'), 'build', '--source', 'tuxpaint', '--out', DEFAULT_CATALOG_DIR], {
    stdio: 'inherit',
  });
}
