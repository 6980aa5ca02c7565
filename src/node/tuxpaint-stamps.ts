import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { itemAt } from '../shared/item-at.ts';

/** One Tux Paint stamp as found on disk (GPL-2 assets; see README "Data and licences"). */
export interface TuxPaintStamp {
  /** Path below the stamps root without extension, e.g. `animals/mammals/badger`. */
  id: string;
  /** Folder below the stamps root, e.g. `animals/mammals`. */
  category: string;
  /** First folder, e.g. `animals`. */
  topCategory: string;
  name: string;
  /** PNG if there is one (photo cut-outs), else SVG. */
  imagePath?: string;
  /** First line of NAME.txt: the English one-line description. */
  description?: string;
  /** Other languages of the description, from the `lang.utf8=` lines. */
  translations: Record<string, string>;
  /** NAME.ogg: the stamp's sound effect. */
  soundPath?: string;
  /** NAME_desc.ogg (English) or NAME_desc_LANG.ogg spoken descriptions, English first. */
  spokenPaths: string[];
}

/** Every stamp under `stampsDir` (a stamp is a NAME.png or NAME.svg), sorted by id. */
export function listTuxPaintStamps(stampsDir: string): TuxPaintStamp[] {
  const stamps: TuxPaintStamp[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir).sort();
    const names = new Set(entries.filter((f) => /\.(png|svg)$/i.test(f)).map((f) => f.replace(/\.(png|svg)$/i, '')));
    for (const name of [...names].sort()) {
      const base = join(dir, name);
      const category = relative(stampsDir, dir);
      const imagePath = existsSync(`${base}.png`) ? `${base}.png` : `${base}.svg`;
      const { description, translations } = readDescription(`${base}.txt`);
      const spoken = entries.filter((f) => f.startsWith(`${name}_desc`) && f.endsWith('.ogg'));
      spoken.sort((a, b) => Number(b === `${name}_desc.ogg`) - Number(a === `${name}_desc.ogg`) || a.localeCompare(b));
      stamps.push({
        id: relative(stampsDir, base),
        category,
        topCategory: itemAt(category.split('/'), 0),
        name,
        imagePath,
        description,
        translations,
        soundPath: existsSync(`${base}.ogg`) ? `${base}.ogg` : undefined,
        spokenPaths: spoken.map((f) => join(dir, f)),
      });
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(stampsDir);
  return stamps.sort((a, b) => a.id.localeCompare(b.id));
}

function readDescription(txtPath: string): { description?: string; translations: Record<string, string> } {
  if (!existsSync(txtPath)) return { translations: {} };
  const lines = readFileSync(txtPath, 'utf8').split(/\r?\n/);
  const translations: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const match = /^([A-Za-z_@]+)\.utf8=(.*)$/.exec(line.trim());
    if (match && itemAt(match, 2).trim()) translations[itemAt(match, 1)] = itemAt(match, 2).trim();
  }
  const description = lines[0]?.trim();
  return { description: description || undefined, translations };
}
