import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { mulberry32 } from '../src/shared/seeded-random.ts';
import { embedVideoFile } from '../src/node/video/embed-video-file.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import type { VideoEmbedding } from '../src/protocol/video-embedding.ts';
import { readyReport } from './engine-page.ts';
import { cosine } from './stamp-fixtures.ts';
import { SHOP, serveShopVariant, watchShopPage } from './shop-page.ts';
import { expect, test } from './test.ts';
import { blupiClip, buildVideoCatalog, cockatooClip, repeatedClip, videoCatalogDir, VIDEO_CATALOG } from './video-fixtures.ts';

/**
 * Video items end to end, on a catalog the real builder makes from real clips (Debian's Planet
 * Blupi cinematics and imageio's cockatoo, see video-fixtures.ts) plus eight Tux Paint stamps:
 * the worker's video embedding equals Node's, a video item plays in the demo, search by example
 * takes a video, and bad videos are refused with nothing stored.
 */
export const CATALOG_URL = `catalogs/${VIDEO_CATALOG}/`;

interface PlainVideoEmbedding extends Omit<VideoEmbedding, 'image' | 'audio'> {
  image: number[];
  audio?: number[];
  imageBackend: string;
}

let manifest: { items: Array<{ id: string; video?: string; image?: string; vectorRows: Record<string, number> }> };

test.beforeAll(async () => {
  test.setTimeout(900_000);
  await buildVideoCatalog();
  manifest = JSON.parse(readFileSync(join(videoCatalogDir(), 'manifest.json'), 'utf8'));
});

test.afterAll(() => rmSync(videoCatalogDir(), { recursive: true, force: true }));

async function embedVideoInPage(page: Page, bytes: Buffer): Promise<PlainVideoEmbedding> {
  return page.evaluate(async (b64) => {
    const buffer = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
    const out = await window.engine!.api.embedVideo(buffer);
    return {
      image: Array.from(out.image.vectors[0]!),
      ...(out.audio ? { audio: Array.from(out.audio.vectors[0]!) } : {}),
      imageBackend: out.image.backend,
      duration: out.duration,
      keyFrameTimes: out.keyFrameTimes,
      sceneChangeTimes: out.sceneChangeTimes,
      ...(out.audioProblem ? { audioProblem: out.audioProblem } : {}),
    };
  }, bytes.toString('base64'));
}

test('the worker (mediabunny + WebCodecs) and Node (ffmpeg) give the same video vectors for the same clip', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?backend=wasm&catalog=none');
  await readyReport(page);
  const item = manifest.items.find((i) => i.id === 'planetblupi-common/play113')!;
  const webm = join(videoCatalogDir(), item.video!);
  const inPage = await embedVideoInPage(page, readFileSync(webm));
  // A second call leaves no tensor behind (the first one loaded the encoders).
  const tensors = await page.evaluate(() => window.engine!.api.tensorCount());
  expect((await embedVideoInPage(page, readFileSync(webm))).image).toEqual(inPage.image);
  expect(await page.evaluate(() => window.engine!.api.tensorCount())).toBe(tensors);

  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  try {
    const inNode = await embedVideoFile(webm, encoders);
    // The same frames: the same key frames at the same times …
    expect(inPage.keyFrameTimes).toEqual(inNode.image.keyFrames.map((i) => inNode.image.timestamps[i]));
    // … give the same vectors (both run MobileNetV2 / basic-pitch on tfjs's wasm backend).
    const imageCos = cosine(inPage.image, inNode.image.vector);
    const audioCos = cosine(inPage.audio!, (inNode.audio as { vector: Float32Array }).vector);
    const maxDiff = Math.max(...inPage.image.map((x, i) => Math.abs(x - inNode.image.vector[i]!)));
    console.log(
      `video play113: image cos ${imageCos.toFixed(7)} (max |diff| ${maxDiff.toExponential(2)}), soundtrack cos ${audioCos.toFixed(7)}, key frames at ${inPage.keyFrameTimes.map((t) => t.toFixed(2)).join(', ')}`,
    );
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(imageCos).toBeGreaterThan(0.999999);
    expect(audioCos).toBeGreaterThan(0.999999);
  } finally {
    await encoders.dispose();
  }
});

/** A copy of a video whose first video packet's bytes (found with mediabunny) are replaced by seeded noise of the same length. */
async function withNoisyFirstFrame(file: Buffer): Promise<Buffer> {
  const input = new Input({ formats: ALL_FORMATS, source: new BufferSource(file) });
  const packet = await new EncodedPacketSink((await input.getPrimaryVideoTrack())!).getFirstPacket();
  input.dispose();
  const at = file.indexOf(Buffer.from(packet!.data.subarray(0, 64)));
  expect(at).toBeGreaterThan(0);
  const out = Buffer.from(file);
  const random = mulberry32(7);
  for (let i = 0; i < packet!.data.length; i++) out[at + i] = Math.floor(random() * 256);
  return out;
}

