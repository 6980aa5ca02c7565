import { describe, expect, it } from 'vitest';
import { catalogBuildFraction, describeCatalogBuild, formatDuration } from '../../../src/demo/describe-catalog-build.ts';
import type { CatalogBuildStatus } from '../../../src/protocol/catalog-build-status.ts';

const status = (s: Omit<CatalogBuildStatus, 'pid' | 'updatedAt'>): CatalogBuildStatus => ({ ...s, pid: 1, updatedAt: 0 });

describe('describeCatalogBuild: the line the first-run page shows', () => {
  it.each([
    [status({ phase: 'fetching', done: 54_200_000, total: 160_880_444 }), 'Downloading the stamps from Debian: 54.2 MB of 160.9 MB'],
    [status({ phase: 'unpacking', done: 0, total: 160_692_024 }), 'Unpacking the stamps: 0 B of 160.7 MB'],
    [status({ phase: 'embedding', done: 0, total: 0, message: 'loading the encoders' }), 'Building the catalog: loading the encoders…'],
    [status({ phase: 'embedding', done: 412, total: 961 }), 'Building the catalog: 412 of 961 items'],
    [status({ phase: 'embedding', done: 412, total: 961, etaSeconds: 175 }), 'Building the catalog: 412 of 961 items · about 3 min left'],
    [
      status({ phase: 'finishing', done: 961, total: 961, message: 'training the shared space and writing the catalog' }),
      'Building the catalog: 961 of 961 items · training the shared space and writing the catalog',
    ],
    [status({ phase: 'done', done: 961, total: 961 }), 'The catalog is built (961 items); loading it'],
    [status({ phase: 'failed', done: 0, total: 0, message: '[hash-mismatch] refused' }), 'The catalog build failed: [hash-mismatch] refused'],
  ])('%o → %s', (s, text) => {
    expect(describeCatalogBuild(s)).toBe(text);
  });

  it('gives the bar a fraction only when the phase has a size', () => {
    expect(catalogBuildFraction(status({ phase: 'embedding', done: 412, total: 961 }))).toBeCloseTo(0.4287, 4);
    expect(catalogBuildFraction(status({ phase: 'embedding', done: 0, total: 0 }))).toBeUndefined();
  });

  it('rounds an ETA to what a person needs', () => {
    expect([0.2, 45, 89, 175, 3599, 3900].map(formatDuration)).toEqual(['1 s', '45 s', '1 min', '3 min', '1 h', '1 h 5 min']);
  });
});
