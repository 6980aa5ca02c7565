// The `ar` container of a Debian package (deb(5)): an 8-byte magic, then members, each a
// 60-byte header (name, mtime, uid, gid, mode, size, "`\n") followed by its data, padded to
// an even offset. A .deb holds three: debian-binary, control.tar.*, data.tar.*.
//
// Written here rather than taken from npm: the npm ar readers are unmaintained (ar-async
// 0.1.4 uses the removed-in-spirit `new Buffer()` and prints DEP0005 on every run; `ar`
// 0.0.1 and archive-stream 0.0.4 are single releases), and this subset is a few checks of a
// fixed header. tar and xz, which are real work, come from libraries (unpack-deb.ts).
import { open } from 'node:fs/promises';

const MAGIC = '!<arch>\n';
const HEADER_BYTES = 60;
const HEADER_END = '`\n';

/** One member: its name and where its bytes are in the file. */
export interface ArMember {
  name: string;
  /** Byte offset of the member's data in the archive file. */
  offset: number;
  size: number;
}

/** The file is not an `ar` archive, or one of its headers is damaged or cut short. */
export class ArFormatError extends Error {
  override readonly name = 'ArFormatError';
}

/** Lists the members of the `ar` archive at `path` (reads the headers only). */
export async function readArMembers(path: string): Promise<ArMember[]> {
  const file = await open(path, 'r');
  try {
    const { size: fileSize } = await file.stat();
    const magic = Buffer.alloc(MAGIC.length);
    await file.read(magic, 0, magic.length, 0);
    if (magic.toString('latin1') !== MAGIC) throw new ArFormatError(`${path} is not an ar archive (no "!<arch>" magic)`);
    const members: ArMember[] = [];
    const header = Buffer.alloc(HEADER_BYTES);
    let position = MAGIC.length;
    while (position < fileSize) {
      // Members start at even offsets; a lone padding byte may end the file.
      if (fileSize - position === 1) break;
      const { bytesRead } = await file.read(header, 0, HEADER_BYTES, position);
      if (bytesRead < HEADER_BYTES) throw new ArFormatError(`${path}: member header at byte ${position} is cut short (${bytesRead} of ${HEADER_BYTES} bytes)`);
      const text = header.toString('latin1');
      if (text.slice(58, 60) !== HEADER_END) throw new ArFormatError(`${path}: damaged member header at byte ${position}`);
      const sizeField = text.slice(48, 58).trim();
      if (!/^\d+$/.test(sizeField)) throw new ArFormatError(`${path}: member header at byte ${position} has no valid size ("${sizeField}")`);
      const size = Number(sizeField);
      const offset = position + HEADER_BYTES;
      if (offset + size > fileSize)
        throw new ArFormatError(`${path}: member at byte ${position} claims ${size} bytes but the file ends ${fileSize - offset} bytes later`);
      // GNU ar ends names with "/"; BSD-style names ("#1/N") do not occur in .deb files (deb(5)).
      const name = text.slice(0, 16).trimEnd().replace(/\/$/, '');
      if (name.startsWith('#1/')) throw new ArFormatError(`${path}: BSD long member names are not used in .deb files ("${name}")`);
      members.push({ name, offset, size });
      position = offset + size + (size % 2);
    }
    return members;
  } finally {
    await file.close();
  }
}
