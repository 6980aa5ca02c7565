/**
 * IVF partitions of a catalog's item vectors, as static files a CDN serves (docs/catalog-format.md,
 * "IVF partitions"). Shared by the Node builder (build-ivf.ts) and the worker (ivf-index.ts); no
 * Node APIs here.
 *
 *   ivf/<modality>/index.json     this schema: the centroids file and one entry per partition
 *   ivf/<modality>/centroids.int8 P centroids in the int8 vector layout (vector-codec.ts)
 *   ivf/<modality>/p<k>.bin       partition k: [n × u32 row][n × f32 scale][n × dims × int8]
 *                                 (little-endian; rows ascending; values = code × scale, the
 *                                 catalog's own int8 rows, so scores equal a brute-force scan)
 *
 * Every file is pinned by its SHA-256 (the centroids and partitions in index.json, index.json in
 * the manifest's optional `ivf` section), so the worker caches and checks them like vector files.
 */
import { CatalogFormatError, vectorFileByteLength } from '../catalog/vector-codec.ts';
import { MODALITIES } from '../catalog/catalog-modalities.ts';
import { describe, isObject, type Json } from '../catalog/json-checks.ts';
import type { Modality } from '../../protocol/embedding.ts';

export const IVF_FORMAT = 'ivf-int8';
export const IVF_FORMAT_VERSION = 1;

export interface IvfFileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface IvfPartitionEntry extends IvfFileEntry {
  /** Rows in the partition. */
  count: number;
  /** Indices into `IvfIndexFile.categories` of the categories its rows have (when the index knows them). */
  categories?: number[];
}

export interface IvfIndexFile {
  format: typeof IVF_FORMAT;
  formatVersion: typeof IVF_FORMAT_VERSION;
  dims: number;
  /** Rows over all partitions (= rows of the vector file it partitions). */
  count: number;
  centroids: IvfFileEntry & { count: number };
  partitions: IvfPartitionEntry[];
  /** Category paths the partitions' `categories` refer to. */
  categories?: string[];
  /** How it was built (k-means iterations, sample size, seconds): free-form. */
  training?: Record<string, unknown>;
}

/** manifest.ivf[modality]: where a modality's IVF index is. */
export interface CatalogIvfEntry extends IvfFileEntry {
  partitions: number;
}

export function ivfPartitionByteLength(count: number, dims: number): number {
  return count * (8 + dims);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\\u0000-\u001f]+$/;

function fileEntry(source: string, where: string, json: unknown): IvfFileEntry {
  if (!isObject(json)) throw new CatalogFormatError(`${source}: ${where}: must be an object (got ${describe(json)})`);
  const { path, bytes, sha256 } = json;
  if (typeof path !== 'string' || !PATH.test(path))
    throw new CatalogFormatError(`${source}: ${where}: field "path" must be a relative path (got ${describe(path)})`);
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0)
    throw new CatalogFormatError(`${source}: ${where}: field "bytes" must be a non-negative integer (got ${describe(bytes)})`);
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))
    throw new CatalogFormatError(`${source}: ${where}: field "sha256" must be 64 lowercase hex digits (got ${describe(sha256)})`);
  return { path, bytes, sha256 };
}

function count(source: string, where: string, value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new CatalogFormatError(`${source}: ${where}: field "${field}" must be a non-negative integer (got ${describe(value)})`);
  return value;
}

