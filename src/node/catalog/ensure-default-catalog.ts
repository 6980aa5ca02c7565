// `npm run catalog:default` (part of `npm start` and of the e2e server): builds the default
// catalog, the Tux Paint stamps, into public/catalogs/tuxpaint/ when it is missing, with
// progress bars and an ETA in the terminal and the same progress in a status file that the
// dev server shows on the page (catalog-build-status-file.ts). A complete catalog is reused;
// an interrupted build resumes. A complete catalog built before shared spaces existed gets
// one added from its stored vectors (`catalog shared-space`: seconds, nothing is embedded again).
//
// The stamps come from the pinned Debian package (src/node/debian/): apt where it exists,
// else HTTPS from a Debian mirror, SHA-256 checked and unpacked in JS, so this works on any
// machine Node runs on.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTuxPaintStamps, TUXPAINT_CACHE_DIR } from '../../../scripts/fetch-tuxpaint-stamps.mjs';
import { TUXPAINT_STAMPS_DEFAULT } from '../debian/debian-package-pin.ts';
import { fetchDebianPackage } from '../debian/fetch-debian-package.ts';
import { terminalByteProgress } from '../debian/terminal-byte-progress.ts';
import { catalogBuildStatusWriter, clearCatalogBuildStatus, readCatalogBuildStatus } from './catalog-build-status-file.ts';
import { DEFAULT_CATALOG_BUILD_STATUS_FILE, DEFAULT_CATALOG_DIR } from './default-catalog-paths.ts';
import { ensureSentimentHead } from '../sentiment/ensure-sentiment-head.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const manifestPath = join(DEFAULT_CATALOG_DIR, 'manifest.json');
const catalogCli = (...args: string[]) =>
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'catalog', 'catalog-cli.ts'), ...args], {
    stdio: 'inherit',
  });

if (existsSync(manifestPath)) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { items: unknown[]; vectorFiles?: Record<string, unknown>; sharedSpace?: unknown };
  console.log(`default catalog: reusing ${DEFAULT_CATALOG_DIR} (${manifest.items.length} items)`);
  clearCatalogBuildStatus(DEFAULT_CATALOG_BUILD_STATUS_FILE);
  if (manifest.sharedSpace === undefined && Object.keys(manifest.vectorFiles ?? {}).length >= 2) {
    console.log('default catalog: adding the shared space (learned cross-modal projections) from the stored vectors');
    catalogCli('shared-space', '--out', DEFAULT_CATALOG_DIR);
  }
} else {
  console.log(`default catalog: building the Tux Paint stamps into ${DEFAULT_CATALOG_DIR} (first run only, several minutes)`);
  const status = catalogBuildStatusWriter(DEFAULT_CATALOG_BUILD_STATUS_FILE);
  try {
    if (!findTuxPaintStamps()) {
      const bar = terminalByteProgress(TUXPAINT_STAMPS_DEFAULT.name);
      status.now({ phase: 'fetching', done: 0, total: TUXPAINT_STAMPS_DEFAULT.size });
      await fetchDebianPackage(TUXPAINT_STAMPS_DEFAULT, TUXPAINT_CACHE_DIR, {
        log: bar.log,
        onProgress: (phase, done, total) => {
          bar.update(phase, done, total);
          status.update({ phase: phase === 'downloading' ? 'fetching' : 'unpacking', done, total });
        },
      });
      bar.stop();
    }
    status.now({ phase: 'embedding', done: 0, total: 0, message: 'loading the encoders' });
    catalogCli('build', '--source', 'tuxpaint', '--out', DEFAULT_CATALOG_DIR, '--progress-file', DEFAULT_CATALOG_BUILD_STATUS_FILE);
  } catch (error) {
    // The builder records its own failures; a failure before it (the download) or a crash of it is recorded here.
    const exitCode = (error as { status?: unknown }).status;
    const message =
      typeof exitCode === 'number'
        ? `the catalog builder exited with code ${exitCode}; its error is printed in the terminal`
        : (error as Error).message.split('\n')[0];
    if (readCatalogBuildStatus(DEFAULT_CATALOG_BUILD_STATUS_FILE)?.phase !== 'failed') status.now({ phase: 'failed', done: 0, total: 0, message });
    console.error(`default catalog: ${message}`);
    process.exit(1);
  }
}

// The review sentiment head the demo and the widget fetch (src/node/sentiment/ensure-sentiment-head.ts).
ensureSentimentHead();
