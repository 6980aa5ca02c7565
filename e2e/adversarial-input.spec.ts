import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { hostileCatalogFiles, type HostileCatalogKind } from '../test/hostile-catalogs.ts';
import { pngClaimingSize, SNIFF_HOSTILE_STRINGS, svgPatternBomb, svgUseBomb } from '../test/hostile-inputs.ts';
import { makeSound, wavWithLyingSize } from '../test/sound-fixtures.ts';
import { readyReport } from './engine-page.ts';
import { expect, test } from './test.ts';

/**
 * Issue 11, the input half: hostile pictures, sounds and catalogs against the production build
 * in real Chromium, through the API (the worker's own checks) and through the demo's pickers
 * (the page's pre-checks). Each case asserts the typed refusal and that the engine answers the
 * next call. Fixtures are made at test time (ffmpeg, sharp, hand-built PNG/SVG/catalog bytes)
 * and never committed. A body longer than declared is cut at the declared size; a vector file
 * that never ends, and one that trickles a byte every 300 ms, come from a real HTTP server the
 * test runs (Chromium's own network stack fetches them: the route only swaps the URL), and the
 * test sees the server's connection closed: the download was aborted, not left running.
 */
const APP = '/?backend=wasm';
const CATALOGS_DIR = resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs');
const HOSTILE: HostileCatalogKind[] = [
  'huge-count',
  'huge-dims',
  'huge-bytes',
  'count-over-items',
  'float16-nan',
  'float16-inf',
  'int8-huge-scale',
  'endless-body',
];
/** Catalog folders whose vector file the test's own server sends (`endless-body`'s files: 24 bytes declared). */
const STREAMED = ['e2e-endless', 'e2e-trickle'] as const;
let soundDir: string;

test.beforeAll(async () => {
  soundDir = mkdtempSync(join(tmpdir(), 'adversarial-input-'));
  for (const kind of HOSTILE) {
    const files = await hostileCatalogFiles(kind);
    if (kind === 'endless-body') files.set('vectors/text.bin', new Uint8Array(8 * 1024 * 1024)); // far longer than the 24 bytes declared
    for (const [path, bytes] of files) {
      const target = join(CATALOGS_DIR, `e2e-hostile-${kind}`, path);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, bytes);
    }
  }
});

test.afterAll(() => {
  for (const name of STREAMED) rmSync(join(CATALOGS_DIR, name), { recursive: true, force: true });
  for (const kind of HOSTILE) rmSync(join(CATALOGS_DIR, `e2e-hostile-${kind}`), { recursive: true, force: true });
  rmSync(soundDir, { recursive: true, force: true });
});

async function openDemo(page: Page): Promise<void> {
  await page.goto(APP);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
}

/** `searchByExample` in the page with these bytes; the rejection as `name: message`, or 'resolved'. */
function exampleOutcome(page: Page, kind: 'image' | 'audio', bytes: Uint8Array, type: string): Promise<string> {
  return page.evaluate(
    async ({ kind, b64, type }) => {
      const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type });
      try {
        await window.recs!.searchByExample(kind === 'image' ? { image: blob } : { audio: blob }, 3);
        return 'resolved';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    },
    { kind, b64: Buffer.from(bytes).toString('base64'), type },
  );
}

/** The engine still answers: a popular list of three catalog items. */
async function expectEngineAnswers(page: Page): Promise<void> {
  const items = await page.evaluate(() => window.recs!.recommend({ mode: 'popular', k: 3 }));
  expect(items).toHaveLength(3);
}

const searchError = (page: Page) => page.locator('example-search [data-testid="search-error"]');
const utf8 = (text: string) => new TextEncoder().encode(text);

