import type { CatalogBuildPhase, CatalogBuildStatus } from '../protocol/catalog-build-status.ts';
import { formatBytes } from './format-bytes.ts';

/** The build's steps for people, in order (`done` and `failed` are not steps). */
export const CATALOG_BUILD_STEPS: ReadonlyArray<{ phase: CatalogBuildPhase; label: string }> = [
  { phase: 'fetching', label: 'Download the Tux Paint stamps from Debian' },
  { phase: 'unpacking', label: 'Unpack them' },
  { phase: 'embedding', label: 'Embed every stamp’s text, picture and sound' },
  { phase: 'finishing', label: 'Train the shared space and write the catalog' },
];

/** "Building the catalog: 412 of 961 items · about 3 min left", and the like for each phase. */
export function describeCatalogBuild(status: CatalogBuildStatus): string {
  const { phase, done, total } = status;
  switch (phase) {
    case 'fetching':
      return `Downloading the stamps from Debian: ${formatBytes(done)} of ${formatBytes(total)}`;
    case 'unpacking':
      return `Unpacking the stamps: ${formatBytes(done)} of ${formatBytes(total)}`;
    case 'embedding':
      if (total === 0) return `Building the catalog: ${status.message ?? 'starting'}…`;
      return `Building the catalog: ${done} of ${total} items${status.etaSeconds !== undefined ? ` · about ${formatDuration(status.etaSeconds)} left` : ''}`;
    case 'finishing':
      return `Building the catalog: ${done} of ${total} items · ${status.message ?? 'writing the catalog'}`;
    case 'done':
      return `The catalog is built (${total} items); loading it`;
    case 'failed':
      return `The catalog build failed: ${status.message ?? 'no reason given'}`;
  }
}

/** 0…1 within the current step, or undefined when the step has no known size. */
export function catalogBuildFraction(status: CatalogBuildStatus): number | undefined {
  return status.total > 0 ? Math.min(1, status.done / status.total) : undefined;
}

/** "45 s", "3 min", "1 h 5 min": an ETA needs no more precision. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
