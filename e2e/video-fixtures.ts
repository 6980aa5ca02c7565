import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildCatalog, type BuildSummary, type SourceItem } from '../src/node/catalog/build-catalog.ts';
import { debianVideoSourceItems, debianVideosLicense } from '../src/node/catalog/debian-videos-source.ts';
import { tuxPaintSourceItems } from '../src/node/catalog/tuxpaint-source.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import * as debianVideos from '../scripts/fetch-debian-videos.mjs';
import { stampsDir } from './stamp-fixtures.ts';

/**
 * Real video clips for the video tests: Planet Blupi's cinematics (Debian planetblupi-common
 * 1.14.2-3, GPL-3+: MS Video 1 / Cinepak with Vorbis sound) and imageio's cockatoo clip
 * (python3-imageio 2.4.1-5, BSD-2: H.264 with a silent MP3 track), fetched by
 * scripts/fetch-debian-videos.mjs into .cache/ like the Tux Paint stamps; never committed.
 */
export const blupiClip = (stem: string) => debianVideos.debianPackageClips('planetblupi-common').find((c) => c.endsWith(`/${stem}.mkv`))!;
export const cockatooClip = () => debianVideos.debianPackageClips('python3-imageio')[0]!;

/** The catalog the video tests load: three Planet Blupi clips, the cockatoo, and eight Tux Paint stamps (pictures and sounds) to rank against. */
export const VIDEO_CATALOG = 'e2e-video';
export const VIDEO_IDS = ['planetblupi-common/play113', 'planetblupi-common/play119', 'planetblupi-common/win005', 'python3-imageio/cockatoo'];
const STAMP_IDS = [
  'animals/birds/crow',
  'animals/mammals/badger',
  'vehicles/auto/sedan',
  'food/bread',
  'animals/birds/penguin',
  'sports/football',
  'animals/insects/bee',
  'animals/mammals/dogs/dog',
];

export function videoCatalogDir(): string {
  return resolve(process.env.E2E_OUT_DIR ?? 'dist', 'catalogs', VIDEO_CATALOG);
}

/** Builds the test catalog with the real builder and encoders into the folder the preview server serves. */
export async function buildVideoCatalog(): Promise<BuildSummary> {
  const outDir = videoCatalogDir();
  rmSync(outDir, { recursive: true, force: true });
  const videos = debianVideoSourceItems(debianVideos, { ids: VIDEO_IDS });
  const stamps: SourceItem[] = tuxPaintSourceItems(stampsDir, { ids: STAMP_IDS });
  const license = debianVideosLicense(debianVideos, videos);
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  try {
    return await buildCatalog([...videos, ...stamps], {
      outDir,
      encoders,
      name: 'e2e video',
      notice: license.notice,
      noticeFiles: license.noticeFiles,
      licenses: license.licenses,
      sharedSpace: false,
    });
  } finally {
    await encoders.dispose();
  }
}

/** A real clip made longer than any example may be: `times` copies of one WebM, joined by ffmpeg without re-encoding. */
export function repeatedClip(webm: string, times: number, out: string): string {
  mkdirSync(dirname(out), { recursive: true });
  const list = Array.from({ length: times }, () => `file 'file:${webm.replace(/'/g, "'\\''")}'`).join('\n');
  execFileSync(
    'ffmpeg',
    ['-hide_banner', '-v', 'error', '-y', '-f', 'concat', '-safe', '0', '-protocol_whitelist', 'file,pipe', '-i', '-', '-c', 'copy', out],
    { input: list },
  );
  return out;
}
