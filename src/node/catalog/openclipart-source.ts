/**
 * Openclipart clip art (Debian packages openclipart-svg / openclipart-png, public domain)
 * → catalog source items. Image + text, no audio.
 *
 * `dir` is the openclipart root (`/usr/share/openclipart`, or the unpacked .deb under
 * .cache/openclipart/ that scripts/fetch-openclipart.mjs makes): it holds svg/ (required, the
 * metadata lives only in the SVGs) and maybe png/ (renders with the same relative paths).
 * A folder of .svg files without an svg/ subfolder works too.
 *
 * - id = the SVG's path below svg/ without `.svg` (`animals/bugs/ragnetto_incazzato_archi_01`),
 *   category = its folder (`animals/bugs`; files directly under svg/ → `unsorted`).
 * - title = the work's <dc:title> (else the SVG's <title>, else the file name, tidied); a
 *   dc:title shared by ≥ 5 SVGs is a collection name: metadata.collection, title from the file name.
 * - description = <dc:description> if not empty, else the keywords joined with ", ".
 * - metadata: keywords (<dc:subject>, the creator's own name left out), creator, file, and
 *   alsoIn (the other categories where the package puts a symlink to the same file).
 * - imagePath = png/<id>.png if that render exists, else the SVG (rasterised by resvg).
 *
 * Skipped, with a counted reason (see `scanOpenclipart`): SVGs whose root is not in the SVG
 * namespace (resvg refuses them) when there is no PNG render to use instead, symlinks (the package links 663
 * SVGs into a second category; the target is kept once, the link's category goes into
 * alsoIn), broken symlinks, and files that are not SVG (no <svg> root element, unreadable).
 *
 * The metadata is read with a few regular expressions over the <cc:Work> block of the
 * RDF metadata, not an XML parser (no new packages): nested <cc:Agent> blocks (creator,
 * publisher, rights) are cut out before the work's own dc:title is taken.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { CatalogLicense } from '../../engine/catalog/catalog-manifest.ts';
import type { SourceItem } from './build-catalog.ts';
import { titleFromName } from './tuxpaint-source.ts';
import { debianPackageVersion } from '../debian/debian-package-version.ts';
import { itemAt } from '../../shared/item-at.ts';

export const OPENCLIPART_SVG_PACKAGE = 'openclipart-svg';
export const OPENCLIPART_PNG_PACKAGE = 'openclipart-png';

export interface OpenclipartSourceOptions {
  /**
   * At most this many items, spread over the top-level categories (as evenly as their sizes
   * allow), and within each category evenly over its id-sorted files.
   */
  limit?: number;
}

export interface SvgMetadata {
  title?: string;
  description?: string;
  keywords: string[];
  creator?: string;
  language?: string;
}

export interface OpenclipartScan {
  items: SourceItem[];
  /** SVG files found (symlinks included). */
  files: number;
  /** Reason → how many files were skipped for it. */
  skipped: Record<string, number>;
  /** Per reason, the first few paths (relative to svg/). */
  skippedExamples: Record<string, string[]>;
}

// ---------------------------------------------------------------------------------------
// the SVG metadata reader

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Text content of an XML fragment: CDATA kept, tags and comments dropped, entities decoded, whitespace collapsed. */
export function xmlText(fragment: string): string {
  const parts: string[] = [];
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<[^>]*>|([^<]+)/g;
  for (let m = re.exec(fragment); m; m = re.exec(fragment)) {
    if (m[1] !== undefined) parts.push(m[1]);
    else if (m[2] !== undefined) parts.push(decodeEntities(m[2]));
    else if (m[0].startsWith('<') && !m[0].startsWith('<!--')) parts.push(' ');
  }
  return parts.join('').replace(/\s+/g, ' ').trim();
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Inner XML of the first `<tag …>…</tag>` (namespace prefix as written), or undefined; `<tag/>` → ''. */
function element(xml: string, tag: string): string | undefined {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`<${escaped}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${escaped}\\s*>)`, 'i').exec(xml);
  return m ? (m[1] ?? '') : undefined;
}

/** Removes every `<tag …>…</tag>` (non-nested) from `xml`. */
function without(xml: string, tag: string): string {
  const escaped = tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return xml.replace(new RegExp(`<${escaped}(?:\\s[^>]*)?(?:/>|>[\\s\\S]*?</${escaped}\\s*>)`, 'gi'), ' ');
}

