/**
 * Tux Paint stamps (Debian package tuxpaint-stamps-default, GPL-2) → catalog source items.
 *
 * - id = stamp id (`animals/mammals/badger`), category = its folder, title from the file name
 *   (underscores and dashes → spaces, first letter capitalised), description = the English
 *   first line of NAME.txt, metadata.translations = the other languages.
 * - image = NAME.png, else NAME.svg.
 * - audio = the sound effect NAME.ogg if there is one (metadata.audioKind 'effect'), else the
 *   English spoken description NAME_desc.ogg, else the first spoken description in another
 *   language (audioKind 'spoken', metadata.audioLanguage 'en' / 'fr' / …).
 *
 * The assets stay GPL-2 wherever they go: `tuxPaintLicense()` gives the NOTICE text, the
 * package's copyright file (copied as COPYRIGHT) and manifest.licenses.
 */
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CatalogLicense } from '../../engine/catalog/catalog-manifest.ts';
import { listTuxPaintStamps, type TuxPaintStamp } from '../tuxpaint-stamps.ts';
import { CatalogInputError, type SourceItem } from './build-catalog.ts';
import { debianPackageVersion } from '../debian/debian-package-version.ts';
import { itemAt } from '../../shared/item-at.ts';

export const TUXPAINT_PACKAGE = 'tuxpaint-stamps-default';

export interface TuxPaintSourceOptions {
  /** Keep only these stamp ids (exact), in the stamps' order. */
  ids?: readonly string[];
  /** At most this many stamps, spread evenly over the id-sorted list (so every category shows up). */
  limit?: number;
}

/** `red_apple` → `Red apple`. */
export function titleFromName(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `NAME_desc.ogg` → 'en', `NAME_desc_fr.ogg` → 'fr'. */
function spokenLanguage(stamp: TuxPaintStamp, path: string): string {
  const file = basename(path);
  const prefix = `${stamp.name}_desc`;
  const rest = file.slice(prefix.length).replace(/\.ogg$/i, '');
  return rest === '' ? 'en' : rest.replace(/^_/, '');
}

export function stampToSourceItem(stamp: TuxPaintStamp): SourceItem {
  const metadata: Record<string, unknown> = { stamp: stamp.name, topCategory: stamp.topCategory };
  if (Object.keys(stamp.translations).length > 0) metadata.translations = stamp.translations;
  const item: SourceItem = { id: stamp.id, title: titleFromName(stamp.name), category: stamp.category, metadata, origin: stamp.imagePath };
  if (stamp.description) item.description = stamp.description;
  if (stamp.imagePath) item.imagePath = stamp.imagePath;
  if (stamp.soundPath) {
    item.audioPath = stamp.soundPath;
    metadata.audioKind = 'effect';
  } else if (stamp.spokenPaths.length > 0) {
    // listTuxPaintStamps puts NAME_desc.ogg (English) first, then the others by name.
    item.audioPath = stamp.spokenPaths[0];
    metadata.audioKind = 'spoken';
    metadata.audioLanguage = spokenLanguage(stamp, itemAt(stamp.spokenPaths, 0));
  }
  return item;
}

/** Source items for the stamps under `stampsDir`. */
export function tuxPaintSourceItems(stampsDir: string, options: TuxPaintSourceOptions = {}): SourceItem[] {
  let stamps = listTuxPaintStamps(stampsDir);
  if (options.ids) {
    const wanted = new Set(options.ids);
    const found = new Set(stamps.map((s) => s.id));
    const missing = options.ids.filter((id) => !found.has(id));
    if (missing.length > 0) throw new CatalogInputError(`no Tux Paint stamp with id ${missing.map((id) => JSON.stringify(id)).join(', ')} in ${stampsDir}`);
    stamps = stamps.filter((s) => wanted.has(s.id));
  }
  if (options.limit !== undefined && options.limit < stamps.length) {
    const n = Math.max(0, Math.floor(options.limit));
    const all = stamps;
    stamps = Array.from({ length: n }, (_, i) => itemAt(all, Math.floor((i * all.length) / n)));
  }
  return stamps.map(stampToSourceItem);
}

export interface TuxPaintLicense {
  notice: string;
  /** Files to copy next to NOTICE: COPYRIGHT → the package's copyright file, if found. */
  noticeFiles: Record<string, string>;
  licenses: CatalogLicense[];
  /** Debian package version, if found. */
  version?: string;
}

/** `…/usr/share/tuxpaint/stamps` → `…/usr/share/doc/tuxpaint-stamps-default`, in an unpacked .deb or an installed system. */
function docDir(stampsDir: string): string {
  return resolve(stampsDir, '..', '..', 'doc', TUXPAINT_PACKAGE);
}

export function tuxPaintLicense(stampsDir: string): TuxPaintLicense {
  // .cache/tuxpaint/root/usr/share/tuxpaint/stamps → .cache/tuxpaint/*.deb
  const version = debianPackageVersion(TUXPAINT_PACKAGE, docDir(stampsDir), resolve(stampsDir, '..', '..', '..', '..', '..'));
  const copyright = join(docDir(stampsDir), 'copyright');
  const noticeFiles: Record<string, string> = existsSync(copyright) ? { COPYRIGHT: copyright } : {};
  const notice = [
    'This catalog contains the Tux Paint stamps: images, sounds and descriptions (the media/',
    'folder, the item titles, descriptions and translations in manifest.json, and the vectors',
    'computed from them).',
    '',
    'Tux Paint stamps, Copyright 2002-2022 Bill Kendrick and the Tux Paint project',
    '(https://tuxpaint.org/, http://sourceforge.net/projects/tuxpaint).',
    '',
    'They are free software, licensed under the GNU General Public License, version 2 or',
    '(at your option) any later version (GPL-2). They stay under that licence wherever',
    'they go. The full text: https://www.gnu.org/licenses/old-licenses/gpl-2.0.html',
    '(on Debian systems: /usr/share/common-licenses/GPL-2).',
    '',
    `Source: the Debian package ${TUXPAINT_PACKAGE}${version ? ` version ${version}` : ''}`,
    `(https://packages.debian.org/source/sid/tuxpaint-stamps), from ${stampsDir}.`,
    'Images were re-encoded (WebP, at most 256 px); sounds are copied unchanged.',
    noticeFiles.COPYRIGHT ? `The package's copyright file is copied here as COPYRIGHT.` : `The package's copyright file was not found next to the stamps.`,
    '',
  ].join('\n');
  return {
    notice,
    noticeFiles,
    licenses: [
      {
        name: `Tux Paint stamps (images, sounds, descriptions; Debian ${TUXPAINT_PACKAGE}${version ? ` ${version}` : ''})`,
        license: 'GPL-2.0-or-later',
        url: 'https://www.gnu.org/licenses/old-licenses/gpl-2.0.html',
      },
    ],
    ...(version ? { version } : {}),
  };
}
