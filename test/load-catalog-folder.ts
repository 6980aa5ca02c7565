/**
 * A built catalog folder on disk, loaded by the engine's own loader (the browser's code path):
 * its files are served from `file:` URLs, without the browser cache.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadCatalogFiles, type LoadedCatalogFiles } from '../src/engine/catalog/fetch-catalog.ts';

export function loadCatalogFolder(dir: string): Promise<LoadedCatalogFiles> {
  return loadCatalogFiles(`${pathToFileURL(dir).href}/`, {
    caches: null,
    // The loader adds `?v=<hash>` cache keys; a file URL has no query.
    fetch: async (url) => new Response(new Uint8Array(readFileSync(new URL(url.split('?')[0]!)))),
  });
}
