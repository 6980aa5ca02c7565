import { CATALOG_BUILD_STATUS_PATH, parseCatalogBuildStatus, type ServedCatalogBuildStatus } from '../protocol/catalog-build-status.ts';
import { describeCatalogBuild } from './describe-catalog-build.ts';

/** The default catalog's build failed or stopped; the message says how to go on. */
export class CatalogBuildFailedError extends Error {
  override readonly name = 'CatalogBuildFailedError';
}

/** How often the page asks the dev server while a build runs. */
const POLL_MS = 1000;

/**
 * Dev server only (the first `npm start`): resolves once no build of the default catalog is
 * running (at once when none ran here: the server answers 404), calling `onStatus` with each
 * status while one is. Rejects with CatalogBuildFailedError when the build failed, or when its
 * process is gone without finishing (stopped with Ctrl-C, killed).
 */
export async function waitForCatalogBuild(baseUrl: string, onStatus: (status: ServedCatalogBuildStatus) => void, pollMs = POLL_MS): Promise<void> {
  const url = new URL(CATALOG_BUILD_STATUS_PATH, baseUrl);
  for (;;) {
    const response = await fetch(url, { cache: 'no-store' });
    if (response.status === 404) return;
    if (!response.ok) throw new CatalogBuildFailedError(`the dev server could not report the catalog build (${response.status}: ${await response.text()})`);
    const status = parseCatalogBuildStatus(await response.json());
    if (status.phase === 'done') return;
    if (status.phase === 'failed')
      throw new CatalogBuildFailedError(
        `${describeCatalogBuild(status)}. Fix the cause shown in the terminal and run \`npm start\` again: the build resumes where it stopped.`,
      );
    if (status.running !== true) {
      throw new CatalogBuildFailedError(
        `The catalog build stopped before it finished (${describeCatalogBuild(status)}). Run \`npm start\` again: the build resumes where it stopped.`,
      );
    }
    onStatus({ ...status, running: true });
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
