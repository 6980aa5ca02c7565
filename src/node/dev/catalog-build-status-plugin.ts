import type { Plugin } from 'vite';
import { CATALOG_BUILD_STATUS_PATH } from '../../protocol/catalog-build-status.ts';
import { servedCatalogBuildStatus } from '../catalog/catalog-build-status-file.ts';

/**
 * Dev server only (`apply: 'serve'`): answers `<base>__ondevice-recs/catalog-build.json` with
 * the default catalog's build status, so the demo page can show "building the catalog: n of
 * 961" while the first `npm start` builds it. 404 when no build has left a status. `vite
 * build`, `vite preview` and a static host have no such path, and the page asks for it only
 * in dev (`import.meta.env.DEV`).
 */
export function catalogBuildStatusPlugin(statusFile: string): Plugin {
  return {
    name: 'ondevice-recs-catalog-build-status',
    apply: 'serve',
    configureServer(server) {
      const path = `${server.config.base}${CATALOG_BUILD_STATUS_PATH}`;
      server.middlewares.use((req, res, next) => {
        if (req.url?.split('?')[0] !== path) return next();
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        try {
          const status = servedCatalogBuildStatus(statusFile);
          res.statusCode = status ? 200 : 404;
          res.end(JSON.stringify(status ?? { error: 'no catalog build has run here' }));
        } catch (error) {
          res.statusCode = 500;
          res.end(JSON.stringify({ error: `the catalog build status in ${statusFile} is unreadable: ${(error as Error).message}` }));
        }
      });
    },
  };
}
