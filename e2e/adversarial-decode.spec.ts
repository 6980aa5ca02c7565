import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from '@playwright/test';
import sharp from 'sharp';
import { DECODE_TIMEOUT_MS, MAX_IMAGE_PIXELS } from '../src/protocol/limits.ts';
import { makeSound } from '../test/sound-fixtures.ts';
import { embedFilesInPage, readyReport } from './engine-page.ts';
import { cosine, SAMPLE_AUDIO, SAMPLE_IMAGES, stampBytes } from './stamp-fixtures.ts';
import { expect, test } from './test.ts';

/**
 * Issue 11, the decode half: a user's picture or sound is decoded in a short-lived worker of its
 * own (src/engine/encoders/decode/), which the engine ends at the decode time limit. Real
 * Chromium, the production build, real files: a 39 MP PNG and a 590 s MP3 (both allowed by every
 * header check) take far longer to decode than a limit of a few ms set through the engine's test
 * hook, so they are refused `decode-timeout`, and the engine answers the next calls. The decode
 * workers are counted through Playwright's worker sessions (DevTools auto-attach reaches workers
 * a worker starts).
 */
const APP = '/?backend=wasm';
/** Far below what a decode of these files takes (seconds), and below a worker's start-up. */
const TINY_TIMEOUT_MS = 20;
let soundDir: string;
let bigPng: Uint8Array;
let longMp3: Uint8Array;

test.beforeAll(async () => {
  soundDir = mkdtempSync(join(tmpdir(), 'adversarial-decode-'));
  // 7000 × 5600 = 39.2 MP, under MAX_IMAGE_PIXELS; one colour, so the file is small and passes the byte limit.
  bigPng = new Uint8Array(
    await sharp({ create: { width: 7000, height: 5600, channels: 4, background: { r: 40, g: 120, b: 200, alpha: 1 } } })
      .png()
      .toBuffer(),
  );
  longMp3 = makeSound(soundDir, 'mp3', 590, true);
});

test.afterAll(() => rmSync(soundDir, { recursive: true, force: true }));

const isDecodeWorker = (worker: Worker) => /decode-worker[^/]*\.js/.test(worker.url());
const liveDecodeWorkers = (page: Page) => page.workers().filter(isDecodeWorker);

/** Every decode worker the page's engine starts, and whether each has ended. */
function watchDecodeWorkers(page: Page): { started: number; ended: number } {
  const count = { started: 0, ended: 0 };
  page.on('worker', (worker) => {
    if (!isDecodeWorker(worker)) return;
    count.started++;
    worker.on('close', () => count.ended++);
  });
  return count;
}

async function openDemo(page: Page): Promise<void> {
  await page.goto(APP);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
}

function configureDecoding(page: Page, changes: { timeoutMs?: number; inWorker?: boolean }) {
  return page.evaluate((changes) => window.engine!.api.configureDecodingForTesting(changes), changes);
}

/** Run `call` in the page with `bytes` as a Blob; its rejection as `name: message`, or 'resolved'. */
function outcome(page: Page, call: 'search-image' | 'track-image' | 'embed-audio', bytes: Uint8Array): Promise<string> {
  return page.evaluate(
    async ({ call, b64 }) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      try {
        if (call === 'search-image') await window.recs!.searchByExample({ image: new Blob([bytes], { type: 'image/png' }) }, 3);
        else if (call === 'track-image') await window.recs!.track('view', 'partner-big-picture', { content: { image: new Blob([bytes]) } });
        else await window.engine!.api.embedAudio([bytes.buffer]);
        return 'resolved';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    },
    { call, b64: Buffer.from(bytes).toString('base64') },
  );
}

async function expectEngineAnswers(page: Page): Promise<void> {
  const items = await page.evaluate(() => window.recs!.recommend({ mode: 'popular', k: 3 }));
  expect(items).toHaveLength(3);
}