/** Why `text` is not an SVG document, or undefined if it looks like one. */
export function svgProblem(text: string): string | undefined {
  if (text.trim() === '') return 'empty file';
  if (text.includes('\u0000')) return 'not text (binary file)';
  // Prolog: BOM, XML declaration, comments, processing instructions, DOCTYPE (maybe with an internal subset).
  const prolog = /^\ufeff?\s*(?:(?:<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>)\s*)*/i.exec(text);
  const rest = text.slice(prolog ? prolog[0].length : 0);
  if (!/^<(?:[\w.-]+:)?svg[\s>/]/i.test(rest)) return 'no <svg> root element';
  if (!/<\/(?:[\w.-]+:)?svg\s*>\s*(?:<!--[\s\S]*?-->\s*)*$/i.test(rest) && !/^<(?:[\w.-]+:)?svg[^>]*\/>/i.test(rest)) return 'truncated (no closing </svg>)';
  return undefined;
}

/**
 * True if the root <svg> start tag does not put it in the SVG namespace (`xmlns="http://www.w3.org/2000/svg"`,
 * or `xmlns:P=…` for a `<P:svg>` root). resvg refuses such a file ("no root node"); 1,615 of the
 * package's SVGs are like that, all with a PNG render.
 */
export function svgNamespaceMissing(text: string): boolean {
  const m = /<(?:([\w.-]+):)?svg(\s[^>]*)?\/?>/i.exec(text);
  if (!m) return true;
  const attr = m[1] ? `xmlns:${m[1]}` : 'xmlns';
  return !new RegExp(`\\s${attr}\\s*=\\s*["']http://www\\.w3\\.org/2000/svg["']`).test(m[2] ?? '');
}

/** Title, description, keywords, creator from an Openclipart SVG's RDF metadata (fallback title: the SVG's <title>). */
export function parseSvgMetadata(svg: string): SvgMetadata {
  const metadata = element(svg, 'metadata') ?? '';
  const work = element(metadata, 'cc:Work') ?? metadata;
  const creatorXml = element(work, 'dc:creator');
  const creator = creatorXml !== undefined ? xmlText(creatorXml) : '';
  // The work's own fields, with the nested agents (creator, publisher, rights, …) cut out.
  let own = work;
  for (const tag of ['dc:creator', 'dc:publisher', 'dc:rights', 'dc:contributor', 'cc:Agent']) own = without(own, tag);
  const result: SvgMetadata = { keywords: [] };
  let title = xmlText(element(own, 'dc:title') ?? '');
  if (!title) {
    // An SVG <title> outside the metadata (the first one: the document's).
    title = xmlText(element(without(svg, 'metadata'), 'title') ?? '');
  }
  if (title) result.title = title;
  const description = xmlText(element(own, 'dc:description') ?? '');
  if (description) result.description = description;
  const subject = element(own, 'dc:subject');
  if (subject !== undefined) {
    const items = [...subject.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li\s*>/gi)].map((m) => xmlText(itemAt(m, 1)));
    // Older files: a plain comma/space separated list instead of an rdf:Bag.
    const list = items.length > 0 ? items : xmlText(subject).split(/\s*,\s*|\s{2,}/);
    const seen = new Set<string>();
    const creatorKey = creator.toLowerCase();
    for (const k of list) {
      const keyword = k.trim();
      const key = keyword.toLowerCase();
      if (!keyword || seen.has(key) || (creatorKey && key === creatorKey)) continue;
      seen.add(key);
      result.keywords.push(keyword);
    }
  }
  if (creator) result.creator = creator;
  const language = xmlText(element(own, 'dc:language') ?? '');
  if (language) result.language = language;
  return result;
}

// ---------------------------------------------------------------------------------------
// walking the tree

/** `<root>/svg` if it exists, else `<root>` itself. */
export function openclipartSvgDir(dir: string): string {
  return existsSync(join(dir, 'svg')) ? join(dir, 'svg') : dir;
}

interface Candidate {
  id: string;
  category: string;
  path: string;
}

function categoryOf(id: string): string {
  const slash = id.lastIndexOf('/');
  return slash < 0 ? 'unsorted' : id.slice(0, slash);
}

/** All `*.svg` under svgDir (sorted by id), the symlinks split off. */
function listSvgs(svgDir: string): { files: Candidate[]; links: { id: string; path: string }[] } {
  const files: Candidate[] = [];
  const links: { id: string; path: string }[] = [];
  const walk = (folder: string): void => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.svg$/i.test(entry.name)) {
        const id = relative(svgDir, path)
          .split(sep)
          .join('/')
          .replace(/\.svg$/i, '');
        if (entry.isSymbolicLink()) links.push({ id, path });
        else if (entry.isFile()) files.push({ id, category: categoryOf(id), path });
      }
    }
  };
  walk(svgDir);
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { files, links };
}

