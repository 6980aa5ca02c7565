// Unpacks a .deb's files (its data.tar.*) into a folder, like `dpkg-deb -x`, in JS: the ar
// container by ar-archive.ts, xz by xz-decompress (xz-embedded compiled to WebAssembly: no
// native addon, so it installs wherever Node runs; streaming, so memory stays flat on the
// stamps' 226 MB tar), and the tar by node-tar (npm's own, which refuses entries that would
// land outside the target folder).
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { x as extractTar } from 'tar';
import xzDecompress from 'xz-decompress';
import { ArFormatError, readArMembers, type ArMember } from './ar-archive.ts';
import { DebianPackageError } from './debian-package-error.ts';
import type { ByteProgress } from './download-debian-package.ts';

const { XzReadableStream } = xzDecompress;

/** The compressions dpkg writes that Node can undo without a native addon. */
const DECOMPRESSORS: Record<string, (compressed: Readable) => Readable> = {
  '': (compressed) => compressed,
  '.gz': (compressed) => compressed.pipe(createGunzip()),
  '.xz': (compressed) => Readable.fromWeb(new XzReadableStream(Readable.toWeb(compressed) as ReadableStream<Uint8Array>) as WebReadableStream<Uint8Array>),
};

/** The members of a .deb, checked against deb(5): `debian-binary` (format 2.x) first, then a control and a data tarball. */
export async function debMembers(debPath: string): Promise<{ data: ArMember; compression: string }> {
  let members: ArMember[];
  try {
    members = await readArMembers(debPath);
  } catch (error) {
    if (error instanceof ArFormatError) throw new DebianPackageError('not-a-deb', error.message);
    throw error;
  }
  const [first] = members;
  if (first?.name !== 'debian-binary')
    throw new DebianPackageError('not-a-deb', `${debPath}: the first member is ${first ? `"${first.name}"` : 'missing'}, not "debian-binary"`);
  const version = await readMember(debPath, first);
  if (!/^2\.\d+\n/.test(version))
    throw new DebianPackageError('not-a-deb', `${debPath}: unsupported package format ${JSON.stringify(version.trim())} (expected 2.x)`);
  const data = members.find((m) => m.name.startsWith('data.tar'));
  if (!data) throw new DebianPackageError('not-a-deb', `${debPath}: no data.tar member (members: ${members.map((m) => m.name).join(', ')})`);
  const compression = data.name.slice('data.tar'.length);
  if (!(compression in DECOMPRESSORS))
    throw new DebianPackageError(
      'unsupported-compression',
      `${debPath}: ${data.name} is compressed with ${compression.slice(1)}; only xz, gzip and plain tar can be unpacked without dpkg-deb`,
    );
  return { data, compression };
}

/** Extracts the package's files into `destDir` (created if needed); `onProgress` counts the compressed bytes read. */
export async function unpackDeb(debPath: string, destDir: string, options: { onProgress?: ByteProgress } = {}): Promise<void> {
  const { data, compression } = await debMembers(debPath);
  await mkdir(destDir, { recursive: true });
  let done = 0;
  const file = createReadStream(debPath, { start: data.offset, end: data.offset + data.size - 1 });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      options.onProgress?.(done, data.size);
      callback(null, chunk);
    },
  });
  file.on('error', (error) => counter.destroy(error));
  const decompress = DECOMPRESSORS[compression];
  if (decompress === undefined)
    throw new DebianPackageError('unsupported-compression', `${debPath}: data.tar${compression} cannot be unpacked without dpkg-deb`);
  const tarStream = decompress(file.pipe(counter));
  await new Promise<void>((resolve, reject) => {
    // strict: a damaged entry is an error, not a warning and a half-written tree.
    const unpack = extractTar({ cwd: destDir, strict: true, preserveOwner: false });
    unpack.on('close', () => resolve());
    unpack.on('error', reject);
    tarStream.on('error', (error: Error) =>
      reject(new DebianPackageError('not-a-deb', `${debPath}: ${data.name} could not be decompressed (${error.message})`)),
    );
    tarStream.pipe(unpack);
  });
}

async function readMember(path: string, member: ArMember): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(member.size, 64));
    await file.read(buffer, 0, buffer.length, member.offset);
    return buffer.toString('latin1');
  } finally {
    await file.close();
  }
}
