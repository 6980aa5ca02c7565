import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readArMembers } from '../../../../src/node/debian/ar-archive.ts';
import { DebianPackageError } from '../../../../src/node/debian/debian-package-error.ts';
import type { DebianPackagePin } from '../../../../src/node/debian/debian-package-pin.ts';
import { downloadDebianPackage, hashFile } from '../../../../src/node/debian/download-debian-package.ts';
import { fetchDebianPackage, isUnpacked, unpackingMarker } from '../../../../src/node/debian/fetch-debian-package.ts';
import { unpackDeb } from '../../../../src/node/debian/unpack-deb.ts';

/**
 * The first run's stamp fetch without apt, on a small real package: python3-six (MIT, 17.5 kB,
 * data.tar.xz), downloaded from Debian's archive over HTTPS by the code under test (once; it is
 * kept in .cache/test-debs, git-ignored), pinned like the stamps (`apt-cache show python3-six`).
 * Bad downloads come from a local HTTP server serving altered copies of the same bytes.
 */
const SIX: DebianPackagePin = {
  name: 'python3-six',
  version: '1.16.0-4',
  filename: 'pool/main/s/six/python3-six_1.16.0-4_all.deb',
  size: 17_516,
  sha256: 'fd189e9cecbcf17a1fc20aec30055c8afa9c1eec00cd6e7ab385087a2ab3b0d3',
};
/** From `dpkg-deb -x` of that package: its regular files, and the hash of the one that matters. */
const SIX_FILES = [
  'usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO',
  'usr/lib/python3/dist-packages/six-1.16.0.egg-info/dependency_links.txt',
  'usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt',
  'usr/lib/python3/dist-packages/six.py',
  'usr/share/doc/python3-six/changelog.Debian.gz',
  'usr/share/doc/python3-six/changelog.gz',
  'usr/share/doc/python3-six/copyright',
  'usr/share/python3/dist/python3-six',
];
const SIX_PY_SHA256 = '4ce39f422ee71467ccac8bed76beb05f8c321c7f0ceda9279ae2dfa3670106b3';

const cacheDir = join('.cache', 'test-debs');
const temp = mkdtempSync(join(tmpdir(), 'unpack-deb-'));
let deb: string;
let server: Server;
let mirror: string;
/** What the local mirror answers for the pinned path: tests swap it. */
let served: { status: number; body: Buffer } = { status: 404, body: Buffer.alloc(0) };

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const hasDpkgDeb = spawnSync('dpkg-deb', ['--version'], { stdio: 'ignore' }).error === undefined;

function regularFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

