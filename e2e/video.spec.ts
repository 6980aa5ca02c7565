import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { embedVideoFile } from '../src/node/video/embed-video-file.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import type { VideoEmbedding } from '../src/protocol/video-embedding.ts';
import { readyReport } from './engine-page.ts';
import { cosine } from './stamp-fixtures.ts';
import { expect, test } from './test.ts';
import { buildVideoCatalog, videoCatalogDir, VIDEO_CATALOG } from './video-fixtures.ts';

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
    console.log(`video play113: image cos ${imageCos.toFixed(7)} (max |diff| ${maxDiff.toExponential(2)}), soundtrack cos ${audioCos.toFixed(7)}, key frames at ${inPage.keyFrameTimes.map((t) => t.toFixed(2)).join(', ')}`);
    expect(imageCos).toBeGreaterThan(0.9999);
    expect(audioCos).toBeGreaterThan(0.9999);
  } finally {
    await encoders.dispose();
  }
});
