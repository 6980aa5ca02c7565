import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { loadCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import { CatalogFormatError } from '../../src/engine/catalog/vector-codec.ts';
import { CatalogDownloadStalledError } from '../../src/engine/catalog/download-stall-watch.ts';
import { hostileCatalogFiles, type HostileCatalogKind } from '../hostile-catalogs.ts';

/**
 * A real HTTP server on loopback (Node's own fetch talks to it): each hostile catalog under
 * `/<kind>/`, and for `endless-body` a vector file whose body never ends.
 */
let server: Server;
let base: string;
const catalogs = new Map<string, Map<string, Uint8Array>>();
let endlessBytesSent = 0;
let stalledClosed = false;
let trickleClosed = false;
let silentManifestClosed = false;

beforeAll(async () => {
  for (const kind of ['float16-nan', 'float16-inf', 'int8-huge-scale', 'endless-body'] as HostileCatalogKind[])
    catalogs.set(kind, await hostileCatalogFiles(kind));
  server = createServer((request, response) => {
    const [, kind, ...rest] = (request.url ?? '').split('/');
    const path = rest.join('/');
    if (kind === 'endless-body' && path === 'vectors/text.bin') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' }); // no content-length: chunked, forever
      const chunk = new Uint8Array(16 * 1024);
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) endlessBytesSent += chunk.byteLength;
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
      return;
    }
    if (kind === 'stalled' && path === 'vectors/text.bin') {
      // One byte, then nothing, ever: only an abort ends this download.
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(new Uint8Array(1));
      response.once('close', () => (stalledClosed = true));
      return;
    }
    if (kind === 'trickle' && path === 'vectors/text.bin') {
      // A byte every 50 ms: never silent for long, but far too slow to finish.
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => response.write(new Uint8Array(1)), 50);
      response.once('close', () => {
        clearInterval(timer);
        trickleClosed = true;
      });
      return;
    }
    if (kind === 'silent-manifest') {
      // The request is taken, and no answer ever comes (not even the headers).
      response.once('close', () => (silentManifestClosed = true));
      return;
    }
    // `valid`: the endless-body catalog's real files, served whole.
    const bytes = catalogs.get(kind === 'stalled' || kind === 'trickle' || kind === 'valid' ? 'endless-body' : (kind ?? ''))?.get(path);
    if (!bytes) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-length': String(bytes.byteLength) }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function parseError(kind: HostileCatalogKind): Promise<Error> {
  const files = await hostileCatalogFiles(kind);
  try {
    parseCatalogManifest(JSON.parse(new TextDecoder().decode(files.get('manifest.json'))), 'manifest.json');
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${kind} was accepted`);
}

async function loadError(kind: HostileCatalogKind): Promise<Error> {
  try {
    await loadCatalogFiles(`${base}${kind}/`, { caches: null });
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${kind} was accepted`);
}

describe('catalog caps, checked before allocating', () => {
  it('refuses huge count, dims and bytes, and more rows than items, naming the field', async () => {
    const cases: Array<[HostileCatalogKind, RegExp]> = [
      ['huge-count', /vectorFiles\.text: field "count" is 500000000; a catalog holds at most 1000000 items/],
      ['huge-dims', /field "dims" is 1000000; the limit is 8192/],
      ['huge-bytes', /field "bytes" is 1230000000; a vector file may have at most 1073741824 bytes/],
      ['count-over-items', /vectorFiles\.text: field "count" is 1000, more than the 3 items/],
    ];
    for (const [kind, message] of cases) {
      const error = await parseError(kind);
      expect(error, kind).toBeInstanceOf(CatalogFormatError);
      expect(error.message, kind).toMatch(message);
    }
  });

  it('refuses float16 Inf and NaN and an absurd int8 scale, naming the row, though the hashes match', async () => {
    const nan = await loadError('float16-nan');
    expect(nan.name).toBe('CatalogFormatError');
    expect(nan.message).toMatch(/vectors\/text\.bin: row 1 value 2 is NaN: a catalog vector must be finite/);
    expect((await loadError('float16-inf')).message).toMatch(/row 1 value 2 is Infinity/);
    expect((await loadError('int8-huge-scale')).message).toMatch(/row 2 has an absurd scale 1\.00000001504746\d*e\+30/);
  });

  it('stops a never-ending vector body at its declared size', async () => {
    const error = await loadError('endless-body');
    expect(error.name).toBe('CatalogFormatError');
    expect(error.message).toMatch(/catalog vector file .*vectors\/text\.bin: too long: more than the 24 bytes expected \(download stopped there\)/);
    // The server got a cancel, not a read to the end: it sent a bounded amount.
    expect(endlessBytesSent).toBeLessThan(64 * 1024 * 1024);
  });

  it('an AbortSignal stops a stalled download at once, and the connection is closed', async () => {
    const controller = new AbortController();
    let started = false;
    const load = loadCatalogFiles(`${base}stalled/`, {
      caches: null,
      signal: controller.signal,
      onProgress: (update) => {
        if (update.label === 'text vectors' && !started) {
          started = true;
          setTimeout(() => controller.abort(new DOMException('a newer loadCatalog call replaced this one', 'AbortError')), 200);
        }
      },
    });
    const error = (await load.catch((e: unknown) => e)) as Error;
    expect(started).toBe(true);
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe('a newer loadCatalog call replaced this one');
    await expect.poll(() => stalledClosed).toBe(true);
    // An already aborted signal fetches nothing.
    await expect(loadCatalogFiles(`${base}stalled/`, { caches: null, signal: controller.signal })).rejects.toThrow(
      'a newer loadCatalog call replaced this one',
    );
  });

  it('a download that stops, trickles or never answers is aborted by its stall window with CatalogDownloadStalledError, connection closed', async () => {
    const cases: Array<[string, RegExp, () => boolean]> = [
      [
        'stalled',
        /catalog vector file .*stalled\/vectors\/text\.bin: stalled: [01] bytes arrived in the last 300 ms \(at least 16384 expected\), 1 in all/,
        () => stalledClosed,
      ],
      [
        'trickle',
        /catalog vector file .*trickle\/vectors\/text\.bin: stalled: \d bytes arrived in the last 300 ms \(at least 16384 expected\)/,
        () => trickleClosed,
      ],
      ['silent-manifest', /catalog manifest .*silent-manifest\/manifest\.json: stalled: 0 bytes arrived in the last 300 ms/, () => silentManifestClosed],
    ];
    for (const [kind, message, closed] of cases) {
      const error = await loadCatalogFiles(`${base}${kind}/`, { caches: null, stallMs: 300 }).catch((e: unknown) => e as Error);
      expect(error, kind).toBeInstanceOf(CatalogDownloadStalledError);
      expect((error as Error).name, kind).toBe('CatalogDownloadStalledError');
      expect((error as Error).message, kind).toMatch(message);
      await expect.poll(closed, { message: kind }).toBe(true);
    }
  });

  it('a catalog that arrives at once loads under a short stall window', async () => {
    const files = await loadCatalogFiles(`${base}valid/`, { caches: null, stallMs: 300 });
    expect(files.manifest.items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect(files.vectors.text?.count).toBe(3);
  });
});
