/**
 * A catalog fetched while the engine starts (`EngineConfig.preloadCatalog`). The page's progress
 * listener of `init` is released when `init` returns, but the fetch goes on after it; so the
 * fetch's progress is kept here and handed to the listener of the `loadCatalog` call that takes
 * the files (first what already happened, then the rest as it happens). The loading view thus
 * shows the catalog's files, with their bytes or "from cache", whether or not they were preloaded.
 */
import type { ProgressListener, ProgressUpdate } from '../../protocol/progress.ts';
import { loadCatalogFiles, type LoadedCatalogFiles } from './fetch-catalog.ts';

export class PreloadedCatalog {
  readonly files: Promise<LoadedCatalogFiles>;
  private readonly held: ProgressUpdate[] = [];
  private listener: ProgressListener | undefined;
  private readonly downloads = new AbortController();

  constructor(
    readonly url: string,
    stallMs?: number,
  ) {
    this.files = loadCatalogFiles(url, { onProgress: (update) => this.report(update), signal: this.downloads.signal, ...(stallMs ? { stallMs } : {}) });
    this.files.catch(() => undefined); // loadCatalog reports it (and fetches again)
  }

  /** Another catalog was asked for: stop this one's downloads. */
  abort(): void {
    this.downloads.abort(new DOMException('another catalog was loaded instead', 'AbortError'));
  }

  /** The progress so far, then every later update, go to `listener` (a safe listener: it never throws). */
  attach(listener: ProgressListener): void {
    for (const update of this.held.splice(0)) listener(update);
    this.listener = listener;
  }

  private report(update: ProgressUpdate): void {
    if (this.listener) this.listener(update);
    else this.held.push({ ...update });
  }
}
