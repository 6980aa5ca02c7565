import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where the app (and `createRecommender`'s default) finds its catalog: `<base>catalogs/tuxpaint/`. */
export const DEFAULT_CATALOG_DIR = join(root, 'public', 'catalogs', 'tuxpaint');
/** How far the default catalog's build is (catalog-build-status-file.ts); the dev server serves it to the page. */
export const DEFAULT_CATALOG_BUILD_STATUS_FILE = join(root, '.cache', 'catalog-build', 'tuxpaint.json');