async function expectProblem(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DebianPackageError);
  expect((error as DebianPackageError).code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

beforeAll(async () => {
  mkdirSync(cacheDir, { recursive: true });
  const cached = join(cacheDir, 'python3-six_1.16.0-4_all.deb');
  deb = existsSync(cached) && (await hashFile(cached)).sha256 === SIX.sha256 ? cached : await downloadDebianPackage(SIX, cacheDir);
  server = createServer((req, res) => {
    if (req.url !== `/debian/${SIX.filename}`) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(served.status, { 'Content-Length': served.body.length }).end(served.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}/debian/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(temp, { recursive: true, force: true });
});

describe('downloadDebianPackage', () => {
  it('kept the real package only because its size and SHA-256 are the pinned ones', async () => {
    expect(await hashFile(deb)).toEqual({ sha256: SIX.sha256, size: SIX.size });
  });

  it('refuses a file whose hash is not the pinned one, and leaves nothing behind', async () => {
    const altered = Buffer.from(readFileSync(deb));
    altered[altered.length - 100]! ^= 0xff;
    served = { status: 200, body: altered };
    const dir = join(temp, 'altered');
    await expectProblem(
      downloadDebianPackage(SIX, dir, { mirror }),
      'hash-mismatch',
      new RegExp(`has SHA-256 ${sha256(altered)}, but python3-six 1\\.16\\.0-4 has ${SIX.sha256}; refused`),
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a cut-short file by its size', async () => {
    served = { status: 200, body: readFileSync(deb).subarray(0, 10_000) };
    const dir = join(temp, 'short');
    await expectProblem(downloadDebianPackage(SIX, dir, { mirror }), 'size-mismatch', /has 10000 bytes, but python3-six 1\.16\.0-4 has 17516; refused/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says which URL failed when the mirror answers an error or cannot be reached', async () => {
    served = { status: 404, body: Buffer.from('not here') };
    await expectProblem(
      downloadDebianPackage(SIX, join(temp, 'missing'), { mirror }),
      'download-failed',
      new RegExp(`${mirror}pool/main/s/six/python3-six_1\\.16\\.0-4_all\\.deb answered 404`),
    );
    await expectProblem(
      downloadDebianPackage(SIX, join(temp, 'unreachable'), { mirror: 'http://127.0.0.1:9/debian/' }),
      'download-failed',
      /could not reach http:\/\/127\.0\.0\.1:9\/debian\/pool/,
    );
  });

  it('accepts the same bytes from any mirror', async () => {
    served = { status: 200, body: readFileSync(deb) };
    const path = await downloadDebianPackage(SIX, join(temp, 'mirror'), { mirror });
    expect(path).toBe(join(temp, 'mirror', 'python3-six_1.16.0-4_all.deb'));
    expect(readFileSync(path).equals(readFileSync(deb))).toBe(true);
  });
});

describe('unpackDeb (ar + xz + tar in JS)', () => {
  it('reads the ar container as deb(5) lays it out', async () => {
    const members = await readArMembers(deb);
    expect(members.map((m) => m.name)).toEqual(['debian-binary', 'control.tar.xz', 'data.tar.xz']);
    expect(
      readFileSync(deb)
        .subarray(members[0]!.offset, members[0]!.offset + members[0]!.size)
        .toString(),
    ).toBe('2.0\n');
  });

  it('extracts the same files as dpkg-deb -x, byte for byte', async () => {
    const out = join(temp, 'js');
    const progress: number[] = [];
    await unpackDeb(deb, out, { onProgress: (done) => progress.push(done) });
    expect(regularFiles(out)).toEqual(SIX_FILES);
    expect(sha256(readFileSync(join(out, 'usr/lib/python3/dist-packages/six.py')))).toBe(SIX_PY_SHA256);
    const data = (await readArMembers(deb)).find((m) => m.name === 'data.tar.xz')!;
    expect(progress.at(-1)).toBe(data.size);
    if (hasDpkgDeb) {
      const reference = join(temp, 'dpkg');
      execFileSync('dpkg-deb', ['-x', deb, reference]);
      for (const file of regularFiles(reference)) expect(readFileSync(join(out, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
      expect(regularFiles(out)).toEqual(regularFiles(reference));
    }
  });

  it('refuses a file that is not a Debian package', async () => {
    const text = join(temp, 'not-a.deb');
    writeFileSync(text, 'hello, I am text\n');
    await expectProblem(unpackDeb(text, join(temp, 'x1')), 'not-a-deb', /is not an ar archive/);
    const cut = join(temp, 'cut.deb');
    writeFileSync(cut, readFileSync(deb).subarray(0, 2000));
    await expectProblem(unpackDeb(cut, join(temp, 'x2')), 'not-a-deb', /claims \d+ bytes but the file ends/);
  });

  it('refuses a data.tar in a compression it cannot undo (zstd), naming it', async () => {
    const bytes = Buffer.from(readFileSync(deb));
    const data = (await readArMembers(deb)).find((m) => m.name === 'data.tar.xz')!;
    bytes.write('data.tar.zst    ', data.offset - 60, 'latin1');
    const zst = join(temp, 'zst.deb');
    writeFileSync(zst, bytes);
    await expectProblem(unpackDeb(zst, join(temp, 'x3')), 'unsupported-compression', /data\.tar\.zst is compressed with zst; only xz, gzip and plain tar/);
  });

  it('reports a damaged xz stream as such', async () => {
    const bytes = Buffer.from(readFileSync(deb));
    const data = (await readArMembers(deb)).find((m) => m.name === 'data.tar.xz')!;
    for (let i = 200; i < 400; i++) bytes[data.offset + i] = 0;
    const damaged = join(temp, 'damaged.deb');
    writeFileSync(damaged, bytes);
    await expectProblem(unpackDeb(damaged, join(temp, 'x4')), 'not-a-deb', /data\.tar\.xz could not be decompressed/);
  });
});

describe('fetchDebianPackage without apt or dpkg-deb', () => {
  it('unpacks a cached, verified .deb into root/ and marks it complete', async () => {
    const dir = join(temp, 'fetch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'python3-six_1.16.0-4_all.deb'), readFileSync(deb));
    const lines: string[] = [];
    const root = await fetchDebianPackage(SIX, dir, { useSystemTools: false, log: (line) => lines.push(line) });
    expect(root).toBe(join(dir, 'root'));
    expect(regularFiles(root)).toEqual(SIX_FILES);
    expect(isUnpacked(dir, SIX, join(root, 'usr/lib/python3/dist-packages/six.py'))).toBe(true);
    expect(existsSync(unpackingMarker(dir, SIX))).toBe(false);
    expect(lines).toEqual([`python3-six: unpacking in JS into ${root}`]);
  });

  it('deletes a cached .deb with the wrong hash and downloads the pinned one', async () => {
    const dir = join(temp, 'refetch');
    mkdirSync(dir);
    writeFileSync(join(dir, 'python3-six_1.16.0-4_all.deb'), 'garbage');
    served = { status: 200, body: readFileSync(deb) };
    const lines: string[] = [];
    await fetchDebianPackage(SIX, dir, { useSystemTools: false, mirror, log: (line) => lines.push(line) });
    expect(lines[0]).toMatch(/^python3-six: \[size-mismatch\] .* has 7 bytes, but python3-six 1\.16\.0-4 has 17516; refused; deleting it$/);
    expect(lines[1]).toBe('python3-six: downloading pool/main/s/six/python3-six_1.16.0-4_all.deb (0.0 MB, SHA-256 checked)');
    expect(readFileSync(join(dir, 'python3-six_1.16.0-4_all.deb')).equals(readFileSync(deb))).toBe(true);
  });

  it('treats a tree whose unpacking was interrupted as incomplete', () => {
    const dir = join(temp, 'fetch');
    writeFileSync(unpackingMarker(dir, SIX), 'interrupted\n');
    expect(isUnpacked(dir, SIX, join(dir, 'root', 'usr/lib/python3/dist-packages/six.py'))).toBe(false);
  });
});
