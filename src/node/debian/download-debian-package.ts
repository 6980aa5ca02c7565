// Downloads a pinned Debian package over HTTPS, hashing it as it arrives, and keeps it only
// when its size and SHA-256 are the pinned ones. Nothing is trusted from the server but
// bytes: a wrong file (a changed mirror, a truncated transfer, a captive portal's page) is
// deleted and refused with a typed error.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { DebianPackageError } from './debian-package-error.ts';
import { DEFAULT_DEBIAN_MIRROR, type DebianPackagePin } from './debian-package-pin.ts';

/** Bytes so far and expected, for a progress bar. */
export type ByteProgress = (done: number, total: number) => void;

export interface DownloadOptions {
  /** Mirror root (default `DEBIAN_MIRROR` or deb.debian.org). */
  mirror?: string;
  onProgress?: ByteProgress;
  /** The fetch to use (default the global one); tests pass one that serves a local file. */
  fetch?: typeof fetch;
}

/** The URL of the pinned file on a mirror. */
export function packageUrl(pin: DebianPackagePin, mirror = process.env.DEBIAN_MIRROR ?? DEFAULT_DEBIAN_MIRROR): string {
  return new URL(pin.filename, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
}

/** SHA-256 (hex) and size of a file. */
export async function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Throws `[size-mismatch]` / `[hash-mismatch]` unless the measured file is the pinned one. */
export function checkPinned(pin: DebianPackagePin, measured: { sha256: string; size: number }, source: string): void {
  if (measured.size !== pin.size)
    throw new DebianPackageError('size-mismatch', `${source} has ${measured.size} bytes, but ${pin.name} ${pin.version} has ${pin.size}; refused`);
  if (measured.sha256 !== pin.sha256)
    throw new DebianPackageError('hash-mismatch', `${source} has SHA-256 ${measured.sha256}, but ${pin.name} ${pin.version} has ${pin.sha256}; refused`);
}

/**
 * Downloads `pin` into `dir` (as the pinned file name) and returns its path. The bytes go to
 * a `.part` file first; it is renamed only after the size and the hash match, and deleted
 * when they do not.
 */
export async function downloadDebianPackage(pin: DebianPackagePin, dir: string, options: DownloadOptions = {}): Promise<string> {
  const url = packageUrl(pin, options.mirror);
  const target = join(dir, basename(pin.filename));
  const part = `${target}.part`;
  await mkdir(dir, { recursive: true });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url);
  } catch (error) {
    throw new DebianPackageError('download-failed', `could not reach ${url} (${describeFetchFailure(error)})`);
  }
  if (!response.ok || !response.body) throw new DebianPackageError('download-failed', `${url} answered ${response.status} ${response.statusText}`.trim());
  const hash = createHash('sha256');
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      done += chunk.length;
      options.onProgress?.(done, pin.size);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(part));
    checkPinned(pin, { sha256: hash.digest('hex'), size: done }, url);
  } catch (error) {
    await rm(part, { force: true });
    if (error instanceof DebianPackageError) throw error;
    throw new DebianPackageError('download-failed', `the download of ${url} broke off after ${done} bytes (${(error as Error).message})`);
  }
  await rename(part, target);
  return target;
}

/** Node's fetch says only "fetch failed"; the reason (DNS, refused, TLS) is its cause. */
function describeFetchFailure(error: unknown): string {
  const cause = (error as Error).cause;
  return cause instanceof Error ? cause.message : cause !== undefined ? JSON.stringify(cause) : (error as Error).message;
}
