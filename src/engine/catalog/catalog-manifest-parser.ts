import { itemAt } from '../../shared/item-at.ts';
import { MAX_CATALOG_DIMS, MAX_CATALOG_ITEMS, MAX_ID_LENGTH, MAX_VECTOR_FILE_BYTES } from '../../protocol/limits.ts';
import type { EncoderInfo, Modality } from '../../protocol/embedding.ts';
import { CatalogFormatError, isVectorFormat, vectorFileByteLength, type CatalogVectorFile } from './vector-codec.ts';
import { FEATURES, type FeatureName } from './fusion-features.ts';
import { describe, isObject, type Json } from './json-checks.ts';
import { MODALITIES } from './catalog-modalities.ts';
import { parseCatalogIvf } from '../ivf/ivf-format.ts';
import { CATEGORY_PATTERN } from './catalog-category.ts';
import { parseLearnedModel } from './learned-model-format.ts';
import { parseCatalogGraph } from '../graph/item-graph-format.ts';
import { parseSignalsPrivacy } from './signals-privacy.ts';
import { Fields, objectAt } from './catalog-fields.ts';
import {
  CATALOG_SCHEMA_VERSION,
  isModality,
  type CatalogFusionModel,
  type CatalogItem,
  type CatalogLicense,
  type CatalogManifest,
  type CatalogSharedSpace,
  type CatalogSignals,
  type NextItem,
  type PopularityEntry,
  type RelatedItem,
} from './catalog-manifest.ts';

// The manifest parser: the rules it enforces are listed with the schema in catalog-manifest.ts.

const MODALITY_LIST = 'text, image or audio';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
/** Slack for probabilities that were rounded to 6 decimals. */
const SUM_TOLERANCE = 1e-5;

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
    top.fail(
      `field "schemaVersion" must be ${CATALOG_SCHEMA_VERSION} (got ${schemaVersion}): this app reads catalogs of schema version ${CATALOG_SCHEMA_VERSION}`,
    );
  }
  const name = top.string('name');
  if (name.length > MAX_ID_LENGTH) top.fail(`field "name" has ${name.length} characters; the limit is ${MAX_ID_LENGTH}`);
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
  const learnedJson = top.object('learnedModel', 'optional');
  const graphJson = top.object('graph', 'optional');
  top.noOthers();

  const manifest: CatalogManifest = { schemaVersion: CATALOG_SCHEMA_VERSION, name, createdAt, encoders, vectorFiles, items };
  if (currency !== undefined) manifest.currency = currency;
  if (signals !== undefined) manifest.signals = signals;
  if (sharedSpace !== undefined) manifest.sharedSpace = sharedSpace;
  if (fusion !== undefined) manifest.fusion = fusion;
  if (licenses !== undefined) manifest.licenses = licenses;
  if (notice !== undefined) manifest.notice = notice;
  if (ivfJson !== undefined) manifest.ivf = parseCatalogIvf(source, ivfJson, (m) => vectorFiles[m] !== undefined);
  if (graphJson !== undefined) manifest.graph = parseCatalogGraph(source, graphJson);
  if (learnedJson !== undefined) {
    const otherPaths = [...Object.values(vectorFiles).map((f) => f.path), ...(sharedSpace ? [sharedSpace.path] : [])];
    manifest.learnedModel = parseLearnedModel(source, learnedJson, {
      itemCount: items.length,
      encoderDims: Object.fromEntries(Object.entries(encoders).map(([m, e]) => [m, e.dims])),
      otherPaths,
    });
  }
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

function parseVectorFiles(source: string, json: Json, encoders: Partial<Record<Modality, EncoderInfo>>): Partial<Record<Modality, CatalogVectorFile>> {
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
    // The profile records ids up to this length: a longer one would be refused at every track().
    if (id.length > MAX_ID_LENGTH) f.fail(`field "id" has ${id.length} characters; the limit is ${MAX_ID_LENGTH}`);
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
      const holder = itemAt(owner, row);
      if (holder !== -1) f.fail(`field "${key}" is ${row}, the row of ${itemLabel(holder, (json[holder] as Json).id as string)}`);
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
  // `graph` came last (catalogs built before it have no weight for it: 0, and MLP rows for the others only).
  const weights = Object.fromEntries(
    FEATURES.map((name) => [name, name === 'graph' ? (w.number(name, -1e6, 1e6, 'optional') ?? 0) : (w.number(name, -1e6, 1e6) as number)]),
  ) as Record<FeatureName, number>;
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
    const w1 =
      m.array('w1').length === (FEATURES.length - 1) * hidden
        ? [...numbers('w1', (FEATURES.length - 1) * hidden), ...new Array<number>(hidden).fill(0)]
        : numbers('w1', FEATURES.length * hidden);
    out.mlp = { hidden, w1, b1: numbers('b1', hidden), w2: numbers('w2', hidden), b2: m.number('b2', -1e6, 1e6) as number };
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
