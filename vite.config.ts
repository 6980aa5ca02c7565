import { defineConfig, type Plugin } from 'vite';
import { catalogBuildStatusPlugin } from './src/node/dev/catalog-build-status-plugin.ts';
import { DEFAULT_CATALOG_BUILD_STATUS_FILE } from './src/node/catalog/default-catalog-paths.ts';
import { WIDGET_CSP } from './src/widget/widget-csp.ts';
import { DEMO_CSP } from './src/demo/demo-csp.ts';
import { cspMetaPlugin } from './src/node/dev/csp-meta-plugin.ts';

/**
 * The preview server (e2e tests, benchmarks) sends the widget's strict CSP with the example
 * shop's pages and with every worker script: a worker answered without a CSP header would not
 * be bound by the page's policy, so the worker's own response must carry it.
 */
function widgetCspHeaders(): Plugin {
  return {
    name: 'widget-csp-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        if (req.url?.startsWith('/example-shop/') || req.headers['sec-fetch-dest'] === 'worker') res.setHeader('Content-Security-Policy', WIDGET_CSP);
        next();
      });
    },
  };
}

export default defineConfig({
  // A multi-page app: unknown paths are 404s, not index.html, so a missing asset fails loudly.
  appType: 'mpa',
  // The dev server also shows the first run's catalog build on the page (dev only; CATALOG_BUILD_STATUS_FILE is for tests).
  // The demo's CSP is written into the built index.html, so it works on any static server.
  plugins: [widgetCspHeaders(), cspMetaPlugin(DEMO_CSP), catalogBuildStatusPlugin(process.env.CATALOG_BUILD_STATUS_FILE ?? DEFAULT_CATALOG_BUILD_STATUS_FILE)],
  // The engine worker imports tfjs; ES module workers keep it code-split like the page.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // tfjs is large by nature; the warning would only repeat that.
    chunkSizeWarningLimit: 4000,
  },
  server: {
    host: '127.0.0.1',
    strictPort: true,
    // Not app sources: the unpacked stamps (10 000 files), build folders and the catalog builder's journal.
    watch: { ignored: ['**/.cache/**', '**/dist/**', '**/dist-*/**', '**/public/catalogs/*/.partial/**'] },
  },
  preview: { host: '127.0.0.1', strictPort: true },
});
