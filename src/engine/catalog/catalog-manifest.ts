/**
 * A catalog is a folder: `manifest.json` (this schema), one vector file per modality (layouts
 * in vector-codec.ts), the media files the items point at and a NOTICE. Shared by the Node
 * builder that writes it and the worker that loads it; no Node APIs here.
 *
 * Rules the parser enforces beyond the field types:
 * - `encoders` and `vectorFiles` are keyed by modality and have the same keys; a vector
 *   file's `dims` equals its encoder's, and its `bytes` equals the exact size of `count`
 *   rows of `dims` values in its `format`.
 * - Every item lists the row of each of its vectors in `vectorRows` (a modality the item has
 *   no vector for is left out). Rows map one-to-one onto items: within a modality every
 *   row 0…count−1 belongs to exactly one item, so a ranking's row indices give item indices
 *   directly (see `rowItems`).
 * - Item ids are unique. `category` is a `/`-separated path without empty segments.
 * - Paths (`vectorFiles.*.path`, `image`, `audio`, `video`, `notice`) are relative to the catalog
 *   folder, `/`-separated, with no empty, `.` or `..` segments, no leading `/`, no `\`;
 *   turn them into URLs with `catalogFileUrl`, which percent-encodes each segment.
 * - `signals` (aggregated interaction data; see src/node/catalog/aggregate-interactions.ts)
 *   name only catalog items.
 * - `sharedSpace` (optional) points at the learned cross-modal projections
 *   (src/engine/catalog/shared-space-format.ts): its `modalities` are at least two distinct
 *   modalities of the catalog, each with a vector file. The weights file itself is checked
 *   when it is loaded (its SHA-256 and size here; encoders and dims inside it).
 * - Unknown fields are errors (a misspelt optional field would otherwise vanish silently);
 *   free-form data goes in an item's `metadata`.
 */
import { MAX_CATALOG_DIMS, MAX_CATALOG_ITEMS, MAX_VECTOR_FILE_BYTES } from '../../protocol/limits.ts';
import type { ItemFields } from '../../protocol/catalog-view.ts';
import type { EncoderInfo, Modality } from '../../protocol/embedding.ts';
import { CatalogFormatError, isVectorFormat, vectorFileByteLength, type CatalogVectorFile } from './vector-codec.ts';
import { FEATURES, type FeatureName } from './fusion-features.ts';
import { describe, isObject, type Json } from './json-checks.ts';
import { MODALITIES } from './catalog-modalities.ts';
import { parseCatalogIvf, type CatalogIvfEntry } from '../ivf/ivf-format.ts';
import { CATEGORY_PATTERN } from './catalog-category.ts';
import { parseSignalsPrivacy, type SignalsPrivacy } from './signals-privacy.ts';

export { CatalogFormatError, type VectorFormat } from './vector-codec.ts';

export const CATALOG_SCHEMA_VERSION = 1;

/** Defined with the codec that reads and writes such files; re-exported as part of the manifest's types. */
export type { CatalogVectorFile } from './vector-codec.ts';
export { describe, isObject, type Json } from './json-checks.ts';
export { MODALITIES } from './catalog-modalities.ts';

export interface CatalogItem extends ItemFields {
  /** Media paths relative to the catalog folder. A video item's `image` is its poster frame. */
  image?: string;
  audio?: string;
  /** A video clip (WebM: VP9 + Opus). Its item's image vector is the clip's key frames pooled, its audio vector its soundtrack's. */
  video?: string;
  /** Row of this item's vector in each modality's vector file; the keys are the modalities it has a vector for. */
  vectorRows: Partial<Record<Modality, number>>;
  metadata?: Record<string, unknown>;
}

/** Items most interacted with. `score` = log(1 + weighted events) / log(1 + the largest), in [0, 1]. */
export interface PopularityEntry {
  item: string;
  /** Events on the item. */
  count: number;
  /** Distinct sessions with an event on the item. */
  sessions: number;
  score: number;
}

/** Another item seen in the same sessions. `score` = cosine: sessions(a and b) / √(sessions(a) · sessions(b)). */
export interface RelatedItem {
  item: string;
  score: number;
  /** Sessions with both items. */
  sessions: number;
}

/** The item looked at next. `p` = share of all counted transitions out of the key item. */
export interface NextItem {
  item: string;
  p: number;
  /** Sessions with this transition (each session counts a transition once). */
  sessions: number;
}

