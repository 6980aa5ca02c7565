import { spawnSync } from 'node:child_process';
import { findOrFetchTuxPaintStamps } from '../../../../scripts/fetch-tuxpaint-stamps.mjs';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  catalogBuildStatusWriter,
  clearCatalogBuildStatus,
  readCatalogBuildStatus,
  servedCatalogBuildStatus,
} from '../../../../src/node/catalog/catalog-build-status-file.ts';
import { CatalogBuildStatusError, parseCatalogBuildStatus } from '../../../../src/protocol/catalog-build-status.ts';

/** The status file between the catalog builder and the dev server's page (first `npm start`). */
const dir = mkdtempSync(join(tmpdir(), 'catalog-build-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalogBuildStatusWriter', () => {
  it('writes the status with its pid and time, atomically (no temp file left)', () => {
    const file = join(dir, 'a', 'status.json');
    const before = Date.now();
    catalogBuildStatusWriter(file).now({ phase: 'embedding', done: 412, total: 961, etaSeconds: 175 });
    const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | string>;
    expect(written).toMatchObject({ phase: 'embedding', done: 412, total: 961, etaSeconds: 175, pid: process.pid });
    expect(written.updatedAt).toBeGreaterThanOrEqual(before);
    expect(readdirSync(join(dir, 'a'))).toEqual(['status.json']);
  });

  it('throttles updates within a phase but never a change of phase', () => {
    const file = join(dir, 'throttle.json');
    const status = catalogBuildStatusWriter(file);
    status.update({ phase: 'embedding', done: 1, total: 961 });
    status.update({ phase: 'embedding', done: 2, total: 961 });
    expect(readCatalogBuildStatus(file)?.done).toBe(1);
    status.update({ phase: 'finishing', done: 961, total: 961 });
    expect(readCatalogBuildStatus(file)?.phase).toBe('finishing');
  });
});

describe('servedCatalogBuildStatus', () => {
  it('says a build is running while its process lives', () => {
    const file = join(dir, 'running.json');
    catalogBuildStatusWriter(file).now({ phase: 'fetching', done: 10, total: 100 });
    expect(servedCatalogBuildStatus(file)).toMatchObject({ phase: 'fetching', running: true });
  });

  it('says it is not running when the process that wrote it is gone (a killed build)', () => {
    const file = join(dir, 'gone.json');
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(file, JSON.stringify({ phase: 'embedding', done: 5, total: 961, pid: gone, updatedAt: Date.now() }));
    expect(servedCatalogBuildStatus(file)).toMatchObject({ phase: 'embedding', running: false });
  });

  it('never calls a finished or failed build running', () => {
    const file = join(dir, 'done.json');
    catalogBuildStatusWriter(file).now({ phase: 'done', done: 961, total: 961 });
    expect(servedCatalogBuildStatus(file)?.running).toBe(false);
  });

  it('is undefined without a file, and after clearing', () => {
    const file = join(dir, 'cleared.json');
    expect(servedCatalogBuildStatus(file)).toBeUndefined();
    catalogBuildStatusWriter(file).now({ phase: 'done', done: 1, total: 1 });
    clearCatalogBuildStatus(file);
    expect(servedCatalogBuildStatus(file)).toBeUndefined();
  });
});

describe('catalog build --progress-file', () => {
  it('records a build that fails on bad input as failed, with the message the CLI prints', () => {
    const stamps = findOrFetchTuxPaintStamps();
    const file = join(dir, 'cli.json');
    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/node/catalog/catalog-cli.ts',
        'build',
        '--source',
        'tuxpaint',
        '--ids',
        'no/such',
        '--out',
        join(dir, 'out'),
        '--progress-file',
        file,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(cli.status).toBe(2);
    const message = `no Tux Paint stamp with id "no/such" in ${stamps}`;
    expect(cli.stderr).toContain(`catalog: ${message}`);
    expect(readCatalogBuildStatus(file)).toMatchObject({ phase: 'failed', message });
  });
});

describe('parseCatalogBuildStatus', () => {
  const good = { phase: 'embedding', done: 3, total: 961, pid: 42, updatedAt: 1 };
  it.each([
    ['not an object', [], 'catalog build status: expected a JSON object'],
    [
      'unknown phase',
      { ...good, phase: 'baking' },
      'catalog build status: "phase" must be one of fetching, unpacking, embedding, finishing, done, failed (got "baking")',
    ],
    ['negative count', { ...good, done: -1 }, 'catalog build status: "done" must be a number ≥ 0 (got -1)'],
    ['missing total', { ...good, total: undefined }, 'catalog build status: "total" must be a number ≥ 0 (got undefined)'],
    ['done past total', { ...good, done: 962 }, 'catalog build status: "done" (962) is more than "total" (961)'],
    ['message not text', { ...good, message: 3 }, 'catalog build status: "message" must be a string'],
    ['running not a boolean', { ...good, running: 'yes' }, 'catalog build status: "running" must be true or false'],
  ])('refuses %s with a message naming the field', (_name, value, message) => {
    expect(() => parseCatalogBuildStatus(value)).toThrow(CatalogBuildStatusError);
    expect(() => parseCatalogBuildStatus(value)).toThrow(message);
  });

  it('keeps the optional fields it knows', () => {
    expect(parseCatalogBuildStatus({ ...good, etaSeconds: 9, message: 'x', running: true, extra: 1 })).toEqual({
      ...good,
      etaSeconds: 9,
      message: 'x',
      running: true,
    });
  });
});
