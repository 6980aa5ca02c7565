import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * The version of an unpacked or installed Debian package, for a catalog's NOTICE: the first
 * line of `docDir/changelog.Debian.gz` ("tuxpaint-stamps (1:2022.06.04-1) unstable; …"), else
 * the version in the name of a `.deb` of `packageName` in `cacheDir` (apt-get download writes
 * an epoch's `:` as `%3a`, hence the decoding). Undefined when neither is there.
 */
export function debianPackageVersion(packageName: string, docDir: string, cacheDir: string): string | undefined {
  const changelog = join(docDir, 'changelog.Debian.gz');
  if (existsSync(changelog)) {
    try {
      const first = gunzipSync(readFileSync(changelog)).toString('utf8').split('\n', 1)[0] ?? '';
      const match = /\(([^)]+)\)/.exec(first);
      if (match) return match[1];
    } catch {
      // an unreadable changelog: fall back to the file name
    }
  }
  if (existsSync(cacheDir)) {
    const deb = readdirSync(cacheDir).find((f) => f.startsWith(`${packageName}_`) && f.endsWith('.deb'));
    if (deb) return decodeURIComponent(deb.slice(packageName.length + 1).replace(/_[^_]*\.deb$/, ''));
  }
  return undefined;
}
