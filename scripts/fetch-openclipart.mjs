#!/usr/bin/env node
// Finds the Openclipart clip art (Debian packages openclipart-svg and openclipart-png,
// 1:0.18+dfsg-19, public domain) or fetches it without root into .cache/openclipart
// (git-ignored): the pinned .debs come from apt where it exists, else over HTTPS, and are
// checked against their SHA-256 and unpacked (src/node/debian/fetch-debian-package.ts).
// Prints the openclipart root folder (the one holding svg/ and, if present, png/). Used by
// tests and the catalog builder.
//
// openclipart-svg (25 MB .deb, 169 MiB unpacked) is always needed: only the SVGs carry the
// metadata (dc:title, dc:subject keywords, dc:description). openclipart-png (131 MB .deb,
// 151 MiB unpacked; a render of every SVG) is fetched too unless `--no-png` or
// OPENCLIPART_PNG=0: 1,615 of the SVGs lack the SVG namespace and resvg refuses them, and a
// PNG decodes faster than an SVG rasterises. Without png/ those items are skipped.
//
//   node scripts/fetch-openclipart.mjs [--no-png]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SVG_PACKAGE = 'openclipart-svg';
const PNG_PACKAGE = 'openclipart-png';
const SYSTEM_DIR = '/usr/share/openclipart';

/** Fetches one pinned package into the cache (apt where it exists, else HTTPS; SHA-256 checked; see src/node/debian/). */
function fetchPackage(cache, pkg) {
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'debian', 'fetch-debian-package-cli.ts'), pkg, cache],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
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
  const complete = (pkg) => !existsSync(join(cache, `.unpacking-${pkg}`));
  if (!existsSync(join(unpacked, 'svg')) || !complete(SVG_PACKAGE)) fetchPackage(cache, SVG_PACKAGE);
  if (!existsSync(join(unpacked, 'svg'))) throw new Error(`the ${SVG_PACKAGE} .deb did not contain ${SYSTEM_DIR}/svg`);
  if (png && (!existsSync(join(unpacked, 'png')) || !complete(PNG_PACKAGE))) fetchPackage(cache, PNG_PACKAGE);
  return unpacked;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(findOrFetchOpenclipart(process.argv.includes('--no-png') ? { png: false } : {}));
}
