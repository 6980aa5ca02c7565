import { renameSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { runFfmpeg } from './run-ffmpeg.ts';

/**
 * A catalog video as browsers play it: WebM with VP9 video (yuv420p, BT.709, limited range,
 * tagged so every reader converts its colours the same way) and Opus sound, at most `maxSide`
 * pixels on its longer side, made with Debian's ffmpeg. `-bitexact` keeps the file identical
 * from run to run (no encoder version or date inside), so the builder's resume keys stay valid.
 */
export interface ReencodeOptions {
  /** Longer side in pixels, at most (never enlarged). Default 640. */
  maxSide?: number;
  /** VP9 constant quality, 0–63 (lower is better and larger). Default 36. */
  crf?: number;
  /** Opus bitrate in kbit/s. Default 64. */
  audioKbps?: number;
}

export const DEFAULT_REENCODE: Required<ReencodeOptions> = { maxSide: 640, crf: 36, audioKbps: 64 };

/** A short string naming the settings, for cache keys. */
export function reencodeSettingsKey(options: ReencodeOptions = {}): string {
  const o = { ...DEFAULT_REENCODE, ...options };
  return `webm-vp9-crf${o.crf}-max${o.maxSide}-opus${o.audioKbps}-v1`;
}

export async function reencodeToWebm(source: string, target: string, options: ReencodeOptions = {}): Promise<void> {
  const { maxSide, crf, audioKbps } = { ...DEFAULT_REENCODE, ...options };
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}.webm`;
  const scale =
    `scale=w='min(${maxSide},iw)':h='min(${maxSide},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2` +
    ':out_color_matrix=bt709:out_range=tv,format=yuv420p';
  try {
    await runFfmpeg([
      '-y',
      '-i',
      source,
      '-map',
      '0:v:0',
      '-map',
      '0:a:0?',
      '-sn',
      '-dn',
      '-map_metadata',
      '-1',
      '-map_chapters',
      '-1',
      '-vf',
      scale,
      '-c:v',
      'libvpx-vp9',
      '-crf',
      String(crf),
      '-b:v',
      '0',
      '-deadline',
      'good',
      '-cpu-used',
      '4',
      '-row-mt',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-colorspace',
      'bt709',
      '-color_primaries',
      'bt709',
      '-color_trc',
      'bt709',
      '-color_range',
      'tv',
      '-c:a',
      'libopus',
      '-b:a',
      `${audioKbps}k`,
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      '-f',
      'webm',
      temp,
    ]);
    renameSync(temp, target);
  } finally {
    rmSync(temp, { force: true });
  }
}
