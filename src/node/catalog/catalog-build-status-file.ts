// The builder's side of the catalog build status (src/protocol/catalog-build-status.ts): a
// small JSON file rewritten atomically (write, then rename) so a reader never sees half of
// one, at most every WRITE_INTERVAL_MS except when the phase changes.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseCatalogBuildStatus, type CatalogBuildStatus, type ServedCatalogBuildStatus } from '../../protocol/catalog-build-status.ts';

/** Often enough for a progress bar a person watches, rarely enough to cost nothing. */
const WRITE_INTERVAL_MS = 250;

export type CatalogBuildUpdate = Omit<CatalogBuildStatus, 'pid' | 'updatedAt'>;

/** Writes the status of one build to `file`; `update` throttles, `now` always writes. */
export function catalogBuildStatusWriter(file: string): { update: (status: CatalogBuildUpdate) => void; now: (status: CatalogBuildUpdate) => void } {
  let lastWrite = 0;
  let lastPhase: string | undefined;
  const now = (status: CatalogBuildUpdate): void => {
    mkdirSync(dirname(file), { recursive: true });
    const full: CatalogBuildStatus = { ...status, pid: process.pid, updatedAt: Date.now() };
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(full)}\n`);
    renameSync(temp, file);
    lastWrite = performance.now();
    lastPhase = status.phase;
  };
  return {
    now,
    update(status) {
      if (status.phase === lastPhase && performance.now() - lastWrite < WRITE_INTERVAL_MS) return;
      now(status);
    },
  };
}

/** The status in `file`, or undefined when there is none (no build was started here, or it was cleared). */
export function readCatalogBuildStatus(file: string): CatalogBuildStatus | undefined {
  if (!existsSync(file)) return undefined;
  return parseCatalogBuildStatus(JSON.parse(readFileSync(file, 'utf8')));
}

/** The status with `running`: whether the process that wrote it is still alive (a killed build leaves its last status behind). */
export function servedCatalogBuildStatus(file: string): ServedCatalogBuildStatus | undefined {
  const status = readCatalogBuildStatus(file);
  if (!status) return undefined;
  const finished = status.phase === 'done' || status.phase === 'failed';
  return { ...status, running: !finished && isAlive(status.pid) };
}

export function clearCatalogBuildStatus(file: string): void {
  rmSync(file, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