/** Aggregated collaborative data: counts over sessions, never anything about one session or user. */
export interface CatalogSignals {
  /** Sessions and events that went in (after dropping items not in the catalog). */
  sessions: number;
  events: number;
  /** Longest list per item. */
  k: number;
  /** Largest gap between two consecutive events of a session that still counts as a transition. */
  maxGapSeconds: number;
  /** Best first. */
  popularity: PopularityEntry[];
  /** Per item id, best first. */
  coOccurrence: Record<string, RelatedItem[]>;
  /** Per item id, most likely first. */
  transitions: Record<string, NextItem[]>;
  /** The minimum sessions K and the noise (ε, δ) the counts were released with (signals-privacy.ts). */
  privacy?: SignalsPrivacy;
}

/** A trained fusion model (see src/engine/recommend/fusion-model.ts for the features). */
export interface CatalogFusionModel {
  head: 'late' | 'attention' | 'mlp';
  weights: Record<FeatureName, number>;
  temperature: number;
  recentItems: number;
  recentDecay: number;
  halfLife: number;
  mlp?: { hidden: number; w1: number[]; b1: number[]; w2: number[]; b2: number };
  /** How it was trained: held-out sessions, and the share of validation sessions whose next item was in the top 10. */
  training: { cases: number; validationTop10Prior: number; validationTop10Fitted: number; keptFitted: boolean };
}

export interface CatalogLicense {
  /** What it covers, e.g. "Tux Paint stamps (images, sounds, descriptions)". */
  name: string;
  /** SPDX identifier or licence name, e.g. "GPL-2.0-or-later". */
  license: string;
  url?: string;
}

/** Learned projections of every modality into one space (see shared-space-format.ts). */
export interface CatalogSharedSpace {
  /** The spec JSON (tfjs weightsManifest style), relative to the catalog folder, e.g. `shared-space/weights.json`. */
  path: string;
  /** Exact size of the spec JSON. */
  bytes: number;
  /** Lowercase hex SHA-256 of the spec JSON (which holds the SHA-256 of its binary). */
  sha256: string;
  /** Dimensions of the shared space. */
  dims: number;
  /** Modalities with a projection, in MODALITIES order, at least two. */
  modalities: Modality[];
}

export interface CatalogManifest {
  schemaVersion: typeof CATALOG_SCHEMA_VERSION;
  name: string;
  /** ISO 8601 date-time. */
  createdAt: string;
  /** ISO 4217 code of item prices. */
  currency?: string;
  encoders: Partial<Record<Modality, EncoderInfo>>;
  vectorFiles: Partial<Record<Modality, CatalogVectorFile>>;
  items: CatalogItem[];
  signals?: CatalogSignals;
  sharedSpace?: CatalogSharedSpace;
  /** The fusion model trained on the shop's interactions (absent: the engine's documented prior). */
  fusion?: CatalogFusionModel;
  licenses?: CatalogLicense[];
  /** Relative path of the NOTICE file. */
  notice?: string;
  /** IVF partitions of some modalities' vectors, for catalogs too large to load whole (src/engine/ivf/ivf-format.ts). */
  ivf?: Partial<Record<Modality, CatalogIvfEntry>>;
}

export function isModality(value: unknown): value is Modality {
  return value === 'text' || value === 'image' || value === 'audio';
}

/** Modalities with a vector file, in MODALITIES order. */
export function catalogModalities(manifest: CatalogManifest): Modality[] {
  return MODALITIES.filter((m) => manifest.vectorFiles[m] !== undefined);
}

/** For one modality, the index in `manifest.items` of the item each row belongs to. */
export function rowItems(manifest: CatalogManifest, modality: Modality): Int32Array {
  const file = manifest.vectorFiles[modality];
  const out = new Int32Array(file?.count ?? 0).fill(-1);
  manifest.items.forEach((item, index) => {
    const row = item.vectorRows[modality];
    if (row !== undefined) out[row] = index;
  });
  return out;
}

/** URL of a catalog file; each path segment is percent-encoded, so names with `#`, `?` or `%` work. */
export function catalogFileUrl(catalogBaseUrl: string, path: string): string {
  const base = catalogBaseUrl.endsWith('/') ? catalogBaseUrl : `${catalogBaseUrl}/`;
  return new URL(path.split('/').map(encodeURIComponent).join('/'), base).href;
}

// ---------------------------------------------------------------------------------------
// parser