/** The demo on the video test catalog (wasm: skips the slow software-WebGPU probe). */
async function openVideoDemo(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/?backend=wasm&catalog=${CATALOG_URL}`);
  await readyReport(page);
  expect(await page.evaluate(() => document.body.dataset.catalog)).toBe('ready');
  await page.evaluate(() => {
    const violations: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = violations;
    document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
}

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
const profile = (page: Page) => page.evaluate(() => window.recs!.profile());
const searchError = (page: Page) => page.locator('example-search [data-testid="search-error"]');
const resultIds = (page: Page) =>
  page.locator('example-search rec-rail li[data-item-id]').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.itemId!));
const SEARCH_TIMEOUT = 240_000;

test('a video item shows its poster in the grid and plays in the item view: same-origin WebM, poster frame, sound track', async ({ page }) => {
  test.slow();
  await openVideoDemo(page);
  await page.locator('category-nav button[data-category="games"]').click();
  await page.locator('category-nav button[data-category="games/planetblupi-common"]').click();
  const card = page.locator('catalog-grid li[data-item-id="planetblupi-common/play113"] item-card');
  await expect(card.getByTestId('video-badge')).toHaveText('▶ Video');
  const item = manifest.items.find((i) => i.id === 'planetblupi-common/play113')!;
  await expect(card.locator('img')).toHaveAttribute('src', new RegExp(`${item.image!.replace(/[.]/g, '\\.')}$`));
  await card.click();

  const video = page.locator('item-view').getByTestId('item-video');
  await expect(video).toBeVisible();
  await expect(page.locator('item-view').getByTestId('item-image')).toHaveCount(0);
  const origin = new URL(page.url()).origin;
  expect(await video.getAttribute('src')).toBe(`${origin}/${CATALOG_URL}${item.video}`);
  expect(await video.getAttribute('poster')).toBe(`${origin}/${CATALOG_URL}${item.image}`);
  // It really plays: muted (autoplay without a click needs that), time moves on, and the decoder knows its size and sound.
  const state = await video.evaluate(async (element) => {
    const v = element as HTMLVideoElement;
    v.muted = true;
    await v.play();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const out = { time: v.currentTime, width: v.videoWidth, height: v.videoHeight, paused: v.paused, error: v.error?.message ?? null, duration: v.duration };
    v.pause();
    return out;
  });
  console.log('play113 in the item view:', JSON.stringify(state));
  expect(state).toMatchObject({ width: 320, height: 240, paused: false, error: null });
  expect(state.time).toBeGreaterThan(0.3);
  expect(state.duration).toBeGreaterThan(4.5);
  // Similar items come from the same vectors as any item's.
  await expect(page.locator('item-view rec-rail li[data-item-id]').first()).toBeVisible({ timeout: 120_000 });
  expect(await cspViolations(page)).toEqual([]);
  await page.screenshot({ path: 'screenshots/demo-video-item.png' });
});

test('search by example takes a real video: the cockatoo clip as the shopper has it (H.264 MP4) and a catalog clip find their items; frames and soundtrack become examples', async ({
  page,
}) => {
  test.slow();
  await openVideoDemo(page);
  const search = page.locator('example-search');
  const privacyExamples = page.locator('privacy-panel [data-testid="privacy-examples"]');

  // imageio's cockatoo.mp4 exactly as Debian ships it (H.264 video, an MP3 track of silence): decoded with WebCodecs.
  await search.locator('#video-file').setInputFiles({ name: 'cockatoo.mp4', mimeType: 'video/mp4', buffer: readFileSync(cockatooClip()) });
  await expect(search.locator('rec-rail h3')).toHaveText('Results for your video “cockatoo.mp4”', { timeout: SEARCH_TIMEOUT });
  const byCockatoo = await resultIds(page);
  console.log('cockatoo.mp4 →', byCockatoo.join(', '));
  expect(byCockatoo[0]).toBe('python3-imageio/cockatoo');
  await expect(searchError(page)).toHaveCount(0);
  // Its sound track is silence: the example is its pictures alone.
  await expect(privacyExamples).toHaveText('1');

  // A Planet Blupi clip (the catalog's own WebM, VP9 + Opus): pictures and sound.
  const play119 = manifest.items.find((i) => i.id === 'planetblupi-common/play119')!;
  await search
    .locator('#video-file')
    .setInputFiles({ name: 'play119.webm', mimeType: 'video/webm', buffer: readFileSync(join(videoCatalogDir(), play119.video!)) });
  await expect(search.locator('rec-rail h3')).toHaveText('Results for your video “play119.webm”', { timeout: SEARCH_TIMEOUT });
  const byBlupi = await resultIds(page);
  console.log('play119.webm →', byBlupi.join(', '));
  expect(byBlupi[0]).toBe('planetblupi-common/play119');
  await expect(privacyExamples).toHaveText('3');
  const exported = await page.evaluate(() => window.recs!.exportData());
  expect(exported.adhocItems.map((a) => [a.modality, a.label, a.vector.length])).toEqual([
    ['image', 'cockatoo.mp4', 1280],
    ['image', 'play119.webm', 1280],
    ['audio', 'play119.webm (soundtrack)', 316],
  ]);
  expect(await cspViolations(page)).toEqual([]);
});

test('a damaged, a too long and an undecodable video are refused with a message, and nothing is stored', async ({ page }) => {
  test.slow();
  await openVideoDemo(page);
  const search = page.locator('example-search');
  const before = await profile(page);
  const play113 = readFileSync(join(videoCatalogDir(), manifest.items.find((i) => i.id === 'planetblupi-common/play113')!.video!));

  // Real clips made too long: 13 copies of play113 joined without re-encoding, 66 s.
  const long = readFileSync(
    repeatedClip(
      join(videoCatalogDir(), manifest.items.find((i) => i.id === 'planetblupi-common/play113')!.video!),
      13,
      join(test.info().outputDir, 'play113-x13.webm'),
    ),
  );
  await search.locator('#video-file').setInputFiles({ name: 'play113-x13.webm', mimeType: 'video/webm', buffer: long });
  await expect(searchError(page)).toHaveText(
    /^That video is too long to use as an example: play113-x13\.webm: the video is 6\d\.\d s long; the limit is 60 s\. Use a shorter clip\.$/,
    { timeout: SEARCH_TIMEOUT },
  );

  // The clip cut short, as a broken download leaves it: the container says 5.1 s, no complete frame data follows.
  await search
    .locator('#video-file')
    .setInputFiles({ name: 'cut-short.webm', mimeType: 'video/webm', buffer: play113.subarray(0, Math.floor(play113.length / 3)) });
  await expect(searchError(page)).toHaveText(
    /^That video could not be read; the file looks damaged: cut-short\.webm: the file says it lasts 5\.1 s, but not one frame can be read/,
    { timeout: SEARCH_TIMEOUT },
  );

  // The clip whole, but its first frame's data (a VP9 key frame) overwritten with noise: the decoder fails.
  await search.locator('#video-file').setInputFiles({ name: 'damaged.webm', mimeType: 'video/webm', buffer: await withNoisyFirstFrame(play113) });
  await expect(searchError(page)).toHaveText(/^That video could not be read; the file looks damaged: damaged\.webm: its vp9 video could not be decoded/, {
    timeout: SEARCH_TIMEOUT,
  });

  // Planet Blupi's original Matroska file: MS Video 1, a codec no browser decodes.
  await search.locator('#video-file').setInputFiles({ name: 'play113.mkv', mimeType: 'video/x-matroska', buffer: readFileSync(blupiClip('play113')) });
  await expect(searchError(page)).toHaveText(
    /^This browser cannot play that video's format, so it cannot be used: play113\.mkv: its video codec is not one a browser decodes/,
    { timeout: SEARCH_TIMEOUT },
  );

  // Not a video at all (refused by the page before the engine sees it).
  await search.locator('#video-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('bread') });
  await expect(searchError(page)).toHaveText('“notes.txt” is not a video (it is text/plain). Choose a video file (MP4 or WebM, at most 60 s).');
  await expect(searchError(page)).toHaveAttribute('role', 'alert');

  expect(await profile(page)).toEqual(before);
  await expect(page.locator('privacy-panel [data-testid="privacy-examples"]')).toHaveText('0');
  await expect(search.locator('rec-rail')).toHaveCount(0);
});

test('the widget shows a video item by its poster frame, marked as a video, under the strict widget CSP', async ({ page }) => {
  const watch = await watchShopPage(page);
  // The example shop with its widget pointed at the video test catalog, most popular first (every item is eligible).
  await serveShopVariant(page, SHOP, (html) =>
    html.replace('catalog="catalogs/tuxpaint/" mode="for-you" k="8"', `catalog="${CATALOG_URL}" mode="popular" k="12"`),
  );
  await page.goto(SHOP);
  const widget = page.locator('ondevice-recs');
  await expect(widget.locator('li[data-item-id]').first()).toBeVisible({ timeout: 120_000 });
  const videoIds = manifest.items.filter((i) => i.video).map((i) => i.id);
  const shown = await widget.locator('li[data-item-id]').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.itemId!));
  const shownVideos = shown.filter((id) => videoIds.includes(id));
  expect(shownVideos.length).toBeGreaterThan(0);
  for (const id of shownVideos) {
    const card = widget.locator(`li[data-item-id="${id}"]`);
    const item = manifest.items.find((i) => i.id === id)!;
    await expect(card.locator('[part="image"]')).toHaveAttribute('src', new URL(`/${CATALOG_URL}${item.image}`, page.url()).href);
    await expect(card.locator('[part="video-badge"]')).toHaveText('▶ Video');
    // The poster really loaded (the widget never loads the video itself).
    await card.scrollIntoViewIfNeeded();
    expect(
      await card.locator('[part="image"]').evaluate((img) =>
        (img as HTMLImageElement).decode().then(
          () => (img as HTMLImageElement).naturalWidth,
          () => 0,
        ),
      ),
    ).toBeGreaterThan(0);
  }
  for (const id of shown.filter((id) => !videoIds.includes(id))) await expect(widget.locator(`li[data-item-id="${id}"] [part="video-badge"]`)).toHaveCount(0);
  expect(await watch.violations()).toEqual([]);
  expect(watch.pageErrors).toEqual([]);
});