/** Checks an index.json (parsed) and returns it typed; errors name the field. */
export function parseIvfIndex(json: unknown, source: string): IvfIndexFile {
  if (!isObject(json)) throw new CatalogFormatError(`${source}: must be a JSON object (got ${describe(json)})`);
  if (json.format !== IVF_FORMAT || json.formatVersion !== IVF_FORMAT_VERSION) {
    throw new CatalogFormatError(
      `${source}: expected format "${IVF_FORMAT}" version ${IVF_FORMAT_VERSION} (got ${describe(json.format)} version ${describe(json.formatVersion)})`,
    );
  }
  const dims = count(source, 'index', json.dims, 'dims');
  if (dims < 1) throw new CatalogFormatError(`${source}: field "dims" must be at least 1`);
  const total = count(source, 'index', json.count, 'count');
  const centroidsJson = json.centroids as Json;
  const centroids = { ...fileEntry(source, 'centroids', centroidsJson), count: count(source, 'centroids', centroidsJson?.count, 'count') };
  if (centroids.bytes !== vectorFileByteLength('int8', centroids.count, dims))
    throw new CatalogFormatError(`${source}: centroids: ${centroids.bytes} bytes is not ${centroids.count} int8 rows of ${dims}`);
  if (!Array.isArray(json.partitions)) throw new CatalogFormatError(`${source}: field "partitions" must be an array`);
  if (json.partitions.length !== centroids.count)
    throw new CatalogFormatError(`${source}: ${json.partitions.length} partitions but ${centroids.count} centroids`);
  const categories = json.categories === undefined ? undefined : json.categories;
  if (categories !== undefined && (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string')))
    throw new CatalogFormatError(`${source}: field "categories" must be an array of strings`);
  let rows = 0;
  const partitions = json.partitions.map((entry: unknown, i: number): IvfPartitionEntry => {
    const where = `partitions[${i}]`;
    const file = fileEntry(source, where, entry);
    const n = count(source, where, (entry as Json).count, 'count');
    if (file.bytes !== ivfPartitionByteLength(n, dims))
      throw new CatalogFormatError(`${source}: ${where}: ${file.bytes} bytes is not ${n} rows of ${dims} (${ivfPartitionByteLength(n, dims)})`);
    rows += n;
    const out: IvfPartitionEntry = { ...file, count: n };
    const cats = (entry as Json).categories;
    if (cats !== undefined) {
      if (!Array.isArray(cats) || !cats.every((c) => Number.isSafeInteger(c) && (c as number) >= 0 && (c as number) < (categories?.length ?? 0))) {
        throw new CatalogFormatError(`${source}: ${where}: field "categories" must list indices into "categories"`);
      }
      out.categories = cats as number[];
    }
    return out;
  });
  if (rows !== total) throw new CatalogFormatError(`${source}: partitions hold ${rows} rows, field "count" says ${total}`);
  const index: IvfIndexFile = { format: IVF_FORMAT, formatVersion: IVF_FORMAT_VERSION, dims, count: total, centroids, partitions };
  if (categories) index.categories = categories as string[];
  if (isObject(json.training)) index.training = json.training;
  return index;
}

/** manifest.ivf: modality → index entry (optional section; see catalog-manifest.ts). */
export function parseCatalogIvf(source: string, json: Json, hasVectors: (m: Modality) => boolean): Partial<Record<Modality, CatalogIvfEntry>> {
  const out: Partial<Record<Modality, CatalogIvfEntry>> = {};
  for (const key of Object.keys(json)) {
    const modality = MODALITIES.find((m) => m === key);
    if (!modality) throw new CatalogFormatError(`${source}: ivf: unknown modality ${JSON.stringify(key)} (expected text, image or audio)`);
    if (!hasVectors(modality)) throw new CatalogFormatError(`${source}: ivf.${modality}: the catalog has no ${modality} vectors`);
    const entry = json[key];
    const file = fileEntry(source, `ivf.${modality}`, entry);
    out[modality] = { ...file, partitions: count(source, `ivf.${modality}`, (entry as Json).partitions, 'partitions') };
  }
  return out;
}

/** Rows, scales and codes of a partition file body (views, no copy; the caller checked the length). */
export function partitionView(bytes: Uint8Array, n: number): { rows: Uint32Array; body: Uint8Array } {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return { rows: new Uint32Array(aligned.buffer, aligned.byteOffset, n), body: aligned.subarray(4 * n) };
}