const MODALITY_LIST = 'text, image or audio';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** Slack for probabilities that were rounded to 6 decimals. */
const SUM_TOLERANCE = 1e-5;



function isRelativePath(value: string): boolean {
  if (value === '' || value.startsWith('/') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return false;
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Reads one JSON object's fields; every problem names the source, the object's place and the field. */
class Fields {
  private readonly seen = new Set<string>();

  constructor(
    private readonly source: string,
    /** e.g. `items[12] ("animals/badger")`; '' at the top level. */
    readonly where: string,
    private readonly json: Json,
  ) {}

  error(problem: string): CatalogFormatError {
    return new CatalogFormatError(`${this.source}: ${this.where ? `${this.where}: ` : ''}${problem}`);
  }

  fail(problem: string): never {
    throw this.error(problem);
  }

  private take(key: string, required: boolean): unknown {
    this.seen.add(key);
    const value = Object.prototype.hasOwnProperty.call(this.json, key) ? this.json[key] : undefined;
    if (value === undefined && required) this.fail(`missing field "${key}"`);
    return value;
  }

  private wrong(key: string, expected: string, value: unknown): never {
    this.fail(`field "${key}" must be ${expected} (got ${describe(value)})`);
  }

  string(key: string): string;
  string(key: string, optional: 'optional'): string | undefined;
  string(key: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') this.wrong(key, 'a non-empty string', value);
    return value;
  }

  /** A string that may be empty (descriptions). */
  text(key: string): string | undefined {
    const value = this.take(key, false);
    if (value !== undefined && typeof value !== 'string') this.wrong(key, 'a string', value);
    return value as string | undefined;
  }

  matching(key: string, pattern: RegExp, expected: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) this.wrong(key, expected, value);
    return value;
  }

  path(key: string): string;
  path(key: string, optional: 'optional'): string | undefined;
  path(key: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !isRelativePath(value)) this.wrong(key, 'a relative path inside the catalog folder', value);
    return value;
  }

  integer(key: string, min: number): number;
  integer(key: string, min: number, optional: 'optional'): number | undefined;
  integer(key: string, min: number, optional?: 'optional'): number | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.wrong(key, min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`, value);
    }
    return value;
  }

  number(key: string, min: number, max: number, optional?: 'optional'): number | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.wrong(key, max === Infinity ? `a number ≥ ${min}` : `a number from ${min} to ${max}`, value);
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.take(key, true);
    if (typeof value !== 'boolean') this.wrong(key, 'true or false', value);
    return value as boolean;
  }

  object(key: string): Json;
  object(key: string, optional: 'optional'): Json | undefined;
  object(key: string, optional?: 'optional'): Json | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (!isObject(value)) this.wrong(key, 'an object', value);
    return value;
  }

  array(key: string): unknown[];
  array(key: string, optional: 'optional'): unknown[] | undefined;
  array(key: string, optional?: 'optional'): unknown[] | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.wrong(key, 'an array', value);
    return value;
  }

  /** After reading every known field: any other field is an error. */
  noOthers(): void {
    for (const key of Object.keys(this.json)) if (!this.seen.has(key)) this.fail(`unknown field "${key}"`);
  }
}

function objectAt(source: string, where: string, value: unknown): Fields {
  if (!isObject(value)) throw new CatalogFormatError(`${source}: ${where}: must be an object (got ${describe(value)})`);
  return new Fields(source, where, value);
}

/** `items[12] ("animals/badger")`, or `items[12]` while the id is unknown. */
function itemLabel(index: number, id?: string): string {
  return id === undefined ? `items[${index}]` : `items[${index}] (${JSON.stringify(id)})`;
}

/**
 * Checks `json` (the parsed manifest.json) and returns a typed copy of it. `source` names the
 * file in errors, e.g. `manifest.json` or its URL. Throws CatalogFormatError naming the
 * field, and the item where there is one, e.g.
 * `manifest.json: items[12] ("animals/badger"): missing field "category"`.
 */
export function parseCatalogManifest(json: unknown, source: string): CatalogManifest {
  if (!isObject(json)) throw new CatalogFormatError(`${source}: must be a JSON object (got ${describe(json)})`);
  const top = new Fields(source, '', json);

  const schemaVersion = top.integer('schemaVersion', 0);
  if (schemaVersion !== CATALOG_SCHEMA_VERSION) {
    top.fail(`field "schemaVersion" must be ${CATALOG_SCHEMA_VERSION} (got ${schemaVersion}): this app reads catalogs of schema version ${CATALOG_SCHEMA_VERSION}`);
  }
  const name = top.string('name');
  const createdAt = top.matching('createdAt', ISO_DATE_TIME, 'an ISO 8601 date-time like "2025-01-31T12:00:00Z"') as string;
  if (Number.isNaN(Date.parse(createdAt))) top.fail(`field "createdAt" is not a real date-time (got ${describe(createdAt)})`);
  const currency = top.matching('currency', CURRENCY, 'an ISO 4217 code like "EUR"', 'optional');

  const encoders = parseEncoders(source, top.object('encoders'));
  const vectorFiles = parseVectorFiles(source, top.object('vectorFiles'), encoders);
  const itemsJson = top.array('items');
  if (itemsJson.length > MAX_CATALOG_ITEMS) top.fail(`field "items" has ${itemsJson.length} items; a catalog holds at most ${MAX_CATALOG_ITEMS}`);
  for (const [modality, file] of Object.entries(vectorFiles)) {
    // Every row belongs to an item: more rows than items is wrong, and checked before the row map is allocated.
    if (file.count > itemsJson.length) top.fail(`vectorFiles.${modality}: field "count" is ${file.count}, more than the ${itemsJson.length} items`);
  }
  const items = parseItems(source, itemsJson, vectorFiles);
  const ids = new Set(items.map((item) => item.id));

  const signalsJson = top.object('signals', 'optional');
  const signals = signalsJson === undefined ? undefined : parseSignals(source, signalsJson, ids);
  const fusionJson = top.object('fusion', 'optional');
  const fusion = fusionJson === undefined ? undefined : parseFusion(source, fusionJson);
  const sharedSpaceJson = top.object('sharedSpace', 'optional');
  const sharedSpace = sharedSpaceJson === undefined ? undefined : parseSharedSpace(source, sharedSpaceJson, vectorFiles);
  const licensesJson = top.array('licenses', 'optional');
  const licenses = licensesJson?.map((entry, i) => {
    const f = objectAt(source, `licenses[${i}]`, entry);
    const license: CatalogLicense = { name: f.string('name'), license: f.string('license') };
    const url = f.string('url', 'optional');
    if (url !== undefined) license.url = url;
    f.noOthers();
    return license;
  });
  const notice = top.path('notice', 'optional');
  const ivfJson = top.object('ivf', 'optional');
  top.noOthers();

  const manifest: CatalogManifest = { schemaVersion: CATALOG_SCHEMA_VERSION, name, createdAt, encoders, vectorFiles, items };
  if (currency !== undefined) manifest.currency = currency;
  if (signals !== undefined) manifest.signals = signals;
  if (sharedSpace !== undefined) manifest.sharedSpace = sharedSpace;
  if (fusion !== undefined) manifest.fusion = fusion;
  if (licenses !== undefined) manifest.licenses = licenses;
  if (notice !== undefined) manifest.notice = notice;
  if (ivfJson !== undefined) manifest.ivf = parseCatalogIvf(source, ivfJson, (m) => vectorFiles[m] !== undefined);
  return manifest;
}

function checkModalityKeys(source: string, where: string, object: Json): Modality[] {
  const keys = Object.keys(object);
  const unknown = keys.find((key) => !isModality(key));
  if (unknown !== undefined) {
    throw new CatalogFormatError(`${source}: ${where}: unknown modality ${JSON.stringify(unknown)} (expected ${MODALITY_LIST})`);
  }
  return MODALITIES.filter((m) => keys.includes(m));
}

function parseEncoders(source: string, json: Json): Partial<Record<Modality, EncoderInfo>> {
  const entries = checkModalityKeys(source, 'encoders', json).map((modality): [Modality, EncoderInfo] => {
    const f = objectAt(source, `encoders.${modality}`, json[modality]);
    const declared = f.string('modality');
    if (declared !== modality) f.fail(`field "modality" must be "${modality}" (got ${describe(declared)})`);
    const info: EncoderInfo = { modality, name: f.string('name'), version: f.string('version'), dims: f.integer('dims', 1) };
    f.noOthers();
    return [modality, info];
  });
  return Object.fromEntries(entries);
}

function parseVectorFiles(
  source: string,
  json: Json,
  encoders: Partial<Record<Modality, EncoderInfo>>,
): Partial<Record<Modality, CatalogVectorFile>> {
  const paths = new Map<string, Modality>();
  const entries = checkModalityKeys(source, 'vectorFiles', json).map((modality): [Modality, CatalogVectorFile] => {
    const f = objectAt(source, `vectorFiles.${modality}`, json[modality]);
    const path = f.path('path');
    const format = f.matching('format', /^(int8|float16)$/, '"int8" or "float16"') as string;
    if (!isVectorFormat(format)) throw new Error('unreachable');
    const file: CatalogVectorFile = {
      path,
      format,
      count: f.integer('count', 0),
      dims: f.integer('dims', 1),
      bytes: f.integer('bytes', 0),
      sha256: f.matching('sha256', SHA256_HEX, '64 lowercase hex digits') as string,
    };
    f.noOthers();
    // Caps (protocol/limits.ts) before anything is allocated for the file.
    if (file.count > MAX_CATALOG_ITEMS) f.fail(`field "count" is ${file.count}; a catalog holds at most ${MAX_CATALOG_ITEMS} items`);
    if (file.dims > MAX_CATALOG_DIMS) f.fail(`field "dims" is ${file.dims}; the limit is ${MAX_CATALOG_DIMS}`);
    if (file.bytes > MAX_VECTOR_FILE_BYTES) f.fail(`field "bytes" is ${file.bytes}; a vector file may have at most ${MAX_VECTOR_FILE_BYTES} bytes`);
    const expected = vectorFileByteLength(file.format, file.count, file.dims);
    if (file.bytes !== expected) {
      f.fail(`field "bytes" is ${file.bytes}, but ${file.format} with count ${file.count} and dims ${file.dims} takes ${expected} bytes`);
    }
    const encoder = encoders[modality];
    if (!encoder) throw f.error(`no encoder for ${modality} (add encoders.${modality})`);
    if (encoder.dims !== file.dims) f.fail(`field "dims" is ${file.dims}, but encoders.${modality} has dims ${encoder.dims}`);
    const other = paths.get(path);
    if (other !== undefined) f.fail(`field "path" ${describe(path)} is also the path of vectorFiles.${other}`);
    paths.set(path, modality);
    return [modality, file];
  });
  for (const modality of MODALITIES) {
    if (encoders[modality] && !entries.some(([m]) => m === modality)) {
      throw new CatalogFormatError(`${source}: encoders.${modality}: no vector file for ${modality} (add vectorFiles.${modality})`);
    }
  }
  return Object.fromEntries(entries);
}

function parseItems(source: string, json: unknown[], vectorFiles: Partial<Record<Modality, CatalogVectorFile>>): CatalogItem[] {
  const firstIndex = new Map<string, number>();
  /** Per modality: row → index of the item that has it. */
  const owners = new Map<Modality, Int32Array>(
    MODALITIES.flatMap((m): Array<[Modality, Int32Array]> => {
      const file = vectorFiles[m];
      return file ? [[m, new Int32Array(file.count).fill(-1)]] : [];
    }),
  );

  const items = json.map((entry, index): CatalogItem => {
    let f = objectAt(source, itemLabel(index), entry);
    const id = f.string('id');
    f = new Fields(source, itemLabel(index, id), entry as Json);
    f.string('id');
    const first = firstIndex.get(id);
    if (first !== undefined) f.fail(`duplicate id, first used by ${itemLabel(first)}`);
    firstIndex.set(id, index);

    const item: CatalogItem = { id, title: f.string('title'), category: '', vectorRows: {} };
    const description = f.text('description');
    if (description !== undefined) item.description = description;
    item.category = f.matching('category', CATEGORY_PATTERN, 'a "/"-separated path like "animals/birds"') as string;
    const price = f.number('price', 0, Infinity, 'optional');
    if (price !== undefined) item.price = price;
    const stock = f.integer('stock', 0, 'optional');
    if (stock !== undefined) item.stock = stock;
    const image = f.path('image', 'optional');
    if (image !== undefined) item.image = image;
    const audio = f.path('audio', 'optional');
    if (audio !== undefined) item.audio = audio;
    const video = f.path('video', 'optional');
    if (video !== undefined) item.video = video;

    const rows = f.object('vectorRows');
    const unknown = Object.keys(rows).find((key) => !isModality(key));
    if (unknown !== undefined) f.fail(`unknown modality ${JSON.stringify(unknown)} in field "vectorRows" (expected ${MODALITY_LIST})`);
    const rowEntries = MODALITIES.filter((m) => rows[m] !== undefined).map((modality): [Modality, number] => {
      const key = `vectorRows.${modality}`;
      const row = rows[modality];
      if (typeof row !== 'number' || !Number.isSafeInteger(row) || row < 0) {
        throw f.error(`field "${key}" must be a row index, a non-negative integer (got ${describe(row)})`);
      }
      const owner = owners.get(modality);
      if (!owner) throw f.error(`field "${key}" is set, but the catalog has no ${modality} vectors (no vectorFiles.${modality})`);
      if (row >= owner.length) f.fail(`field "${key}" is ${row}, out of range: vectorFiles.${modality} has ${owner.length} rows`);
      if (owner[row] !== -1) f.fail(`field "${key}" is ${row}, the row of ${itemLabel(owner[row], (json[owner[row]] as Json).id as string)}`);
      owner[row] = index;
      return [modality, row];
    });
    item.vectorRows = Object.fromEntries(rowEntries);

    const metadata = f.object('metadata', 'optional');
    if (metadata !== undefined) item.metadata = metadata;
    f.noOthers();
    return item;
  });

  for (const [modality, owner] of owners) {
    const unused = owner.indexOf(-1);
    if (unused !== -1) {
      const used = owner.reduce((n, o) => n + (o === -1 ? 0 : 1), 0);
      throw new CatalogFormatError(
        `${source}: vectorFiles.${modality}: row ${unused} belongs to no item (count ${owner.length}, but ${used} items have a ${modality} vector)`,
      );
    }
  }
  return items;
}

function parseSharedSpace(source: string, json: Json, vectorFiles: Partial<Record<Modality, CatalogVectorFile>>): CatalogSharedSpace {
  const f = new Fields(source, 'sharedSpace', json);
  const path = f.path('path');
  const bytes = f.integer('bytes', 1);
  const sha256 = f.matching('sha256', SHA256_HEX, '64 lowercase hex digits') as string;
  const dims = f.integer('dims', 1);
  const list = f.array('modalities');
  const seen = new Set<Modality>();
  list.forEach((value, i) => {
    if (!isModality(value)) throw f.error(`field "modalities[${i}]" must be ${MODALITY_LIST} (got ${describe(value)})`);
    if (seen.has(value)) f.fail(`field "modalities" lists ${value} twice`);
    if (!vectorFiles[value]) f.fail(`field "modalities" lists ${value}, but the catalog has no ${value} vectors (no vectorFiles.${value})`);
    seen.add(value);
  });
  if (seen.size < 2) f.fail(`field "modalities" must list at least two modalities (got ${seen.size})`);
  f.noOthers();
  for (const other of Object.values(vectorFiles)) {
    if (other && other.path === path) f.fail(`field "path" ${describe(path)} is also the path of a vector file`);
  }
  return { path, bytes, sha256, dims, modalities: MODALITIES.filter((m) => seen.has(m)) };
}

function parseFusion(source: string, json: Json): CatalogFusionModel {
  const f = new Fields(source, 'fusion', json);
  const head = f.string('head');
  if (head !== 'late' && head !== 'attention' && head !== 'mlp') return f.fail(`field "head" must be late, attention or mlp (got ${describe(head)})`);
  const weightsJson = f.object('weights');
  const w = new Fields(source, 'fusion.weights', weightsJson);
  const weights = Object.fromEntries(FEATURES.map((name) => [name, w.number(name, -1e6, 1e6) as number])) as Record<FeatureName, number>;
  w.noOthers();
  const out: CatalogFusionModel = {
    head,
    weights,
    temperature: f.number('temperature', 1e-6, 1e6) as number,
    recentItems: f.integer('recentItems', 0),
    recentDecay: f.number('recentDecay', 0, 1) as number,
    halfLife: f.number('halfLife', 1e-6, 1e6) as number,
    training: (() => {
      const t = new Fields(source, 'fusion.training', f.object('training'));
      const training = {
        cases: t.integer('cases', 0),
        validationTop10Prior: t.number('validationTop10Prior', 0, 1) as number,
        validationTop10Fitted: t.number('validationTop10Fitted', 0, 1) as number,
        keptFitted: t.boolean('keptFitted'),
      };
      t.noOthers();
      return training;
    })(),
  };
  const mlpJson = f.object('mlp', 'optional');
  if (mlpJson !== undefined) {
    const m = new Fields(source, 'fusion.mlp', mlpJson);
    const hidden = m.integer('hidden', 1);
    const numbers = (name: string, length: number) => {
      const list = m.array(name);
      if (list.length !== length || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) m.fail(`field "${name}" must be ${length} finite numbers`);
      return list as number[];
    };
    out.mlp = { hidden, w1: numbers('w1', FEATURES.length * hidden), b1: numbers('b1', hidden), w2: numbers('w2', hidden), b2: m.number('b2', -1e6, 1e6) as number };
    m.noOthers();
  }
  if (head === 'mlp' && !out.mlp) f.fail('field "head" is mlp but there is no "mlp" field with its weights');
  f.noOthers();
  return out;
}

function parseSignals(source: string, json: Json, ids: Set<string>): CatalogSignals {
  const top = new Fields(source, 'signals', json);
  const sessions = top.integer('sessions', 0);
  const events = top.integer('events', 0);
  const k = top.integer('k', 1);
  const maxGapSeconds = top.number('maxGapSeconds', 0, Infinity) as number;

  const knownItem = (f: Fields, key: string, value: string) => {
    if (!ids.has(value)) f.fail(`field "${key}" names an item not in the catalog (${describe(value)})`);
  };

  const seenPopular = new Set<string>();
  const popularity = top.array('popularity').map((entry, i): PopularityEntry => {
    const f = objectAt(source, `signals.popularity[${i}]`, entry);
    const item = f.string('item');
    knownItem(f, 'item', item);
    if (seenPopular.has(item)) f.fail(`item ${describe(item)} is listed twice`);
    seenPopular.add(item);
    const out: PopularityEntry = { item, count: f.integer('count', 1), sessions: f.integer('sessions', 1), score: f.number('score', 0, 1) as number };
    if (out.sessions > out.count) f.fail(`field "sessions" is ${out.sessions}, more than its count ${out.count}`);
    f.noOthers();
    return out;
  });

  /** A per-item list of other items: keys and entries must be catalog items, entries unique, not the key, at most k. */
  const perItem = <T extends { item: string }>(field: string, read: (f: Fields) => Omit<T, 'item'>, check?: (list: T[], where: string) => void) => {
    const object = top.object(field);
    return Object.fromEntries(
      Object.keys(object).map((key): [string, T[]] => {
        const where = `signals.${field}[${JSON.stringify(key)}]`;
        if (!ids.has(key)) throw new CatalogFormatError(`${source}: ${where}: not an item of the catalog`);
        const listJson = object[key];
        if (!Array.isArray(listJson)) throw new CatalogFormatError(`${source}: ${where}: must be an array (got ${describe(listJson)})`);
        if (listJson.length > k) throw new CatalogFormatError(`${source}: ${where}: ${listJson.length} entries, more than k = ${k}`);
        const seen = new Set<string>();
        const list = listJson.map((entry, i): T => {
          const f = objectAt(source, `${where}[${i}]`, entry);
          const item = f.string('item');
          knownItem(f, 'item', item);
          if (item === key) f.fail('an item cannot be its own neighbour');
          if (seen.has(item)) f.fail(`item ${describe(item)} is listed twice`);
          seen.add(item);
          const out = { item, ...read(f) } as T;
          f.noOthers();
          return out;
        });
        check?.(list, where);
        return [key, list];
      }),
    );
  };

  const coOccurrence = perItem<RelatedItem>('coOccurrence', (f) => ({ score: f.number('score', 0, 1) as number, sessions: f.integer('sessions', 1) }));
  const transitions = perItem<NextItem>(
    'transitions',
    (f) => ({ p: f.number('p', 0, 1) as number, sessions: f.integer('sessions', 1) }),
    (list, where) => {
      const sum = list.reduce((s, n) => s + n.p, 0);
      if (sum > 1 + SUM_TOLERANCE) throw new CatalogFormatError(`${source}: ${where}: probabilities sum to ${sum}, more than 1`);
    },
  );
  const privacyJson = top.object('privacy', 'optional');
  top.noOthers();
  const out: CatalogSignals = { sessions, events, k, maxGapSeconds, popularity, coOccurrence, transitions };
  if (privacyJson !== undefined) out.privacy = parseSignalsPrivacy(source, privacyJson);
  return out;
}
