#!/usr/bin/env node
// Finds the Tux Paint stamps (Debian package tuxpaint-stamps-default, GPL-2) or fetches them
// without root: `apt-get download` + `dpkg-deb -x` into .cache/tuxpaint (git-ignored).
// Prints the stamps directory. Used by tests, evaluation and the catalog builder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = 'tuxpaint-stamps-default';
const SYSTEM_DIR = '/usr/share/tuxpaint/stamps';

export function findOrFetchTuxPaintStamps() {
  if (process.env.TUXPAINT_STAMPS_DIR && existsSync(process.env.TUXPAINT_STAMPS_DIR)) return process.env.TUXPAINT_STAMPS_DIR;
  if (existsSync(SYSTEM_DIR)) return SYSTEM_DIR;
  const cache = join(root, '.cache', 'tuxpaint');
  const unpacked = join(cache, 'root', 'usr', 'share', 'tuxpaint', 'stamps');
  if (existsSync(unpacked)) return unpacked;
  mkdirSync(cache, { recursive: true });
  try {
    execFileSync('apt-get', ['download', PACKAGE], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch (error) {
    throw new Error(
      `Could not fetch ${PACKAGE} with apt-get (${error.message}). On a system without apt, download the ` +
        `${PACKAGE} .deb from Debian by hand, unpack it with \`dpkg-deb -x FILE DIR\` (or \`ar x\` + tar), ` +
        `and set TUXPAINT_STAMPS_DIR=DIR/usr/share/tuxpaint/stamps.`,
    );
  }
  const deb = readdirSync(cache).find((f) => f.startsWith(PACKAGE) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download left no ${PACKAGE} .deb in ${cache}`);
  execFileSync('dpkg-deb', ['-x', join(cache, deb), join(cache, 'root')], { stdio: 'inherit' });
  if (!existsSync(unpacked)) throw new Error(`${deb} did not contain ${SYSTEM_DIR}`);
  return unpacked;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(findOrFetchTuxPaintStamps());
}
