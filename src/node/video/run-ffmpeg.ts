import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Debian's `ffmpeg` (apt-get install ffmpeg), which the catalog builder needs for video items:
 * re-encoding to WebM VP9 + Opus, decoding frames, writing the poster. Not an npm package:
 * no maintained npm build of ffmpeg with libvpx and libopus exists for Node here, and the
 * system one is what Debian patches.
 */

export class FfmpegMissingError extends Error {
  override readonly name = 'FfmpegMissingError';
}

const MISSING = 'video items need ffmpeg (Debian: apt-get install ffmpeg); set FFMPEG_PATH if it is elsewhere';

export function ffmpegPath(): string {
  return process.env.FFMPEG_PATH ?? 'ffmpeg';
}

/** Runs ffmpeg to completion; rejects with its last stderr lines on failure. */
export function runFfmpeg(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new FfmpegMissingError(MISSING));
      reject(new Error(`ffmpeg ${args.join(' ')} failed: ${String(stderr).trim().split('\n').slice(-3).join(' | ') || error.message}`));
    });
  });
}

/** Starts ffmpeg with its output on stdout (for raw frames); the caller reads and awaits `done`. */
export function spawnFfmpeg(args: readonly string[]): { child: ChildProcessWithoutNullStreams; done: Promise<void> } {
  const child = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new FfmpegMissingError(MISSING) : error));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  return { child, done };
}

/** A media file's duration in seconds, as ffprobe reads it from the container (undefined if it cannot say). */
export function probeDurationSeconds(path: string): Promise<number | undefined> {
  const ffprobe = process.env.FFPROBE_PATH ?? 'ffprobe';
  return new Promise((resolve, reject) => {
    execFile(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'default=nw=1:nk=1', path], (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new FfmpegMissingError(MISSING));
      const seconds = Number(String(stdout).trim());
      resolve(error || !Number.isFinite(seconds) ? undefined : seconds);
    });
  });
}

/** Width and height of the first video stream's decoded pictures (what ffmpeg's raw output holds, before any aspect-ratio correction). */
export function probeVideoSize(path: string): Promise<{ width: number; height: number }> {
  const ffprobe = process.env.FFPROBE_PATH ?? 'ffprobe';
  return new Promise((resolve, reject) => {
    execFile(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', path], (error, stdout) => {
      if (error)
        return reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new FfmpegMissingError(MISSING) : new Error(`ffprobe ${path}: ${error.message}`));
      const [width, height] = String(stdout).trim().split(',').map(Number);
      if (!(width! > 0 && height! > 0)) return reject(new Error(`ffprobe ${path}: no video size (${String(stdout).trim()})`));
      resolve({ width: width!, height: height! });
    });
  });
}
