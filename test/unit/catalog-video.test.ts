import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as debianVideos from '../../scripts/fetch-debian-videos.mjs';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { decodeVectors } from '../../src/engine/catalog/vector-codec.ts';
import type { PcmAudio, RgbaImage } from '../../src/engine/encoders/encoder.ts';
import { openVideo } from '../../src/engine/encoders/video/open-video.ts';
import { buildCatalog, BuildInterruptedError, CatalogInputError, type CatalogEncoders } from '../../src/node/catalog/build-catalog.ts';
import { clipTitle, debianVideoSourceItems, debianVideosLicense, descriptionText, parseControlRecord } from '../../src/node/catalog/debian-videos-source.ts';
import { parseShopJsonl } from '../../src/node/catalog/shop-source.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { embedVideoFile } from '../../src/node/video/embed-video-file.ts';
import type { Embedding } from '../../src/protocol/embedding.ts';
import { cosine } from '../cosine.ts';
import { itemAt } from '../../src/shared/item-at.ts';

/**
 * The builder's video path on real clips: two Planet Blupi cinematics (Debian planetblupi-common
 * 1.14.2-3, MS Video 1 + Vorbis, 5 and 6 s) given as a shop's JSONL `video` field, built with the
 * real encoders and Debian's ffmpeg; and the `debian-videos` source's text and licences.
 */
const temp = mkdtempSync(join(tmpdir(), 'catalog-video-'));
const cacheDir = join(temp, 'webm-cache');
let node: NodeEncoders;

/** Counts what reaches the encoders, so a rebuild can be shown to embed nothing. */
class CountingEncoders implements CatalogEncoders {
  calls = { text: 0, imageFiles: 0, imagePixels: 0, audioFiles: 0, pcm: 0 };
  constructor(private readonly inner: NodeEncoders) {}
  embedText(texts: readonly string[]): Promise<Embedding> {
    this.calls.text += texts.length;
    return this.inner.embedText(texts);
  }
  embedImageFiles(paths: readonly string[]): Promise<Embedding> {
    this.calls.imageFiles += paths.length;
    return this.inner.embedImageFiles(paths);
  }
  embedAudioFiles(paths: readonly string[]): Promise<Embedding> {
    this.calls.audioFiles += paths.length;
    return this.inner.embedAudioFiles(paths);
  }
  embedImagePixels(images: readonly RgbaImage[]): Promise<Embedding> {
    this.calls.imagePixels += images.length;
    return this.inner.embedImagePixels(images);
  }
  embedPcmAudio(clips: readonly PcmAudio[]): Promise<Embedding> {
    this.calls.pcm += clips.length;
    return this.inner.embedPcmAudio(clips);
  }
}

const movies = () => dirname(debianVideos.debianPackageClips('planetblupi-common')[0]!);
const jsonl = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n');
const BLUPI = [
  { id: 'blupi-113', title: 'Blupi drives off', category: 'games/blupi', description: 'Blupi in his little car.', video: 'play113.mkv', price: 3 },
  { id: 'blupi-119', title: 'Blupi before level 119', category: 'games/blupi', video: 'play119.mkv' },
];

