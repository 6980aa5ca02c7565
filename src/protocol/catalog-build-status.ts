/**
 * The first `npm start` builds the default catalog while the dev server already serves the
 * page. The builder writes how far it is to a small JSON file; the dev server (and only the
 * dev server: `vite build`, `vite preview` and static hosting never have this path) serves
 * it at CATALOG_BUILD_STATUS_PATH, and the demo page shows it until the catalog is there.
 */
export const CATALOG_BUILD_PHASES = ['fetching', 'unpacking', 'embedding', 'finishing', 'done', 'failed'] as const;
/**
 * - `fetching`: downloading the stamps' Debian package (bytes);
 * - `unpacking`: unpacking it (compressed bytes read);
 * - `embedding`: embedding the items' text, pictures and sounds (items);
 * - `finishing`: every item embedded; training the shared space and writing the files;
 * - `done`: the catalog is complete; `failed`: it stopped with `message`.
 */
export type CatalogBuildPhase = (typeof CATALOG_BUILD_PHASES)[number];

export interface CatalogBuildStatus {
  phase: CatalogBuildPhase;
  /** How much of the phase is done, of `total`: bytes while fetching and unpacking, items after. 0 of 0 when not known. */
  done: number;
  total: number;
  /** Seconds the phase should still take, when the writer can tell. */
  etaSeconds?: number;
  /** Why it failed (`failed`), or what the phase is doing now. */
  message?: string;
  /** The process that wrote it. */
  pid: number;
  /** When it was written (ms since the epoch). */
  updatedAt: number;
}

/** As the dev server serves it: with whether the writing process is still alive. */
export interface ServedCatalogBuildStatus extends CatalogBuildStatus {
  running: boolean;
}

/** Below the app's base URL; served by the dev server only. */
export const CATALOG_BUILD_STATUS_PATH = '__ondevice-recs/catalog-build.json';

/** A status file or answer that is not a CatalogBuildStatus. */
export class CatalogBuildStatusError extends Error {
  override readonly name = 'CatalogBuildStatusError';
}

/** Checks a parsed status (the file, or the dev server's answer with `running`); throws CatalogBuildStatusError naming the bad field. */
export function parseCatalogBuildStatus(value: unknown): CatalogBuildStatus & { running?: boolean } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CatalogBuildStatusError('catalog build status: expected a JSON object');
  const record = value as Record<string, unknown>;
  const phase = record.phase;
  if (typeof phase !== 'string' || !(CATALOG_BUILD_PHASES as readonly string[]).includes(phase)) {
    throw new CatalogBuildStatusError(`catalog build status: "phase" must be one of ${CATALOG_BUILD_PHASES.join(', ')} (got ${JSON.stringify(phase)})`);
  }
  const count = (key: string): number => {
    const n = record[key];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw new CatalogBuildStatusError(`catalog build status: "${key}" must be a number ≥ 0 (got ${JSON.stringify(n)})`);
    return n;
  };
  const status: CatalogBuildStatus & { running?: boolean } = {
    phase: phase as CatalogBuildPhase,
    done: count('done'),
    total: count('total'),
    pid: count('pid'),
    updatedAt: count('updatedAt'),
  };
  if (status.done > status.total && status.total > 0)
    throw new CatalogBuildStatusError(`catalog build status: "done" (${status.done}) is more than "total" (${status.total})`);
  if (record.etaSeconds !== undefined) status.etaSeconds = count('etaSeconds');
  if (record.message !== undefined) {
    if (typeof record.message !== 'string') throw new CatalogBuildStatusError('catalog build status: "message" must be a string');
    status.message = record.message;
  }
  if (record.running !== undefined) {
    if (typeof record.running !== 'boolean') throw new CatalogBuildStatusError('catalog build status: "running" must be true or false');
    status.running = record.running;
  }
  return status;
}
