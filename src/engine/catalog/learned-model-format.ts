/**
 * The learned model a catalog ships (issue 10): the manifest's `learnedModel` entry, the
 * weights file it points at and the catalog's item vectors (the item tower's outputs).
 * Shared by the Node builder (encode) and the worker (decode); no Node APIs, no tfjs.
 *
 * `learnedModel` in manifest.json:
 *   path, bytes, sha256   the weights file (float32 LE, no header): every array of
 *                         `shippedWeightSpecs(config, userModel)` in that order, so its exact
 *                         size follows from the config; a file of any other size is refused.
 *   dims, maxLength, blocks, idItems, modalities
 *                         the model's config (src/engine/model/model-config.ts); each tower
 *                         modality reads that modality's encoder vectors (dims = encoder dims).
 *   userModel             `sequence`: the causal self-attention user model (trained on the
 *                         shop's interaction log); `pooling`: no log, the user vector is
 *                         attention pooling over the history's item vectors (no user weights
 *                         are shipped).
 *   itemVectors           a vector file (vector-codec.ts `int8` layout: one float32 scale and
 *                         `dims` int8 codes per row, about 68 B per item at d = 64); row i is
 *                         `items[i]`'s tower output; count = number of items.
 *   blendWeight           w ≥ 0 in  score = z(today's fusion score) + w · z(learned score),
 *                         fitted by the builder on held-out sessions of the log; 0 when it did
 *                         not help (and always 0 without a log: nothing to fit it on).
 *   training              how it was made (free-form numbers, strings, booleans).
 */
import type { Modality } from '../../protocol/embedding.ts';
import { MODALITIES } from './catalog-modalities.ts';
import { describe, isObject, type Json } from './json-checks.ts';
import { CatalogFormatError, decodeVectors, sha256Hex, vectorFileByteLength, type CatalogVectorFile } from './vector-codec.ts';

export type LearnedUserModel = 'sequence' | 'pooling';

export interface CatalogLearnedModel {
  path: string;
  bytes: number;
  sha256: string;
  dims: number;
  maxLength: number;
  blocks: number;
  idItems: number;
  /** Tower inputs, in MODALITIES order. */
  modalities: Modality[];
  userModel: LearnedUserModel;
  itemVectors: CatalogVectorFile;
  blendWeight: number;
  training: Record<string, number | string | boolean>;
}

/** Largest model width a catalog may declare (the rankers and the user model are sized for small d). */
export const MAX_LEARNED_DIMS = 512;
export const MAX_LEARNED_LENGTH = 512;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** One shipped weight array: its name (model-weights.ts) and number of values. */
export interface ShippedWeight {
  name: string;
  size: number;
}

/**
 * The arrays a model file holds, in order. Mirrors `weightSpecs` (model-weights.ts), which
 * the worker checks the decoded arrays against again; `pooling` ships the tower only.
 */
export function shippedWeights(
  entry: Pick<CatalogLearnedModel, 'dims' | 'maxLength' | 'blocks' | 'idItems' | 'userModel'>,
  modalityDims: ReadonlyArray<{ name: string; dims: number }>,
): ShippedWeight[] {
  const d = entry.dims;
  const out: ShippedWeight[] = [];
  for (const m of modalityDims) out.push({ name: `tower.${m.name}.kernel`, size: m.dims * d }, { name: `tower.${m.name}.bias`, size: d });
  out.push({ name: 'tower.gate.kernel', size: d }, { name: 'tower.gate.bias', size: modalityDims.length });
  if (entry.idItems > 0) out.push({ name: 'tower.id', size: entry.idItems * d });
  if (entry.userModel === 'pooling') return out;
  out.push({ name: 'user.position', size: entry.maxLength * d });
  for (let b = 0; b < entry.blocks; b++) {
    const p = `user.block${b}`;
    out.push({ name: `${p}.norm1.gamma`, size: d }, { name: `${p}.norm1.beta`, size: d });
    for (const w of ['query', 'key', 'value']) out.push({ name: `${p}.${w}`, size: d * d });
    out.push({ name: `${p}.norm2.gamma`, size: d }, { name: `${p}.norm2.beta`, size: d });
    out.push({ name: `${p}.ff1.kernel`, size: d * d }, { name: `${p}.ff1.bias`, size: d });
    out.push({ name: `${p}.ff2.kernel`, size: d * d }, { name: `${p}.ff2.bias`, size: d });
  }
  out.push({ name: 'user.norm.gamma', size: d }, { name: 'user.norm.beta', size: d });
  return out;
}

/** The tower's modalities with their encoder dims. */
export function towerModalities(
  entry: Pick<CatalogLearnedModel, 'modalities'>,
  encoderDims: Partial<Record<Modality, number>>,
): Array<{ name: Modality; dims: number }> {
  return entry.modalities.map((m) => ({ name: m, dims: encoderDims[m] ?? 0 }));
}

