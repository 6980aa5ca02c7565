// The control file of a .deb (its control.tar.* member's `./control`): the package's record
// with its full description, which `apt-cache show` prints only in part when the package lists
// lack their Translation files. Read in JS, so it works where dpkg-deb does not exist.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import xzDecompress from 'xz-decompress';
import { readArMembers } from './ar-archive.ts';
import { DebianPackageError } from './debian-package-error.ts';

const { XzReadableStream } = xzDecompress;

export async function readDebControl(debPath: string): Promise<string> {
  const member = (await readArMembers(debPath)).find((m) => m.name.startsWith('control.tar'));
  if (!member) throw new DebianPackageError('not-a-deb', `${debPath}: no control.tar member`);
  const compression = member.name.slice('control.tar'.length);
  const raw = createReadStream(debPath, { start: member.offset, end: member.offset + member.size - 1 });
  let tarStream: Readable;
  if (compression === '.xz')
    tarStream = Readable.fromWeb(new XzReadableStream(Readable.toWeb(raw) as ReadableStream<Uint8Array>) as WebReadableStream<Uint8Array>);
  else if (compression === '.gz') tarStream = raw.pipe(createGunzip());
  else if (compression === '') tarStream = raw;
  else throw new DebianPackageError('unsupported-compression', `${debPath}: ${member.name} is compressed with ${compression.slice(1)}`);
  return new Promise<string>((resolve, reject) => {
    let control: string | undefined;
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        if (entry.path.replace(/^\.\//, '') !== 'control') return entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => (control = Buffer.concat(chunks).toString('utf8')));
      },
    });
    parser.on('end', () =>
      control === undefined ? reject(new DebianPackageError('not-a-deb', `${debPath}: no ./control in ${member.name}`)) : resolve(control),
    );
    parser.on('error', reject);
    tarStream.on('error', (error: Error) =>
      reject(new DebianPackageError('not-a-deb', `${debPath}: ${member.name} could not be decompressed (${error.message})`)),
    );
    tarStream.pipe(parser);
  });
}