/** How many of each group to take so the total is `limit`: equal shares, small groups giving their spare to the rest. */
function quotas(sizes: readonly number[], limit: number): number[] {
  const result = sizes.map(() => 0);
  let left = Math.min(
    limit,
    sizes.reduce((a, b) => a + b, 0),
  );
  let open = sizes.map((_, i) => i).filter((i) => itemAt(sizes, i) > 0);
  while (left > 0 && open.length > 0) {
    const share = Math.floor(left / open.length);
    if (share === 0) {
      // Fewer left than open groups: one each to groups spread evenly over the list.
      const n = left;
      for (let k = 0; k < n; k++) result[itemAt(open, Math.floor((k * open.length) / n))] = itemAt(result, itemAt(open, Math.floor((k * open.length) / n))) + 1;
      break;
    }
    for (const i of open) {
      const take = Math.min(share, itemAt(sizes, i) - itemAt(result, i));
      result[i] = itemAt(result, i) + take;
      left -= take;
    }
    open = open.filter((i) => itemAt(result, i) < itemAt(sizes, i));
  }
  return result;
}

/** `want` indices evenly spread over 0…n-1 (the middle of each of `want` equal slices). */
function spread(n: number, want: number): number[] {
  if (want >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: want }, (_, i) => Math.floor(((i + 0.5) * n) / want));
}

/** A dc:title shared by at least this many SVGs names a collection, not the picture: the file name is used instead. */
export const GENERIC_TITLE_MIN_FILES = 5;

