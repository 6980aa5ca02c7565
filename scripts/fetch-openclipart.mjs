#!/usr/bin/env node
// Finds the Openclipart clip art (Debian packages openclipart-svg and openclipart-png,
// 1:0.18+dfsg-19, public domain) or fetches it without root: `apt-get download` +
// `dpkg-deb -x` into .cache/openclipart (git-ignored). Prints the openclipart root folder
// (the one holding svg/ and, if present, png/). Used by tests and the catalog builder.
//
// openclipart-svg (25 MB .deb, 169 MiB unpacked) is always needed: only the SVGs carry the
// metadata (dc:title, dc:subject keywords, dc:description). openclipart-png (131 MB .deb,
// 151 MiB unpacked; a render of every SVG) is fetched too unless `--no-png` or
// OPENCLIPART_PNG=0: 1,615 of the SVGs lack the SVG namespace and resvg refuses them, and a
// PNG decodes faster than an SVG rasterises. Without png/ those items are skipped.
//
//   node scripts/fetch-openclipart.mjs [--no-png]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SVG_PACKAGE = 'openclipart-svg';
const PNG_PACKAGE = 'openclipart-png';
const SYSTEM_DIR = '/usr/share/openclipart';

function fetchPackage(cache, pkg) {
  let deb = readdirSync(cache).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!deb) {
    try {
      execFileSync('apt-get', ['download', pkg], { cwd: cache, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      throw new Error(
        `Could not fetch ${pkg} with apt-get (${error.message}). On a system without apt, download the ` +
          `${pkg} .deb from Debian by hand (https://packages.debian.org/bookworm/all/${pkg}/download), unpack it ` +
          `with \`dpkg-deb -x FILE DIR\` (or \`ar x\` + tar), and set OPENCLIPART_DIR=DIR/usr/share/openclipart.`,
      );
    }
    deb = readdirSync(cache).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download left no ${pkg} .deb in ${cache}`);
  }
  execFileSync('dpkg-deb', ['-x', join(cache, deb), join(cache, 'root')], { stdio: 'inherit' });
}

/**
 * @param {{ png?: boolean }} [options]
 * @returns {string}
 */
export function findOrFetchOpenclipart(options = {}) {
  const png = options.png ?? process.env.OPENCLIPART_PNG !== '0';
  const env = process.env.OPENCLIPART_DIR;
  if (env && existsSync(join(env, 'svg'))) return env;
  if (existsSync(join(SYSTEM_DIR, 'svg')) && (!png || existsSync(join(SYSTEM_DIR, 'png')))) return SYSTEM_DIR;
  const cache = join(root, '.cache', 'openclipart');
  const unpacked = join(cache, 'root', 'usr', 'share', 'openclipart');
  mkdirSync(cache, { recursive: true });
  if (!existsSync(join(unpacked, 'svg'))) fetchPackage(cache, SVG_PACKAGE);
  if (!existsSync(join(unpacked, 'svg'))) throw new Error(`the ${SVG_PACKAGE} .deb did not contain ${SYSTEM_DIR}/svg`);
  if (png && !existsSync(join(unpacked, 'png'))) fetchPackage(cache, PNG_PACKAGE);
  return unpacked;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(findOrFetchOpenclipart(process.argv.includes('--no-png') ? { png: false } : {}));
}