test('the SVG-sniff strings of issue 11 are refused at once, through the API and the picker, and the engine answers next', async ({ page }) => {
  await openDemo(page);
  for (const text of SNIFF_HOSTILE_STRINGS) {
    expect(await exampleOutcome(page, 'image', utf8(text), 'image/svg+xml')).toMatch(/^EncoderInputError: \[unsupported-format\] /);
    await expectEngineAnswers(page);
  }
  const search = page.locator('example-search');
  await search.locator('#image-file').setInputFiles({ name: 'spaces.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(SNIFF_HOSTILE_STRINGS[1]!) });
  await expect(searchError(page)).toHaveText(/^“spaces\.svg” is not a picture this page can read/);
  await expectEngineAnswers(page);
});

test('pictures over the limits are refused too-large by their header: 16,384² and 30,000² PNGs of 1 MB, a real 48 MP JPEG, SVG <use> and pattern bombs', async ({
  page,
}) => {
  test.slow();
  await openDemo(page);
  for (const side of [16_384, 30_000]) {
    const png = pngClaimingSize(side, side);
    expect(await exampleOutcome(page, 'image', png, 'image/png')).toBe(
      `EncoderInputError: [too-large] image #1 is ${side}×${side} pixels (${((side * side) / 1e6).toFixed(1)} megapixels); the limit is 40 megapixels`,
    );
    await expectEngineAnswers(page);
  }
  const jpeg = new Uint8Array(
    await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#336699' } })
      .jpeg({ quality: 50 })
      .toBuffer(),
  );
  expect(await exampleOutcome(page, 'image', jpeg, 'image/jpeg')).toMatch(
    /^EncoderInputError: \[too-large\] image #1 is 8000×6000 pixels \(48\.0 megapixels\)/,
  );
  expect(await exampleOutcome(page, 'image', utf8(svgUseBomb(9, 10)), 'image/svg+xml')).toMatch(
    /^EncoderInputError: \[too-large\] image #1 is an SVG that expands to more than 200000 elements/,
  );
  expect(await exampleOutcome(page, 'image', utf8(svgPatternBomb(40)), 'image/svg+xml')).toMatch(
    /^EncoderInputError: \[too-large\] image #1 is an SVG whose references .* chained more than 16 deep/,
  );
  await expectEngineAnswers(page);

  // The page's own pre-check, through the picker: refused before the engine sees it.
  const search = page.locator('example-search');
  await search.locator('#image-file').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.from(pngClaimingSize(30_000, 30_000)) });
  await expect(searchError(page)).toHaveText('“huge.png” is 30000×30000 pixels (900.0 megapixels); the limit is 40 megapixels. Choose a smaller picture.');
  await search.locator('#image-file').setInputFiles({ name: 'bomb.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svgUseBomb(9, 10)) });
  await expect(searchError(page)).toHaveText(/^“bomb\.svg” is an SVG that expands to more than 200000 elements .*Choose a smaller picture\.$/);
  await expectEngineAnswers(page);
  expect((await page.evaluate(() => window.recs!.profile())).adhocItems).toBe(0);
});

test('hours-long FLAC and Opus, a WAV with a lying size and a long MP3 are refused too-long before decoding, through the API and the picker', async ({
  page,
}) => {
  test.slow();
  const sounds: Array<[string, Uint8Array, string]> = [
    ['long.flac', makeSound(soundDir, 'flac', 3600), 'audio/flac'],
    ['long.opus', makeSound(soundDir, 'opus', 1200), 'audio/ogg'],
    ['lying.wav', wavWithLyingSize(1, 0x7fff_0000), 'audio/wav'],
    ['long.mp3', makeSound(soundDir, 'mp3', 1200), 'audio/mpeg'],
  ];
  await openDemo(page);
  for (const [name, bytes, type] of sounds) {
    expect(bytes.byteLength, name).toBeLessThan(2_000_000);
    expect(await exampleOutcome(page, 'audio', bytes, type), name).toMatch(
      /^EncoderInputError: \[too-long\] audio #1: the sound is \d+\.\d s long \(by its [a-z0-9-]+ header\); the limit is 30 s/,
    );
    await expectEngineAnswers(page);
  }
  const search = page.locator('example-search');
  for (const [name, bytes, type] of sounds) {
    await search.locator('#sound-file').setInputFiles({ name, mimeType: type, buffer: Buffer.from(bytes) });
    await expect(searchError(page), name).toHaveText(
      new RegExp(`^“${name.replace('.', '\\.')}” is .* long; an example can be at most 30 s\\. Choose a shorter sound\\.$`),
    );
  }
  await expectEngineAnswers(page);
  expect((await page.evaluate(() => window.recs!.profile())).adhocItems).toBe(0);
});

test('hostile catalogs are refused with CatalogFormatError before allocating, a body longer than declared is cut there, and the engine keeps serving', async ({
  page,
}) => {
  await openDemo(page);
  const expected: Record<HostileCatalogKind, RegExp> = {
    'huge-count': /field "count" is 500000000; a catalog holds at most 1000000 items/,
    'huge-dims': /field "dims" is 1000000; the limit is 8192/,
    'huge-bytes': /field "bytes" is 1230000000; a vector file may have at most 1073741824 bytes/,
    'count-over-items': /field "count" is 1000, more than the 3 items/,
    'float16-nan': /row 1 value 2 is NaN: a catalog vector must be finite/,
    'float16-inf': /row 1 value 2 is Infinity: a catalog vector must be finite/,
    'int8-huge-scale': /row 2 has an absurd scale/,
    'endless-body': /(too long: more than the 24 bytes expected \(download stopped there\)|announces 8388608 bytes, more than the 24 expected)/,
  };
  for (const kind of HOSTILE) {
    const outcome = await page.evaluate(async (url) => {
      try {
        await window.engine!.api.loadCatalog(url);
        return 'resolved';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }, `/catalogs/e2e-hostile-${kind}/`);
    expect(outcome, kind).toMatch(/^CatalogFormatError: /);
    expect(outcome, kind).toMatch(expected[kind]);
    await expectEngineAnswers(page);
  }
});

/** What the streaming server saw of one body: bytes written, and whether the client closed the connection. */
interface StreamedBody {
  bytesSent: number;
  closed: boolean;
}

/**
 * A real HTTP server on loopback: `/endless` writes 16 kB chunks for as long as the client reads
 * (no Content-Length), `/trickle` one byte every 300 ms, forever.
 */
async function startStreamingServer(): Promise<{ server: Server; port: number; seen: Record<'endless' | 'trickle', StreamedBody> }> {
  const seen = { endless: { bytesSent: 0, closed: false }, trickle: { bytesSent: 0, closed: false } };
  const server = createServer((request, response: ServerResponse) => {
    const kind = request.url === '/endless' ? 'endless' : request.url === '/trickle' ? 'trickle' : undefined;
    if (!kind) return void response.writeHead(404).end();
    const body = seen[kind];
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    response.once('close', () => (body.closed = true));
    if (kind === 'endless') {
      const chunk = new Uint8Array(16 * 1024);
      const pump = () => {
        // Written until the socket's buffer is full, then again on 'drain': as fast as the client reads.
        for (;;) {
          if (response.destroyed) return;
          body.bytesSent += chunk.byteLength;
          if (!response.write(chunk)) break;
        }
        response.once('drain', pump);
      };
      pump();
    } else {
      const timer = setInterval(() => {
        response.write(new Uint8Array(1));
        body.bytesSent += 1;
      }, 300);
      response.once('close', () => clearInterval(timer));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

test('a vector file that never ends is cut at its declared size, one that trickles is stopped by the stall window; both connections are closed and the engine keeps its catalog', async ({
  page,
  context,
}) => {
  test.slow();
  const files = await hostileCatalogFiles('endless-body');
  for (const name of STREAMED) {
    const target = join(CATALOGS_DIR, name, 'manifest.json');
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, files.get('manifest.json')!);
  }
  const { server, port, seen } = await startStreamingServer();
  try {
    // The engine's worker makes these requests: context routes cover workers too. The body then comes from the test's server.
    await context.route('**/catalogs/e2e-endless/vectors/text.bin', (route) => route.continue({ url: `http://127.0.0.1:${port}/endless` }));
    await context.route('**/catalogs/e2e-trickle/vectors/text.bin', (route) => route.continue({ url: `http://127.0.0.1:${port}/trickle` }));
    await page.goto(`${APP}&catalog=none`);
    await readyReport(page);
    // An engine of the test's own, with a 2 s stall window instead of 30 s, on the default catalog.
    const loaded = await page.evaluate(async () => {
      const engine = await window.ondevice.startEngine({ backend: 'wasm', catalogStallMs: 2000, profileName: 'endless-body-test' });
      (window as unknown as { stallEngine: typeof engine }).stallEngine = engine;
      return (await engine.api.loadCatalog('catalogs/tuxpaint/')).itemCount;
    });
    expect(loaded).toBeGreaterThan(100);
    const loadOutcome = (url: string) =>
      page.evaluate(async (url) => {
        const { api } = (window as unknown as { stallEngine: NonNullable<typeof window.engine> }).stallEngine;
        try {
          await api.loadCatalog(url);
          return 'resolved';
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      }, url);
    const popular = () =>
      page.evaluate(async () => {
        const { api } = (window as unknown as { stallEngine: NonNullable<typeof window.engine> }).stallEngine;
        return (await api.recommend({ mode: 'popular', k: 3 })).map((item) => item.id);
      });
    const before = await popular();
    expect(before).toHaveLength(3);

    expect(await loadOutcome('/catalogs/e2e-endless/')).toMatch(
      /^CatalogFormatError: catalog vector file \S+\/catalogs\/e2e-endless\/vectors\/text\.bin: too long: more than the 24 bytes expected \(download stopped there\)$/,
    );
    await expect.poll(() => seen.endless.closed, { message: 'the endless download was aborted' }).toBe(true);
    expect(seen.endless.bytesSent).toBeGreaterThan(0);
    expect(seen.endless.bytesSent).toBeLessThan(64 * 1024 * 1024);
    expect(await popular()).toEqual(before);

    expect(await loadOutcome('/catalogs/e2e-trickle/')).toMatch(
      /^CatalogDownloadStalledError: catalog vector file \S+\/catalogs\/e2e-trickle\/vectors\/text\.bin: stalled: \d+ bytes arrived in the last 2 s \(at least 16384 expected\), \d+ in all; the download was stopped$/,
    );
    await expect.poll(() => seen.trickle.closed, { message: 'the trickling download was aborted' }).toBe(true);
    expect(seen.trickle.bytesSent).toBeGreaterThan(0);
    expect(seen.trickle.bytesSent).toBeLessThan(24); // stopped by the stall window, before the declared size could cut it
    expect(await popular()).toEqual(before);
    await page.evaluate(() => (window as unknown as { stallEngine: NonNullable<typeof window.engine> }).stallEngine.terminate());
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
