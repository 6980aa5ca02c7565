import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// Every file of a catalog is written through a temp file + rename, so a killed build never leaves half a file.

/** Write `data` to `path` atomically (creating its folder). */
export function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** Copy `from` to `to` atomically (creating its folder). */
export function copyAtomic(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const temp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}

/** Lowercase hex SHA-256 of `data`. */
export function sha256Of(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
