/**
 * A shop's product list → catalog source items. Two formats, the same fields:
 *
 * JSONL: one JSON object per line (blank lines skipped).
 * CSV:   RFC 4180 with a header line naming the columns (any order; names are
 *        case-insensitive); quoted fields may hold commas, "" and newlines. An empty cell
 *        is an absent field.
 *
 * | field       | required | type                                                        |
 * |-------------|----------|-------------------------------------------------------------|
 * | id          | yes      | string (a JSON number is turned into a string)              |
 * | title       | yes      | non-empty string                                            |
 * | description | no       | string                                                      |
 * | text        | no       | string: the text to embed, when it should not be the        |
 * |             |          | default "title. description" (textToEmbed)                  |
 * | category    | yes      | `/`-separated path, e.g. `clothes/hats`                     |
 * | price       | no       | number ≥ 0, in the catalog's currency (`--currency EUR`)    |
 * | stock       | no       | integer ≥ 0                                                 |
 * | image       | no       | path relative to `--media` (PNG, JPEG, WebP, GIF, SVG)      |
 * | audio       | no       | path relative to `--media` (Ogg, FLAC, WAV, MP3)            |
 * | video       | no       | path relative to `--media` (any clip ffmpeg reads); not     |
 * |             |          | with image/audio: its key frames and soundtrack give those  |
 * | metadata    | no       | JSONL only: an object, merged into the item's metadata      |
 * | (any other) | no       | kept as is in the item's metadata                           |
 *
 * Every error names the file, the line and the field, e.g.
 * `products.jsonl line 3: missing field "title"`. Whether media files exist is checked by
 * the builder before it embeds anything (the error names the item and the path).
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { CatalogInputError, type SourceItem } from './build-catalog.ts';
import { csvRecords } from './csv-records.ts';
import { CATEGORY_PATTERN } from '../../engine/catalog/catalog-category.ts';

const KNOWN = new Set(['id', 'title', 'description', 'text', 'category', 'price', 'stock', 'image', 'audio', 'video', 'metadata']);
type Raw = Record<string, unknown>;

/** One record (a JSONL object, or a CSV row as strings) → a source item; `where` is e.g. `products.csv line 4`. */
function toItem(raw: Raw, where: string, mediaDir: string, fromCsv: boolean): SourceItem {
  const fail = (problem: string): never => {
    throw new CatalogInputError(`${where}: ${problem}`);
  };
  const present = (key: string) => raw[key] !== undefined && raw[key] !== null && raw[key] !== '';
  const requiredString = (key: string): string => {
    if (!present(key)) return fail(`missing field "${key}"`);
    const value = raw[key];
    if (typeof value === 'number' && key === 'id' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string' || value.trim() === '') return fail(`field "${key}" must be a non-empty string (got ${JSON.stringify(value)})`);
    return value.trim();
  };
  const number = (key: string): number | undefined => {
    if (!present(key)) return undefined;
    const value = raw[key];
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isFinite(n)) return fail(`field "${key}" must be a number (got ${JSON.stringify(value)})`);
    return n;
  };
  const mediaPath = (key: string): string | undefined => {
    if (!present(key)) return undefined;
    const value = raw[key];
    if (typeof value !== 'string') return fail(`field "${key}" must be a path relative to the media folder (got ${JSON.stringify(value)})`);
    if (isAbsolute(value)) return fail(`field "${key}" must be a path relative to the media folder, not an absolute path (got ${JSON.stringify(value)})`);
    const full = resolve(mediaDir, value);
    const inside = relative(resolve(mediaDir), full);
    if (inside.startsWith('..') || isAbsolute(inside)) return fail(`field "${key}" points outside the media folder (got ${JSON.stringify(value)})`);
    return full;
  };

  const id = requiredString('id');
  const title = requiredString('title');
  const category = requiredString('category');
  if (!CATEGORY_PATTERN.test(category)) fail(`field "category" must be a "/"-separated path like "clothes/hats" (got ${JSON.stringify(category)})`);
  const item: SourceItem = { id, title, category, metadata: {}, origin: where };
  if (present('description')) {
    if (typeof raw.description !== 'string') fail(`field "description" must be a string (got ${JSON.stringify(raw.description)})`);
    item.description = (raw.description as string).trim();
  }
  if (present('text')) {
    if (typeof raw.text !== 'string' || raw.text.trim() === '') fail(`field "text" must be a non-empty string (got ${JSON.stringify(raw.text)})`);
    item.text = (raw.text as string).trim();
  }
  const price = number('price');
  if (price !== undefined) {
    if (price < 0) fail(`field "price" must be ≥ 0 (got ${price})`);
    item.price = price;
  }
  const stock = number('stock');
  if (stock !== undefined) {
    if (!Number.isSafeInteger(stock) || stock < 0) fail(`field "stock" must be a non-negative integer (got ${stock})`);
    item.stock = stock;
  }
  const image = mediaPath('image');
  if (image !== undefined) item.imagePath = image;
  const audio = mediaPath('audio');
  if (audio !== undefined) item.audioPath = audio;
  const video = mediaPath('video');
  if (video !== undefined) item.videoPath = video;
  if (present('metadata')) {
    if (fromCsv || typeof raw.metadata !== 'object' || Array.isArray(raw.metadata)) {
      if (!fromCsv) fail('field "metadata" must be an object');
      item.metadata.metadata = raw.metadata;
    } else Object.assign(item.metadata, raw.metadata as Raw);
  }
  for (const [key, value] of Object.entries(raw)) if (!KNOWN.has(key) && value !== undefined && !(fromCsv && value === '')) item.metadata[key] = value;
  return item;
}

/** Products from JSON Lines; `mediaDir` is where the `image` / `audio` paths start. */
export function parseShopJsonl(text: string, mediaDir: string, source = 'products.jsonl'): SourceItem[] {
  const items: SourceItem[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((line, index) => {
      const where = `${source} line ${index + 1}`;
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        throw new CatalogInputError(`${where}: not valid JSON (${(error as Error).message})`);
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CatalogInputError(`${where}: expected a JSON object`);
      items.push(toItem(json as Raw, where, mediaDir, false));
    });
  return items;
}

/** Products from CSV with a header line; `mediaDir` is where the `image` / `audio` paths start. */
export function parseShopCsv(text: string, mediaDir: string, source = 'products.csv'): SourceItem[] {
  const records = csvRecords(text, source, (message) => new CatalogInputError(message));
  const [header, ...body] = records;
  if (header === undefined) throw new CatalogInputError(`${source}: empty: expected a header line naming the columns (id, title, category, …)`);
  const names = header.fields.map((n) => (KNOWN.has(n.trim().toLowerCase()) ? n.trim().toLowerCase() : n.trim()));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new CatalogInputError(`${source} line ${header.line}: the header has two "${dup}" columns`);
  for (const required of ['id', 'title', 'category']) {
    if (!names.includes(required)) throw new CatalogInputError(`${source} line ${header.line}: the header has no "${required}" column`);
  }
  return body.map(({ line, fields }) => {
    const where = `${source} line ${line}`;
    if (fields.length > names.length) throw new CatalogInputError(`${where}: ${fields.length} fields, but the header has ${names.length} columns`);
    const raw: Raw = {};
    names.forEach((name, i) => {
      const value = fields[i];
      if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
    });
    return toItem(raw, where, mediaDir, true);
  });
}
