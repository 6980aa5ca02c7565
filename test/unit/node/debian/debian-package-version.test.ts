import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { debianPackageVersion } from '../../../../src/node/debian/debian-package-version.ts';

describe('debianPackageVersion', () => {
  let dir: string;
  const setUp = () => {
    dir = mkdtempSync(join(tmpdir(), 'debian-version-'));
    const doc = join(dir, 'doc');
    const cache = join(dir, 'cache');
    mkdirSync(doc);
    mkdirSync(cache);
    return { doc, cache };
  };
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the version from the first line of changelog.Debian.gz', () => {
    const { doc, cache } = setUp();
    writeFileSync(join(doc, 'changelog.Debian.gz'), gzipSync('tuxpaint-stamps (1:2022.06.04-1) unstable; urgency=medium\n\n  * New upstream release.\n'));
    writeFileSync(join(cache, 'tuxpaint-stamps-default_9.9-9_all.deb'), '');
    expect(debianPackageVersion('tuxpaint-stamps-default', doc, cache)).toBe('1:2022.06.04-1');
  });

  it('falls back to the .deb file name, decoding the epoch apt-get download writes as %3a', () => {
    const { doc, cache } = setUp();
    writeFileSync(join(cache, 'other-package_2.0-1_all.deb'), '');
    writeFileSync(join(cache, 'tuxpaint-stamps-default_1%3a2022.06.04-1_all.deb'), '');
    expect(debianPackageVersion('tuxpaint-stamps-default', doc, cache)).toBe('1:2022.06.04-1');
  });

  it('falls back to the file name when the changelog is not gzip', () => {
    const { doc, cache } = setUp();
    writeFileSync(join(doc, 'changelog.Debian.gz'), 'not gzip');
    writeFileSync(join(cache, 'openclipart-svg_1%3a0.18+dfsg-15_all.deb'), '');
    expect(debianPackageVersion('openclipart-svg', doc, cache)).toBe('1:0.18+dfsg-15');
  });

  it('is undefined when neither is there', () => {
    const { doc, cache } = setUp();
    expect(debianPackageVersion('tuxpaint-stamps-default', doc, cache)).toBeUndefined();
    expect(debianPackageVersion('tuxpaint-stamps-default', join(dir, 'missing'), join(dir, 'missing'))).toBeUndefined();
  });
});