beforeAll(async () => {
  await initNodeTf('wasm');
  node = new NodeEncoders();
});
afterAll(async () => {
  await node?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

describe('video items in the catalog builder', () => {
  it('re-encodes to WebM VP9 + Opus, writes a poster, stores pooled frames as the image vector and the soundtrack as the audio vector; an interrupted build resumes without embedding or encoding again', async () => {
    const outDir = join(temp, 'catalog');
    const items = parseShopJsonl(jsonl(BLUPI), movies(), 'videos.jsonl');
    expect(items[0]!.videoPath).toBe(join(movies(), 'play113.mkv'));
    // Killed after the first item (its vectors and poster are flushed) …
    const first = new CountingEncoders(node);
    await expect(buildCatalog(items, { outDir, encoders: first, sharedSpace: false, video: { cacheDir }, batchSize: 1, stopAfterItems: 1 })).rejects.toThrow(
      BuildInterruptedError,
    );
    // Its poster waits in the clip cache (where a sharded build's merge finds it too).
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.webp'))).toHaveLength(1);
    // … and run again: only the second clip is embedded, neither is re-encoded.
    const encoders = new CountingEncoders(node);
    const summary = await buildCatalog(items, { outDir, encoders, sharedSpace: false, video: { cacheDir }, batchSize: 1 });
    expect(summary.videos).toMatchObject({ items: 2, reencoded: 0 });
    expect(encoders.calls).toMatchObject({ text: 1, pcm: 1 });
    expect(encoders.calls.imagePixels).toBeLessThanOrEqual(16);
    expect(summary.videos!.seconds).toBeGreaterThan(10);
    expect(summary.refused).toEqual([]);
    const manifest = parseCatalogManifest(JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')), 'manifest.json');
    const item = manifest.items.find((i) => i.id === 'blupi-113')!;
    expect(item).toMatchObject({ video: 'media/video/blupi-113.webm', image: 'media/poster/blupi-113.webp', price: 3 });
    expect(item.audio).toBeUndefined();
    expect(Object.keys(item.vectorRows).sort()).toEqual(['audio', 'image', 'text']);
    expect(manifest.encoders.image!.name).toBe('mobilenet-v2-nsfwjs');

    const webm = join(outDir, item.video!);
    const opened = await openVideo(readFileSync(webm), 'blupi-113.webm');
    expect([opened.container, opened.codec, await opened.audio?.getCodec()]).toEqual(['WebM', 'vp9', 'opus']);
    opened.input.dispose();
    expect(readFileSync(join(outDir, item.image!)).subarray(8, 12).toString()).toBe('WEBP');

    // The stored image vector is the clip's pooled key frames (int8 in the file), the audio its soundtrack's.
    const direct = await embedVideoFile(webm, node);
    const file = manifest.vectorFiles.image!;
    const stored = decodeVectors(readFileSync(join(outDir, file.path)), file.format, file.count, file.dims, file.path);
    const row = stored.subarray(item.vectorRows.image! * file.dims, (item.vectorRows.image! + 1) * file.dims);
    expect(cosine(row, direct.image.vector)).toBeGreaterThan(0.999);
    const audioFile = manifest.vectorFiles.audio!;
    const audio = decodeVectors(readFileSync(join(outDir, audioFile.path)), audioFile.format, audioFile.count, audioFile.dims, audioFile.path);
    expect(
      cosine(
        audio.subarray(item.vectorRows.audio! * audioFile.dims, (item.vectorRows.audio! + 1) * audioFile.dims),
        (direct.audio as { vector: Float32Array }).vector,
      ),
    ).toBeGreaterThan(0.999);
    // Only the key frames went through the image encoder, no file was decoded as a picture.
    expect(first.calls.imageFiles + encoders.calls.imageFiles).toBe(0);
    expect(first.calls.imagePixels).toBeGreaterThanOrEqual(8);
  });

  it('refuses a video item that also names a picture or sound, or whose file is missing, and a clip over the length limit keeps only its text', async () => {
    const withImage = parseShopJsonl(jsonl([{ ...BLUPI[0], image: 'play113.mkv' }]), movies());
    await expect(buildCatalog(withImage, { outDir: join(temp, 'bad'), encoders: node, video: { cacheDir } })).rejects.toThrow(
      /takes its picture \(the poster frame\)/,
    );
    const missing = parseShopJsonl(jsonl([{ ...BLUPI[0], video: 'nope.mkv' }]), movies());
    const error = await buildCatalog(missing, { outDir: join(temp, 'bad'), encoders: node, video: { cacheDir } }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(CatalogInputError);
    expect((error as Error).message).toMatch(/video file not found: .*nope\.mkv/);
    const summary = await buildCatalog(parseShopJsonl(jsonl([itemAt(BLUPI, 0)]), movies()), {
      outDir: join(temp, 'short'),
      encoders: node,
      sharedSpace: false,
      video: { cacheDir, maxSeconds: 3 },
    });
    expect(summary.refused.map((r) => [r.modality, r.problem])).toEqual([
      ['audio', 'too-long'],
      ['image', 'too-long'],
    ]);
    expect(summary.videos).toBeUndefined();
    expect(existsSync(join(temp, 'short', 'media', 'video'))).toBe(false);
  });
});

describe('--source debian-videos', () => {
  it('takes titles, categories and descriptions from the packages and keeps every licence in the NOTICE', () => {
    const items = debianVideoSourceItems(debianVideos, { packages: ['planetblupi-common', 'python3-imageio'] });
    expect(items).toHaveLength(15);
    const play = items.find((i) => i.id === 'planetblupi-common/play105')!;
    expect(play).toMatchObject({
      title: 'Planet Blupi: before level 105',
      category: 'games/planetblupi-common',
      metadata: { package: 'planetblupi-common', version: '1.14.2-3', license: 'GPL-3.0-or-later' },
    });
    expect(play.description).toMatch(/^Planet Blupi - A delirious spell-binding game - data\. Planet Blupi is a strategy and adventure game/);
    expect(items.find((i) => i.id === 'python3-imageio/cockatoo')!.category).toBe('python/python3-imageio');
    const license = debianVideosLicense(debianVideos, items);
    expect(license.notice).toMatch(/planetblupi-common 1\.14\.2-3 .*GPL-3\.0-or-later/);
    expect(license.notice).toMatch(/python3-imageio 2\.4\.1-5 .*BSD-2-Clause/);
    expect(Object.keys(license.noticeFiles).sort()).toEqual(['COPYRIGHT-planetblupi-common', 'COPYRIGHT-python3-imageio']);
    for (const path of Object.values(license.noticeFiles)) expect(readFileSync(path, 'utf8')).toMatch(/Copyright/);
    expect(license.licenses.map((l) => l.license)).toEqual(['GPL-3.0-or-later', 'BSD-2-Clause']);
  });

  it('reads control records and names clips', () => {
    const record = parseControlRecord('Package: x\nSection: games\nDescription: A game\n First line\n second.\n .\n Next paragraph.\n\nPackage: y\n');
    expect(record).toMatchObject({ Package: 'x', Section: 'games' });
    expect(descriptionText(record)).toEqual({ short: 'A game', long: 'First line second.\n\nNext paragraph.' });
    expect(clipTitle('planetblupi-common', '/m/win005.mkv')).toBe('Planet Blupi: level 5 won');
    expect(clipTitle('planetblupi-common', '/m/history2.mkv')).toBe('Planet Blupi: story scene 2');
  });
});
