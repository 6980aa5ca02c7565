#!/usr/bin/env node
// Finds the Tux Paint stamps (Debian package tuxpaint-stamps-default, GPL-2) or fetches them
// without root into .cache/tuxpaint (git-ignored): the pinned .deb (src/node/debian/
// debian-package-pin.ts) comes from apt where it exists, else over HTTPS from a Debian
// mirror, is checked against its SHA-256 and unpacked (src/node/debian/fetch-debian-package.ts).
// Prints the stamps directory. Used by tests, evaluation, benchmarks and the catalog builder.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = 'tuxpaint-stamps-default';
const SYSTEM_DIR = '/usr/share/tuxpaint/stamps';
/** Where a fetched package is unpacked (like `dpkg-deb -x`). */
export const TUXPAINT_CACHE_DIR = join(root, '.cache', 'tuxpaint');
const UNPACKED = join(TUXPAINT_CACHE_DIR, 'root', 'usr', 'share', 'tuxpaint', 'stamps');

/** The stamps folder if it is already here (TUXPAINT_STAMPS_DIR, an installed package, or a complete unpack in .cache/), else undefined. */
export function findTuxPaintStamps() {
  if (process.env.TUXPAINT_STAMPS_DIR && existsSync(process.env.TUXPAINT_STAMPS_DIR)) return process.env.TUXPAINT_STAMPS_DIR;
  if (existsSync(SYSTEM_DIR)) return SYSTEM_DIR;
  // An interrupted unpack leaves its marker behind: that tree is incomplete.
  if (existsSync(UNPACKED) && !existsSync(join(TUXPAINT_CACHE_DIR, `.unpacking-${PACKAGE}`))) return UNPACKED;
  return undefined;
}

export function findOrFetchTuxPaintStamps() {
  const found = findTuxPaintStamps();
  if (found) return found;
  // The fetch is asynchronous (HTTPS, streams); a child process keeps this function synchronous for its callers.
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'debian', 'fetch-debian-package-cli.ts'), PACKAGE, TUXPAINT_CACHE_DIR],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (!existsSync(UNPACKED)) throw new Error(`${PACKAGE} did not contain ${SYSTEM_DIR}`);
  return UNPACKED;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(findOrFetchTuxPaintStamps());
}
