/**
 * `--source debian-videos`: a small catalog of real video clips with sound from Debian packages
 * (../shared/DATA.md §4; fetched, pinned, by scripts/fetch-debian-videos.mjs): the 14
 * cinematics of planetblupi-common and one clip each from six other packages. Each item's text
 * is its package's own description (the control record's short and long description); its
 * picture vector comes from the clip's key frames and its sound vector from the clip's
 * soundtrack (see video-items.ts). Every package's licence goes into the catalog's NOTICE and
 * manifest, and its debian/copyright is copied next to the NOTICE as COPYRIGHT-<package>.
 */
import { basename, extname } from 'node:path';
import type { CatalogLicense } from '../../engine/catalog/catalog-manifest.ts';
import type { SourceItem } from './build-catalog.ts';

interface DebianVideoPackage {
  name: string;
  version: string;
  license: string;
}

export interface DebianVideosFetcher {
  DEBIAN_VIDEO_PACKAGES: DebianVideoPackage[];
  debianPackageClips(name: string): string[];
  debianPackageRecord(name: string): string;
  debianPackageCopyright(name: string): string;
}

/** Fields of a Debian control record (continuation lines joined; the long description kept with its paragraphs). */
export function parseControlRecord(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  let key: string | undefined;
  for (const line of text.split('\n')) {
    if (line === '') {
      if (Object.keys(fields).length > 0) break; // one record
      continue;
    }
    if (/^\s/.test(line) && key) fields[key] += `\n${line.trim() === '.' ? '' : line.trim()}`;
    else {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      key = line.slice(0, colon);
      fields[key] = line.slice(colon + 1).trim();
    }
  }
  return fields;
}

/** The description as prose: the short line, then the long one's paragraphs joined by spaces. */
export function descriptionText(record: Record<string, string>): { short: string; long: string } {
  const [short = '', ...rest] = (record['Description'] ?? record['Description-en'] ?? '').split('\n');
  const paragraphs = rest
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  return { short: short.trim(), long: paragraphs.join('\n\n') };
}

/** A readable title per clip: Planet Blupi's file names say when they play. */
export function clipTitle(packageName: string, clip: string): string {
  const stem = basename(clip, extname(clip));
  if (packageName === 'planetblupi-common') {
    const play = /^play(\d+)$/.exec(stem);
    if (play) return `Planet Blupi: before level ${Number(play[1])}`;
    const win = /^win(\d+)$/.exec(stem);
    if (win) return `Planet Blupi: level ${Number(win[1])} won`;
    const history = /^history(\d+)$/.exec(stem);
    if (history) return `Planet Blupi: story scene ${history[1]}`;
  }
  const titles: Record<string, string> = {
    freecol: 'FreeCol: opening film',
    'fillets-ng-data': 'Fish Fillets NG: intro',
    'boswars-data': 'Bos Wars: intro',
    'renpy-demo': "Ren'Py demo: launch animation",
    'openboard-common': 'OpenBoard: “Wanna work together?”',
    'python3-imageio': 'imageio sample: cockatoo',
  };
  return titles[packageName] ?? `${packageName}: ${stem}`;
}

export interface DebianVideosOptions {
  /** Only these packages (default all). */
  packages?: string[];
  /** At most this many clips (in package order). */
  limit?: number;
  ids?: string[];
}

export function debianVideoSourceItems(fetcher: DebianVideosFetcher, options: DebianVideosOptions = {}): SourceItem[] {
  const wanted = options.packages ? new Set(options.packages) : undefined;
  const items: SourceItem[] = [];
  for (const pkg of fetcher.DEBIAN_VIDEO_PACKAGES) {
    if (wanted && !wanted.has(pkg.name)) continue;
    const record = parseControlRecord(fetcher.debianPackageRecord(pkg.name));
    const { short, long } = descriptionText(record);
    const section = (record['Section'] ?? 'misc').split('/').pop()!;
    for (const clip of fetcher.debianPackageClips(pkg.name)) {
      const title = clipTitle(pkg.name, clip);
      const inPackage = clip.slice(clip.indexOf('/root/') + '/root'.length);
      items.push({
        id: `${pkg.name}/${basename(clip, extname(clip))}`,
        title,
        description: long ? `${short}. ${long}` : short,
        category: `${section}/${pkg.name}`,
        videoPath: clip,
        metadata: {
          package: pkg.name,
          version: pkg.version,
          license: pkg.license,
          file: inPackage,
          ...(record['Homepage'] ? { homepage: record['Homepage'] } : {}),
        },
        text: `${title}. ${short}. ${long}`.replace(/\s+/g, ' ').trim(),
        origin: `${pkg.name} ${pkg.version} ${inPackage}`,
      });
    }
  }
  let out = items;
  if (options.ids) {
    const missing = options.ids.filter((id) => !items.some((item) => item.id === id));
    if (missing.length > 0) throw new Error(`no Debian video clip with id ${missing.join(', ')}`);
    out = items.filter((item) => options.ids!.includes(item.id));
  }
  return options.limit !== undefined ? out.slice(0, options.limit) : out;
}

/** NOTICE, copyright files and manifest licences for the packages whose clips are in `items`. */
export function debianVideosLicense(
  fetcher: DebianVideosFetcher,
  items: readonly SourceItem[],
): { notice: string; noticeFiles: Record<string, string>; licenses: CatalogLicense[] } {
  const used = fetcher.DEBIAN_VIDEO_PACKAGES.filter((pkg) => items.some((item) => item.metadata.package === pkg.name));
  const lines = [
    'This catalog contains video clips from Debian packages: the clips (re-encoded to WebM, VP9',
    "video and Opus sound, by ffmpeg), a poster frame taken from each, the packages' descriptions",
    '(item titles and descriptions in manifest.json) and the vectors computed from them. Each',
    "clip stays under its package's licence wherever it goes:",
    '',
  ];
  const noticeFiles: Record<string, string> = {};
  const licenses: CatalogLicense[] = [];
  for (const pkg of used) {
    const clips = items.filter((item) => item.metadata.package === pkg.name).map((item) => String(item.metadata.file));
    lines.push(`- ${pkg.name} ${pkg.version} (https://packages.debian.org/source/bookworm/${pkg.name}): ${pkg.license}.`);
    lines.push(`  Clips: ${clips.join(', ')}.`);
    lines.push(`  Its copyright file (debian/copyright, naming the authors) is copied here as COPYRIGHT-${pkg.name}.`);
    noticeFiles[`COPYRIGHT-${pkg.name}`] = fetcher.debianPackageCopyright(pkg.name);
    licenses.push({ name: `${pkg.name} ${pkg.version}: ${clips.length} clip${clips.length === 1 ? '' : 's'}, description`, license: pkg.license });
  }
  lines.push(
    '',
    'Licence texts: https://www.gnu.org/licenses/ (GPL), https://opensource.org/license/mit (MIT / Expat),',
    'https://opensource.org/license/bsd-2-clause (BSD-2-Clause); on Debian systems /usr/share/common-licenses/.',
    '',
  );
  return { notice: lines.join('\n'), noticeFiles, licenses };
}