/** Reads every chosen SVG; see the module comment. */
export function scanOpenclipart(dir: string, options: OpenclipartSourceOptions = {}): OpenclipartScan {
  const svgDir = openclipartSvgDir(dir);
  if (!existsSync(svgDir) || !statSync(svgDir).isDirectory()) throw new Error(`no Openclipart svg/ folder in ${dir}`);
  const pngDir = existsSync(join(dir, 'png')) ? join(dir, 'png') : undefined;
  const { files, links } = listSvgs(svgDir);
  const skipped: Record<string, number> = {};
  const skippedExamples: Record<string, string[]> = {};
  const skip = (reason: string, id: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
    const list = (skippedExamples[reason] ??= []);
    if (list.length < 5) list.push(id);
  };

  // Symlinks: the category they put the target in goes into the target's alsoIn.
  const byId = new Map<string, Candidate>();
  for (const f of files) byId.set(f.id, f);
  const realSvgDir = realpathSync(svgDir);
  const alsoIn = new Map<string, string[]>();
  for (const link of links) {
    let target: Candidate | undefined;
    try {
      const rel = relative(realSvgDir, realpathSync(link.path)).split(sep).join('/');
      target = byId.get(rel.replace(/\.svg$/i, ''));
    } catch {
      skip('broken symlink', link.id);
      continue;
    }
    if (!target) {
      skip('symlink to a file outside the svg/ folder', link.id);
      continue;
    }
    skip('symlink to another SVG (kept once, category in metadata.alsoIn)', link.id);
    const category = categoryOf(link.id);
    const list = alsoIn.get(target.id) ?? [];
    if (category !== target.category && !list.includes(category)) list.push(category);
    alsoIn.set(target.id, list);
  }

  const toItem = (c: Candidate): SourceItem | undefined => {
    let text: string;
    try {
      text = readFileSync(c.path, 'utf8');
    } catch (error) {
      skip(`unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})`, c.id);
      return undefined;
    }
    const problem = svgProblem(text);
    if (problem) {
      skip(`not a valid SVG: ${problem}`, c.id);
      return undefined;
    }
    const meta = parseSvgMetadata(text);
    const fileName = c.id.slice(c.id.lastIndexOf('/') + 1);
    const metadata: Record<string, unknown> = { file: `${c.id}.svg`, keywords: meta.keywords };
    if (meta.creator) metadata.creator = meta.creator;
    const also = alsoIn.get(c.id);
    if (also && also.length > 0) metadata.alsoIn = also;
    const item: SourceItem = { id: c.id, title: meta.title ?? titleFromName(fileName), category: c.category, metadata, origin: c.path };
    if (!meta.title) metadata.titleFromFileName = true;
    if (meta.description) item.description = meta.description;
    else if (meta.keywords.length > 0) item.description = meta.keywords.join(', ');
    const png = pngDir ? join(pngDir, `${c.id}.png`) : undefined;
    if (png && existsSync(png)) item.imagePath = png;
    else if (svgNamespaceMissing(text)) {
      skip('SVG without the SVG namespace (resvg cannot render it) and no PNG render', c.id);
      return undefined;
    } else item.imagePath = c.path;
    return item;
  };

  // Every file is read (about 1.5 s for the 7,458 SVGs), also with a limit: a title shared
  // by many files (a collection name like "Part of the Flat Icon Collection (…)" or
  // "gramastar" on 1,375 stars) can only be told from a picture's own title that way.
  let items: SourceItem[] = [];
  for (const c of files) {
    const item = toItem(c);
    if (item) items.push(item);
  }
  const titleCount = new Map<string, number>();
  for (const item of items) if (!item.metadata.titleFromFileName) titleCount.set(item.title, (titleCount.get(item.title) ?? 0) + 1);
  for (const item of items) {
    if (item.metadata.titleFromFileName || (titleCount.get(item.title) ?? 0) < GENERIC_TITLE_MIN_FILES) continue;
    item.metadata.collection = item.title;
    item.metadata.titleFromFileName = true;
    item.title = titleFromName(item.id.slice(item.id.lastIndexOf('/') + 1));
  }
  if (options.limit !== undefined && options.limit < items.length) {
    // Group by top-level category, give each a quota, take evenly spread items, keep id order.
    const groups = new Map<string, SourceItem[]>();
    for (const item of items) {
      const top = itemAt(item.category.split('/'), 0);
      const list = groups.get(top) ?? [];
      list.push(item);
      groups.set(top, list);
    }
    const lists = [...groups.values()];
    const want = quotas(
      lists.map((l) => l.length),
      Math.max(0, Math.floor(options.limit)),
    );
    items = lists.flatMap((list, g) => spread(list.length, itemAt(want, g)).map((i) => itemAt(list, i)));
    items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return { items, files: files.length + links.length, skipped, skippedExamples };
}

/** Source items for the Openclipart tree under `dir` (see the module comment). */
export function openclipartSourceItems(dir: string, options: OpenclipartSourceOptions = {}): SourceItem[] {
  return scanOpenclipart(dir, options).items;
}

// ---------------------------------------------------------------------------------------
// licence

export interface OpenclipartLicense {
  notice: string;
  /** Files to copy next to NOTICE: COPYRIGHT → the package's copyright file, if found. */
  noticeFiles: Record<string, string>;
  licenses: CatalogLicense[];
  version?: string;
}

export function openclipartLicense(dir: string): OpenclipartLicense {
  // .cache/openclipart/root/usr/share/openclipart → .cache/openclipart/*.deb
  const version = debianPackageVersion(OPENCLIPART_SVG_PACKAGE, resolve(dir, '..', 'doc', OPENCLIPART_SVG_PACKAGE), resolve(dir, '..', '..', '..', '..'));
  const copyright = resolve(dir, '..', 'doc', OPENCLIPART_SVG_PACKAGE, 'copyright');
  const noticeFiles: Record<string, string> = existsSync(copyright) ? { COPYRIGHT: copyright } : {};
  const usesPng = existsSync(join(dir, 'png'));
  const notice = [
    'This catalog contains clip art from the Open Clip Art Library (https://openclipart.org/):',
    'images and their titles, descriptions and keywords (the media/ folder, the item titles,',
    'descriptions and metadata in manifest.json, and the vectors computed from them).',
    '',
    'The Open Clip Art Library releases its clip art into the PUBLIC DOMAIN (Creative Commons',
    'Public Domain Dedication / Certification, https://creativecommons.org/publicdomain/mark/1.0/):',
    'it may be copied, modified and distributed for any purpose without permission or',
    "attribution. The artists are named, where known, in each item's metadata.creator.",
    '',
    `Source: the Debian package ${OPENCLIPART_SVG_PACKAGE}${version ? ` version ${version}` : ''}` +
      (usesPng ? ` (and its PNG renders, ${OPENCLIPART_PNG_PACKAGE})` : ''),
    `(https://packages.debian.org/source/bookworm/openclipart), from ${dir}.`,
    'Images were re-encoded (WebP, at most 256 px; SVGs rasterised first).',
    noticeFiles.COPYRIGHT ? `The package's copyright file is copied here as COPYRIGHT.` : `The package's copyright file was not found next to the clip art.`,
    '',
  ].join('\n');
  return {
    notice,
    noticeFiles,
    licenses: [
      {
        name: `Open Clip Art Library (images, titles, descriptions, keywords; Debian ${OPENCLIPART_SVG_PACKAGE}${version ? ` ${version}` : ''})`,
        license: 'public-domain',
        url: 'https://creativecommons.org/publicdomain/mark/1.0/',
      },
    ],
    ...(version ? { version } : {}),
  };
}
