/**
 * A built catalog folder on disk, loaded the way the worker loads it over HTTP: the engine's
 * loadCatalogFiles (manifest parser, length and SHA-256 checks, vector decoding, shared
 * space) reading through a fetch over the folder's files, then the engine's LoadedCatalog.
 * No Cache API in Node: every file is read from disk.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCatalogFiles, type LoadedCatalogFiles } from '../../engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../engine/catalog/loaded-catalog.ts';

/** The folder is missing or is not a built catalog (no manifest.json). */
export class CatalogFolderError extends Error {
  override readonly name = 'CatalogFolderError';
}

/** A fetch over `file:` URLs (query and fragment ignored); a missing file answers 404. */
async function fetchFile(input: string): Promise<Response> {
  const url = new URL(input);
  if (url.protocol !== 'file:') return new Response('only file: URLs here', { status: 400, statusText: 'Bad Request' });
  url.search = '';
  url.hash = '';
  const path = fileURLToPath(url);
  if (!existsSync(path) || !statSync(path).isFile()) return new Response('not found', { status: 404, statusText: 'Not Found' });
  return new Response(new Uint8Array(readFileSync(path)));
}

export interface CatalogFolder {
  files: LoadedCatalogFiles;
  loaded: LoadedCatalog;
}

/** Throws CatalogFolderError for a missing folder or manifest, the engine's CatalogFormatError for a damaged catalog. */
export async function loadCatalogFolder(dir: string): Promise<CatalogFolder> {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new CatalogFolderError(`catalog folder ${dir} does not exist`);
  if (!existsSync(resolve(folder, 'manifest.json')))
    throw new CatalogFolderError(`${dir} is not a built catalog: it has no manifest.json (build one with npm run catalog -- build …)`);
  const files = await loadCatalogFiles(pathToFileURL(`${folder}/`).href, { fetch: fetchFile, caches: null });
  return { files, loaded: new LoadedCatalog(files) };
}
