// `tsx src/node/debian/fetch-debian-video-package-cli.ts NAME DIR KEEP…`: fetches one pinned
// video package (DEBIAN_VIDEO_PINS) with fetch-debian-package.ts (apt where it exists, else
// HTTPS from a mirror; SHA-256 checked), keeps only the paths KEEP (files or folders inside the
// package, e.g. its clips and usr/share/doc/NAME/copyright) under DIR/root, saves the package's
// control record as DIR/control.txt, deletes the .deb and the rest, and marks DIR/complete.
// scripts/fetch-debian-videos.mjs runs it in a child process, so its API stays synchronous.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DebianPackageError } from './debian-package-error.ts';
import { DEBIAN_VIDEO_PINS } from './debian-package-pin.ts';
import { fetchDebianPackage } from './fetch-debian-package.ts';
import { readDebControl } from './read-deb-control.ts';
import { terminalByteProgress } from './terminal-byte-progress.ts';

const [name, dir, ...keep] = process.argv.slice(2);
const pin = DEBIAN_VIDEO_PINS.find((p) => p.name === name);
if (!pin || !dir || keep.length === 0) {
  console.error(`usage: fetch-debian-video-package-cli.ts NAME DIR KEEP… (NAME one of ${DEBIAN_VIDEO_PINS.map((p) => p.name).join(', ')})`);
  process.exit(2);
}
const whole = join(dir, 'whole');
const progress = terminalByteProgress(pin.name);
try {
  rmSync(join(dir, 'root'), { recursive: true, force: true });
  const unpacked = await fetchDebianPackage(pin, whole, { onProgress: progress.update, log: progress.log });
  progress.stop();
  const deb = readdirSync(whole).find((f) => f.startsWith(`${pin.name}_`) && f.endsWith('.deb'))!;
  writeFileSync(join(dir, 'control.txt'), await readDebControl(join(whole, deb)));
  for (const path of keep) {
    if (!existsSync(join(unpacked, path))) throw new DebianPackageError('not-a-deb', `${pin.name}=${pin.version} has no ${path}`);
    mkdirSync(dirname(join(dir, 'root', path)), { recursive: true });
    renameSync(join(unpacked, path), join(dir, 'root', path));
  }
  rmSync(whole, { recursive: true, force: true });
  writeFileSync(join(dir, 'complete'), `${pin.name}=${pin.version}\n`);
  console.log(join(dir, 'root'));
} catch (error) {
  progress.stop();
  if (!(error instanceof DebianPackageError)) throw error;
  console.error(`${pin.name}: ${error.message}`);
  process.exit(1);
}