test('a picture or sound that decodes past the time limit is refused decode-timeout, its decode worker is ended, and the engine answers the next calls', async ({
  page,
}) => {
  test.slow();
  expect(7000 * 5600).toBeLessThanOrEqual(MAX_IMAGE_PIXELS);
  const workers = watchDecodeWorkers(page);
  await openDemo(page);
  expect(await configureDecoding(page, {})).toEqual({ timeoutMs: DECODE_TIMEOUT_MS, inWorker: true });
  expect(await configureDecoding(page, { timeoutMs: TINY_TIMEOUT_MS })).toEqual({ timeoutMs: TINY_TIMEOUT_MS, inWorker: true });

  const cases: Array<[Parameters<typeof outcome>[1], Uint8Array, RegExp]> = [
    ['search-image', bigPng, /^EncoderInputError: \[decode-timeout\] image #1: decoding the picture took longer than 20 ms, so it was stopped/],
    ['track-image', bigPng, /^EncoderInputError: \[decode-timeout\] image #1: decoding the picture took longer than 20 ms/],
    ['embed-audio', longMp3, /^EncoderInputError: \[decode-timeout\] audio #1: decoding the sound took longer than 20 ms/],
  ];
  for (const [call, bytes, refusal] of cases) {
    const before = workers.started;
    expect(await outcome(page, call, bytes), call).toMatch(refusal);
    expect(workers.started, `${call}: one decode worker`).toBe(before + 1);
    await expect.poll(() => liveDecodeWorkers(page).length, { message: `${call}: its decode worker is ended` }).toBe(0);
    await expectEngineAnswers(page);
  }
  const profile = await page.evaluate(() => window.recs!.profile());
  expect(profile.adhocItems, 'a refused example or off-catalog item stores nothing').toBe(0);

  // What the user sees: the demo's sound picker (its own pre-checks pass this real 8 s stamp sound).
  const search = page.locator('example-search');
  await search.locator('#sound-file').setInputFiles({ name: 'badger.ogg', mimeType: 'audio/ogg', buffer: stampBytes(SAMPLE_AUDIO[0]!) });
  await expect(search.locator('[data-testid="search-error"]')).toHaveText(
    /^That sound took too long to read, so reading it was stopped; the search still works with another file\. \(audio #1: decoding the sound took longer than 20 ms/,
  );

  // Back to the real limit: the same engine decodes and searches with a real picture and sound.
  await configureDecoding(page, { timeoutMs: DECODE_TIMEOUT_MS });
  for (const [kind, path, type] of [
    ['image', SAMPLE_IMAGES[0]!, 'image/png'],
    ['audio', SAMPLE_AUDIO[0]!, 'audio/ogg'],
  ] as const) {
    const found = await page.evaluate(
      async ({ kind, b64, type }) => {
        const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type });
        return (await window.recs!.searchByExample(kind === 'image' ? { image: blob } : { audio: blob }, 5)).length;
      },
      { kind, b64: stampBytes(path).toString('base64'), type },
    );
    expect(found, `${kind} search after the timeouts`).toBe(5);
  }
  await expectEngineAnswers(page);
  await expect.poll(() => liveDecodeWorkers(page).length).toBe(0);
  await expect.poll(() => workers.ended).toBe(workers.started);
});

test('pictures (PNG and SVG) and sounds decoded in the decode worker give the same vectors as decoded in the engine thread; one worker per file, each ended', async ({
  page,
}) => {
  test.slow();
  const workers = watchDecodeWorkers(page);
  await openDemo(page);
  const images = SAMPLE_IMAGES.map(stampBytes);
  const sounds = SAMPLE_AUDIO.map(stampBytes);

  const viaWorker = {
    images: await embedFilesInPage(page, 'embedImages', images),
    audio: await embedFilesInPage(page, 'embedAudio', sounds),
  };
  expect(workers.started, 'one decode worker per file').toBe(images.length + sounds.length);
  await expect.poll(() => workers.ended, { message: 'every decode worker ended' }).toBe(workers.started);
  expect(liveDecodeWorkers(page)).toHaveLength(0);

  expect(await configureDecoding(page, { inWorker: false })).toEqual({ timeoutMs: DECODE_TIMEOUT_MS, inWorker: false });
  const inThread = {
    images: await embedFilesInPage(page, 'embedImages', images),
    audio: await embedFilesInPage(page, 'embedAudio', sounds),
  };
  expect(workers.started, 'decoding in the engine thread starts no worker').toBe(images.length + sounds.length);

  for (const modality of ['images', 'audio'] as const) {
    const names = modality === 'images' ? SAMPLE_IMAGES : SAMPLE_AUDIO;
    expect(viaWorker[modality].encoder).toEqual(inThread[modality].encoder);
    viaWorker[modality].vectors.forEach((vector, i) => {
      expect(cosine(vector, inThread[modality].vectors[i]!), names[i]).toBeGreaterThanOrEqual(0.9999);
    });
  }
});
