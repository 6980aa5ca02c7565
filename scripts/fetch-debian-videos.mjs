#!/usr/bin/env node
// Fetches the Debian packages that ship real video clips with sound (../shared/DATA.md §4)
// without root: `apt-get download NAME=VERSION` + `dpkg-deb -x` into .cache/debian-videos/
// (git-ignored), one folder per package. Versions are pinned: the catalog and the tests are
// made from exactly these files. Each package's control record (its description) is saved
// next to it, so a later build needs no package lists. Nothing fetched here is ever committed.
//
//   node scripts/fetch-debian-videos.mjs [NAME…]     (default: every package below)
//
// Prints, per package, the folder its files were unpacked into.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
  { name: 'openboard-common', version: '1.6.4+dfsg-1', license: 'GPL-3.0-only with the OpenSSL exception', clips: ['usr/share/openboard/library/videos/wannaworktogether.mp4'] },
  { name: 'python3-imageio', version: '2.4.1-5', license: 'BSD-2-Clause', clips: ['usr/lib/python3/dist-packages/imageio/resources/images/cockatoo.mp4'] },
];

function packageInfo(name) {
  const info = DEBIAN_VIDEO_PACKAGES.find((p) => p.name === name);
  if (!info) throw new Error(`unknown package ${name}: expected one of ${DEBIAN_VIDEO_PACKAGES.map((p) => p.name).join(', ')}`);
  return info;
}

/** Where NAME's files are (unpacked), fetching the pinned .deb first if needed. */
export function findOrFetchDebianPackage(name) {
  const { version } = packageInfo(name);
  const dir = join(root, '.cache', 'debian-videos', `${name}_${version}`);
  const unpacked = join(dir, 'root');
  if (existsSync(join(dir, 'complete'))) return unpacked;
  mkdirSync(dir, { recursive: true });
  const isDeb = (f) => f.startsWith(`${name}_`) && f.endsWith('.deb');
  let deb = readdirSync(dir).find(isDeb);
  if (!deb) {
    try {
      execFileSync('apt-get', ['download', `${name}=${version}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (error) {
      throw new Error(
        `Could not fetch ${name}=${version} with apt-get (${error.message}). Run \`apt-get update\` first; on a system ` +
          `without apt, download the .deb from https://snapshot.debian.org/package/${name}/${version}/ and unpack it with ` +
          `\`dpkg-deb -x FILE ${unpacked}\`.`,
      );
    }
    deb = readdirSync(dir).find(isDeb);
    if (!deb) throw new Error(`apt-get download left no ${name} .deb in ${dir}`);
  }
  // Unpack, then keep only the clips and the copyright file (freecol alone unpacks to 157 MB).
  const whole = join(dir, 'whole');
  rmSync(whole, { recursive: true, force: true });
  rmSync(unpacked, { recursive: true, force: true });
  execFileSync('dpkg-deb', ['-x', join(dir, deb), whole], { stdio: 'inherit' });
  const info = packageInfo(name);
  const keep = [...clipPaths(info, whole), `usr/share/doc/${name}/copyright`];
  for (const path of keep) {
    if (!existsSync(join(whole, path))) throw new Error(`${name}=${version} has no ${path}`);
    mkdirSync(dirname(join(unpacked, path)), { recursive: true });
    renameSync(join(whole, path), join(unpacked, path));
  }
  rmSync(whole, { recursive: true, force: true });
  // The package's control record (its full description: `apt-cache show` here prints only the
  // short one, since the long ones are in Translation files the lists may lack), for the item text.
  writeFileSync(join(dir, 'control.txt'), execFileSync('dpkg-deb', ['-f', join(dir, deb)], { encoding: 'utf8' }));
  rmSync(join(dir, deb));
  writeFileSync(join(dir, 'complete'), `${name}=${version}\n`);
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
  return info.clips ?? readdirSync(join(unpacked, info.clipsDir)).filter((f) => info.clipPattern.test(f)).sort().map((f) => `${info.clipsDir}/${f}`);
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
