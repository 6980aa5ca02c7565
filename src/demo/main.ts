import { progressProxy, startEngine, type EngineHandle } from '../client/start-engine.ts';
import { createRecommender, recommenderFor, type Recommender, type RunningEngine } from '../client/create-recommender.ts';
import type { CatalogSummary } from '../protocol/engine-api.ts';
import './demo-page.css';
import './demo-app.ts';
import { CatalogBuildFailedError, waitForCatalogBuild } from './wait-for-catalog-build.ts';
import { offSiteParam } from './same-origin-param.ts';

declare global {
  interface Window {
    /** The client API, for the console and for tests that start an engine of their own. */
    ondevice: { startEngine: typeof startEngine; createRecommender: typeof createRecommender };
    /** The demo's recommender (once its catalog is loaded), for tests and the console. */
    recs?: Recommender;
    /** The demo's engine, for tests and the console. */
    engine?: EngineHandle;
    engineReady: Promise<EngineHandle>;
    /** The default catalog's load summary, and when (ms since navigation) the page had it. */
    catalogLoaded?: { summary: CatalogSummary; readyAtMs: number };
  }
}

window.ondevice = { startEngine, createRecommender };
const params = new URLSearchParams(location.search);
const app = document.querySelector('demo-app')!;
/**
 * The default catalog, built by `npm run catalog:default`; `?catalog=URL` loads another, and
 * `?catalog=none` none (for tests that load their own and count the worker's tensors).
 */
const catalogUrl = params.get('catalog') ?? 'catalogs/tuxpaint/';
const onProgress = app.addProgress.bind(app);
/**
 * The first `npm start` serves this page while it builds the default catalog; the dev server
 * reports the build (and nothing else does: production builds drop this branch).
 */
const catalogBuilt =
  import.meta.env.DEV && !params.has('catalog') ? waitForCatalogBuild(document.baseURI, (status) => app.catalogBuilding(status)) : Promise.resolve();
// Handled below once the engine runs; a failed build must not count as unhandled before that.
catalogBuilt.catch(() => undefined);

const engineOptions = {
  backend: params.get('backend') ?? undefined,
  // Lets tests point the worker at a missing asset folder to exercise start-up failure.
  ...(params.has('assets') ? { assetsBaseUrl: new URL(params.get('assets')!, location.href).href } : {}),
};
const offSite = offSiteParam(params, ['catalog', 'assets']);
window.engineReady = offSite
  ? Promise.reject(new Error(offSite))
  : startEngine({
      ...engineOptions,
      // Fetched while the engine starts; loadCatalog below then takes it.
      ...(catalogUrl !== 'none' ? { preloadCatalog: new URL(catalogUrl, location.href).href } : {}),
      onProgress,
    });

/** After a crash or a wedged worker: a new engine with the same catalog (the profile is in IndexedDB). */
async function restartEngine(): Promise<RunningEngine> {
  const engine = await startEngine(engineOptions);
  try {
    const catalog = await engine.api.loadCatalog(catalogUrl);
    window.engine = engine;
    return { engine, catalog };
  } catch (error) {
    engine.terminate();
    throw error;
  }
}
window.engineReady.then(
  (engine) => {
    window.engine = engine;
    app.engineStarted(engine.report);
    document.body.dataset.engine = 'ready';
    if (catalogUrl === 'none') {
      app.catalogSkipped();
      document.body.dataset.catalog = 'none';
      return;
    }
    catalogBuilt
      .then(() => engine.api.loadCatalog(catalogUrl, progressProxy(onProgress)))
      .then(
        (summary) => {
          window.catalogLoaded = { summary, readyAtMs: performance.now() };
          window.recs = recommenderFor(engine, summary, restartEngine);
          document.body.dataset.catalog = 'ready';
          void app.catalogLoaded(summary, window.recs);
        },
        (error: Error) => {
          app.catalogFailed(
            error instanceof CatalogBuildFailedError
              ? error.message
              : `The catalog at ${catalogUrl} could not be loaded: ${error.message}. Run \`npm run catalog:default\` to build the default one.`,
          );
          document.body.dataset.catalog = 'failed';
        },
      );
  },
  (error: Error) => {
    app.engineFailed(`The recommender could not start: ${error.message}`);
    document.body.dataset.engine = 'failed';
  },
);
