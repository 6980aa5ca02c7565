#!/usr/bin/env node
// Fetches the Debian packages that ship real video clips with sound (../shared/DATA.md §4)
// without root into .cache/debian-videos/<name>_<version>/ (git-ignored): the pinned .deb
// (src/node/debian/debian-package-pin.ts: size and SHA-256 from Debian's index) comes from apt
// where it exists, else over HTTPS from a Debian mirror, and only the clips and the package's
// debian/copyright are kept, with its control record (its description) in control.txt
// (src/node/debian/fetch-debian-video-package-cli.ts). Nothing fetched here is ever committed.
//
//   node scripts/fetch-debian-videos.mjs [NAME…]     (default: every package below)
//
// Prints, per package, the folder its files were unpacked into.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The packages, pinned, with their clips (paths inside the package) and licences (from each
 * package's debian/copyright, shipped as usr/share/doc/NAME/copyright and copied into the
 * catalog next to its NOTICE).
 */
export const DEBIAN_VIDEO_PACKAGES = [
  {
    name: 'planetblupi-common',
    version: '1.14.2-3',
    license: 'GPL-3.0-or-later',
    clipsDir: 'usr/share/planetblupi/movie',
    clipPattern: /\.mkv$/,
  },
  { name: 'freecol', version: '1.0.0-1', license: 'GPL-2.0-or-later', clips: ['usr/share/games/freecol/default/resources/video/freecol-opening.video.ogg'] },
  { name: 'fillets-ng-data', version: '1.0.1-1.1', license: 'GPL-2.0-only', clips: ['usr/share/games/fillets-ng/images/menu/intro.mpg'] },
  { name: 'boswars-data', version: '2.7+svn160110-5', license: 'GPL-2.0-or-later', clips: ['usr/share/games/boswars/intro/boswars_intro.ogg'] },
  { name: 'renpy-demo', version: '8.0.3+dfsg-1', license: 'MIT', clips: ['usr/share/games/renpy/demo/game/oa4_launch.webm'] },
  {
    name: 'openboard-common',
    version: '1.6.4+dfsg-1',
    license: 'GPL-3.0-only with the OpenSSL exception',
    clips: ['usr/share/openboard/library/videos/wannaworktogether.mp4'],
  },
  { name: 'python3-imageio', version: '2.4.1-5', license: 'BSD-2-Clause', clips: ['usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4'] },
];

function packageInfo(name) {
  const info = DEBIAN_VIDEO_PACKAGES.find((p) => p.name === name);
  if (!info) throw new Error(`unknown package ${name}: expected one of ${DEBIAN_VIDEO_PACKAGES.map((p) => p.name).join(', ')}`);
  return info;
}

/** Where NAME's files are (unpacked), fetching the pinned .deb first if needed. */
export function findOrFetchDebianPackage(name) {
  const info = packageInfo(name);
  const dir = join(root, '.cache', 'debian-videos', `${name}_${info.version}`);
  const unpacked = join(dir, 'root');
  if (existsSync(join(dir, 'complete'))) return unpacked;
  const keep = [...(info.clips ?? [info.clipsDir]), `usr/share/doc/${name}/copyright`];
  // The fetch is asynchronous (HTTPS, streams); a child process keeps this function synchronous for its callers.
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'debian', 'fetch-debian-video-package-cli.ts'), name, dir, ...keep],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return unpacked;
}

/** The package's control record (Package, Version, Section, Homepage, Description with its long text …), as saved when it was fetched. */
export function debianPackageRecord(name) {
  const { version } = packageInfo(name);
  findOrFetchDebianPackage(name);
  return readFileSync(join(root, '.cache', 'debian-videos', `${name}_${version}`, 'control.txt'), 'utf8');
}

/** Paths (inside the package) of its clips, sorted. */
function clipPaths(info, unpacked) {
  return (
    info.clips ??
    readdirSync(join(unpacked, info.clipsDir))
      .filter((f) => info.clipPattern.test(f))
      .sort()
      .map((f) => `${info.clipsDir}/${f}`)
  );
}

/** Absolute paths of NAME's video clips, sorted. */
export function debianPackageClips(name) {
  const unpacked = findOrFetchDebianPackage(name);
  return clipPaths(packageInfo(name), unpacked).map((c) => join(unpacked, c));
}

/** Absolute path of NAME's debian/copyright (shipped as usr/share/doc/NAME/copyright). */
export function debianPackageCopyright(name) {
  return join(findOrFetchDebianPackage(name), 'usr', 'share', 'doc', name, 'copyright');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const name of names.length ? names : DEBIAN_VIDEO_PACKAGES.map((p) => p.name)) console.log(findOrFetchDebianPackage(name));
}