/** float32 LE bytes of the named arrays, in `shippedWeights` order (throws on a missing or wrong-size array). */
export function encodeLearnedWeights(weights: ReadonlyMap<string, Float32Array>, layout: readonly ShippedWeight[]): Uint8Array {
  const total = layout.reduce((s, w) => s + w.size, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const w of layout) {
    const values = weights.get(w.name);
    if (!values || values.length !== w.size) throw new Error(`learned model: ${w.name} has ${values?.length ?? 'no'} values, expected ${w.size}`);
    out.set(values, offset);
    offset += w.size;
  }
  // Float32Array is little-endian on every platform this runs on (x86, ARM); checked below.
  if (new Uint8Array(new Float32Array([1]).buffer)[3] !== 0x3f) throw new Error('learned model: big-endian platforms are not supported');
  return new Uint8Array(out.buffer);
}

/**
 * Checks a fetched weights file against its entry (length, SHA-256, every value finite) and
 * splits it into named arrays. Throws CatalogFormatError naming the file and the problem.
 */
export async function decodeLearnedWeights(
  bytes: Uint8Array,
  entry: CatalogLearnedModel,
  layout: readonly ShippedWeight[],
  source: string,
): Promise<Map<string, Float32Array>> {
  const expected = layout.reduce((s, w) => s + w.size, 0) * 4;
  if (bytes.byteLength !== entry.bytes || bytes.byteLength !== expected) {
    const problem = bytes.byteLength < expected ? 'truncated' : bytes.byteLength > expected ? 'too long' : 'size differs from the manifest';
    throw new CatalogFormatError(
      `${source}: ${problem}: the model's config takes ${expected} bytes, the manifest says ${entry.bytes}, the file has ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) throw new CatalogFormatError(`${source}: sha256 mismatch: manifest has ${entry.sha256}, file has ${digest}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, Float32Array>();
  let offset = 0;
  for (const w of layout) {
    const values = new Float32Array(w.size);
    for (let i = 0; i < w.size; i++) {
      const v = view.getFloat32(offset + 4 * i, true);
      if (!Number.isFinite(v)) throw new CatalogFormatError(`${source}: ${w.name}[${i}] is ${v}: model weights must be finite`);
      values[i] = v;
    }
    out.set(w.name, values);
    offset += 4 * w.size;
  }
  return out;
}

/** Checks the item-vector file (length, SHA-256, scales) and returns its bytes for a zero-copy int8 view. */
export async function decodeLearnedItemVectors(bytes: Uint8Array, file: CatalogVectorFile, source: string): Promise<Uint8Array> {
  if (bytes.byteLength !== file.bytes) {
    throw new CatalogFormatError(
      `${source}: ${bytes.byteLength < file.bytes ? 'truncated' : 'too long'}: expected ${file.bytes} bytes, got ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== file.sha256) throw new CatalogFormatError(`${source}: sha256 mismatch: manifest has ${file.sha256}, file has ${digest}`);
  // Decoding checks every scale (finite, ≤ 1 for unit vectors); the float copy is dropped.
  decodeVectors(bytes, file.format, file.count, file.dims, source, { maxInt8Scale: 1 });
  return bytes;
}

function fail(source: string, problem: string): never {
  throw new CatalogFormatError(`${source}: learnedModel: ${problem}`);
}

function intField(source: string, json: Json, key: string, min: number, max: number): number {
  const v = json[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    fail(source, `field "${key}" must be an integer from ${min} to ${max} (got ${describe(v)})`);
  return v;
}

function isRelativePath(value: unknown): value is string {
  if (typeof value !== 'string' || value === '' || value.startsWith('/') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return false;
  return value.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

const KNOWN = ['path', 'bytes', 'sha256', 'dims', 'maxLength', 'blocks', 'idItems', 'modalities', 'userModel', 'itemVectors', 'blendWeight', 'training'];
const VECTOR_KNOWN = ['path', 'format', 'count', 'dims', 'bytes', 'sha256'];

/**
 * Checks the manifest's `learnedModel` object against the rest of the manifest: the tower's
 * modalities have encoders, the item vectors have one int8 row per item of the model's
 * width, the weights file has exactly the size the config implies, paths are distinct.
 */
export function parseLearnedModel(
  source: string,
  json: unknown,
  context: { itemCount: number; encoderDims: Partial<Record<Modality, number>>; otherPaths: readonly string[] },
): CatalogLearnedModel {
  if (!isObject(json)) fail(source, `must be an object (got ${describe(json)})`);
  const unknown = Object.keys(json).find((k) => !KNOWN.includes(k));
  if (unknown !== undefined) fail(source, `unknown field "${unknown}"`);
  if (!isRelativePath(json.path)) fail(source, `field "path" must be a relative path inside the catalog folder (got ${describe(json.path)})`);
  if (typeof json.sha256 !== 'string' || !SHA256_HEX.test(json.sha256)) fail(source, `field "sha256" must be 64 lowercase hex digits`);
  const dims = intField(source, json, 'dims', 1, MAX_LEARNED_DIMS);
  const maxLength = intField(source, json, 'maxLength', 1, MAX_LEARNED_LENGTH);
  const blocks = intField(source, json, 'blocks', 1, 2);
  const idItems = intField(source, json, 'idItems', 0, context.itemCount);
  if (idItems !== 0 && idItems !== context.itemCount) fail(source, `field "idItems" must be 0 or the number of items (${context.itemCount}), got ${idItems}`);
  if (json.userModel !== 'sequence' && json.userModel !== 'pooling')
    fail(source, `field "userModel" must be "sequence" or "pooling" (got ${describe(json.userModel)})`);
  const list = json.modalities;
  if (!Array.isArray(list) || list.length === 0) fail(source, `field "modalities" must be a non-empty array`);
  const modalities = MODALITIES.filter((m) => list.includes(m));
  if (modalities.length !== list.length) fail(source, `field "modalities" must list distinct modalities (text, image, audio), got ${describe(list)}`);
  for (const m of modalities) if (context.encoderDims[m] === undefined) fail(source, `field "modalities" lists ${m}, but the catalog has no ${m} encoder`);
  const blendWeight = json.blendWeight;
  if (typeof blendWeight !== 'number' || !Number.isFinite(blendWeight) || blendWeight < 0 || blendWeight > 100)
    fail(source, `field "blendWeight" must be a number from 0 to 100 (got ${describe(blendWeight)})`);
  const training = json.training;
  if (
    !isObject(training) ||
    !Object.values(training).every((v) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean')
  ) {
    fail(source, 'field "training" must be an object of numbers, strings and booleans');
  }
  const entry: CatalogLearnedModel = {
    path: json.path,
    bytes: intField(source, json, 'bytes', 1, 1 << 30),
    sha256: json.sha256,
    dims,
    maxLength,
    blocks,
    idItems,
    modalities,
    userModel: json.userModel,
    itemVectors: parseItemVectors(source, json.itemVectors, dims, context.itemCount),
    blendWeight,
    training: training as CatalogLearnedModel['training'],
  };
  const expected = shippedWeights(entry, towerModalities(entry, context.encoderDims)).reduce((s, w) => s + w.size, 0) * 4;
  if (entry.bytes !== expected)
    fail(
      source,
      `field "bytes" is ${entry.bytes}, but a model of this config (dims ${dims}, ${modalities.join('+')}, ${entry.userModel}) takes ${expected} bytes`,
    );
  const paths = [entry.path, entry.itemVectors.path];
  if (paths[0] === paths[1] || paths.some((p) => context.otherPaths.includes(p)))
    fail(source, `paths ${describe(paths)} must differ from each other and from the catalog's other files`);
  return entry;
}

function parseItemVectors(source: string, json: unknown, dims: number, itemCount: number): CatalogVectorFile {
  if (!isObject(json)) fail(source, `field "itemVectors" must be an object (got ${describe(json)})`);
  const unknown = Object.keys(json).find((k) => !VECTOR_KNOWN.includes(k));
  if (unknown !== undefined) fail(source, `itemVectors: unknown field "${unknown}"`);
  if (!isRelativePath(json.path)) fail(source, `itemVectors: field "path" must be a relative path inside the catalog folder`);
  if (json.format !== 'int8') fail(source, `itemVectors: field "format" must be "int8" (got ${describe(json.format)})`);
  if (typeof json.sha256 !== 'string' || !SHA256_HEX.test(json.sha256)) fail(source, `itemVectors: field "sha256" must be 64 lowercase hex digits`);
  const sub = `itemVectors`;
  const count = intField(source, json, 'count', 0, itemCount);
  if (count !== itemCount) fail(source, `${sub}: field "count" is ${count}, but the catalog has ${itemCount} items (one row per item)`);
  const d = intField(source, json, 'dims', 1, MAX_LEARNED_DIMS);
  if (d !== dims) fail(source, `${sub}: field "dims" is ${d}, but the model's dims are ${dims}`);
  const bytes = intField(source, json, 'bytes', 0, 1 << 30);
  const expected = vectorFileByteLength('int8', count, d);
  if (bytes !== expected) fail(source, `${sub}: field "bytes" is ${bytes}, but int8 with count ${count} and dims ${d} takes ${expected} bytes`);
  return { path: json.path, format: 'int8', count, dims: d, bytes, sha256: json.sha256 };
}
