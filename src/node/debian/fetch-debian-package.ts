// Gets a pinned Debian package's files into `<cacheDir>/root`, the way `dpkg-deb -x` lays
// them out, on any machine Node runs on:
//   - a .deb already in the cache is used when its hash is the pinned one;
//   - where apt exists, `apt-get download NAME=VERSION` (the machine's configured mirror or
//     proxy, signed package lists) is the fast path, and `dpkg-deb -x` unpacks when present;
//   - otherwise the file comes over HTTPS from a Debian mirror and is unpacked in JS.
// Every .deb is checked against the pinned size and SHA-256 before it is unpacked.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DebianPackageError } from './debian-package-error.ts';
import type { DebianPackagePin } from './debian-package-pin.ts';
import { checkPinned, downloadDebianPackage, hashFile, type ByteProgress } from './download-debian-package.ts';
import { unpackDeb } from './unpack-deb.ts';

export type FetchPhase = 'downloading' | 'unpacking';

export interface FetchOptions {
  /** Bytes of the current phase: the download, then the compressed data read while unpacking. */
  onProgress?: (phase: FetchPhase, done: number, total: number) => void;
  /** One line per decision (which path, which file), for the terminal. */
  log?: (line: string) => void;
  /** false: never use apt-get / dpkg-deb even where they exist (tests of the JS path). */
  useSystemTools?: boolean;
  mirror?: string;
}

/** Present while a package is being unpacked into root/: a tree with it is incomplete. */
export function unpackingMarker(cacheDir: string, pin: DebianPackagePin): string {
  return join(cacheDir, `.unpacking-${pin.name}`);
}

/** Whether `root/` holds the package completely (unpacked before, and not interrupted). */
export function isUnpacked(cacheDir: string, pin: DebianPackagePin, expectedPath: string): boolean {
  return existsSync(expectedPath) && !existsSync(unpackingMarker(cacheDir, pin));
}

/** Downloads (or reuses) the .deb, checks it, and unpacks it into `<cacheDir>/root`; returns that root. */
export async function fetchDebianPackage(pin: DebianPackagePin, cacheDir: string, options: FetchOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const system = options.useSystemTools ?? true;
  await mkdir(cacheDir, { recursive: true });
  let deb = await cachedDeb(pin, cacheDir, log);
  if (!deb && system && hasCommand('apt-get')) {
    log(`${pin.name}: apt-get download ${pin.name}=${pin.version}`);
    const apt = spawnSync('apt-get', ['download', `${pin.name}=${pin.version}`], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'inherit'] });
    if (apt.status === 0) deb = await cachedDeb(pin, cacheDir, log);
    if (!deb) log(`${pin.name}: apt-get could not download it (exit ${apt.status ?? apt.error?.message}); downloading over HTTPS instead`);
  }
  if (!deb) {
    const progress: ByteProgress = (done, total) => options.onProgress?.('downloading', done, total);
    log(`${pin.name}: downloading ${pin.filename} (${(pin.size / 1e6).toFixed(1)} MB, SHA-256 checked)`);
    deb = await downloadDebianPackage(pin, cacheDir, { onProgress: progress, ...(options.mirror ? { mirror: options.mirror } : {}) });
  }
  const root = join(cacheDir, 'root');
  const marker = unpackingMarker(cacheDir, pin);
  writeFileSync(marker, `${deb}\n`);
  if (system && hasCommand('dpkg-deb')) {
    log(`${pin.name}: dpkg-deb -x into ${root}`);
    const dpkg = spawnSync('dpkg-deb', ['-x', deb, root], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (dpkg.status !== 0) throw new DebianPackageError('not-a-deb', `dpkg-deb -x ${deb} failed (exit ${dpkg.status})`);
  } else {
    log(`${pin.name}: unpacking in JS into ${root}`);
    await unpackDeb(deb, root, { onProgress: (done, total) => options.onProgress?.('unpacking', done, total) });
  }
  rmSync(marker);
  return root;
}

/** The pinned .deb if the cache holds it intact (apt names it with `%3a` for the epoch's colon); a corrupt one is deleted. */
async function cachedDeb(pin: DebianPackagePin, cacheDir: string, log: (line: string) => void): Promise<string | undefined> {
  for (const file of readdirSync(cacheDir)) {
    if (!file.startsWith(`${pin.name}_`) || !file.endsWith('.deb')) continue;
    const path = join(cacheDir, file);
    try {
      checkPinned(pin, await hashFile(path), path);
      return path;
    } catch (error) {
      if (!(error instanceof DebianPackageError)) throw error;
      log(`${pin.name}: ${error.message}; deleting it`);
      rmSync(path);
    }
  }
  return undefined;
}

function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}
