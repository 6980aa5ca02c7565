// `tsx src/node/debian/fetch-debian-package-cli.ts NAME CACHE_DIR`: fetches one pinned
// package (debian-package-pin.ts) into CACHE_DIR/root with a progress bar on stderr and
// prints that root on stdout. scripts/fetch-tuxpaint-stamps.mjs and fetch-openclipart.mjs
// run it in a child process, so their synchronous API stays as it was.
import { DebianPackageError } from './debian-package-error.ts';
import { PINNED_PACKAGES } from './debian-package-pin.ts';
import { fetchDebianPackage } from './fetch-debian-package.ts';
import { terminalByteProgress } from './terminal-byte-progress.ts';

const [name, cacheDir] = process.argv.slice(2);
const pin = PINNED_PACKAGES.find((p) => p.name === name);
if (!pin || !cacheDir) {
  console.error(`usage: fetch-debian-package-cli.ts NAME CACHE_DIR (NAME one of ${PINNED_PACKAGES.map((p) => p.name).join(', ')})`);
  process.exit(2);
}
const progress = terminalByteProgress(pin.name);
try {
  const root = await fetchDebianPackage(pin, cacheDir, { onProgress: progress.update, log: progress.log });
  progress.stop();
  console.log(root);
} catch (error) {
  progress.stop();
  if (!(error instanceof DebianPackageError)) throw error;
  console.error(`${pin.name}: ${error.message}`);
  process.exit(1);
}
