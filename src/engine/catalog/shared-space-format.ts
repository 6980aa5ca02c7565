/**
 * The shared space of a catalog on disk: learned linear projections, one per modality, into
 * one `dims`-dimensional space where an item's text, image and sound land close together
 * (trained at catalog-build time by src/node/catalog/train-shared-space.ts). Shared by the
 * Node builder (encode) and the worker (parse, decode). No Node APIs, no tfjs.
 *
 * Two files, named by the manifest's `sharedSpace` entry:
 *
 *   shared-space/weights.json   the spec below; its size and SHA-256 are in the manifest
 *   shared-space/weights.bin    the weights; its size and SHA-256 are in the spec
 *
 * The spec carries a tfjs `weightsManifest` (one group, one path, relative to the spec's
 * folder), so `tf.io.decodeWeights(bin, spec.weightsManifest[0].weights)` reads the binary
 * too. Per modality M (in text, image, audio order) two weights, concatenated in this order:
 *
 *   `M/kernel`  shape [inputDims, dims]  row-major: value (i, j) at index i·dims + j
 *   `M/bias`    shape [dims]
 *
 * each `dtype: "float32"` stored as one of (tfjs quantization spec):
 *   no `quantization`                   float32 LE, 4 bytes a value
 *   `{ dtype: "float16" }`              IEEE binary16 LE, 2 bytes a value
 *   `{ dtype: "uint8", min, scale }`    1 byte a value: value = q × scale + min
 *
 * Projecting a vector x of modality M: z = x · kernel + bias, then z / ‖z‖ (L2). The input
 * is the encoder's vector exactly as the catalog stores it (any centring or scaling used in
 * training is folded into kernel and bias). Cosine = dot product in the shared space.
 *
 * The spec names the encoder (name + version) each projection was trained on; a catalog
 * whose encoders differ, or whose dims differ from `inputDims`, is refused: the projection
 * would be meaningless.
 */
import type { Modality } from '../../protocol/embedding.ts';
import { MODALITIES, describe, isModality, isObject, type CatalogManifest, type CatalogSharedSpace, type Json } from './catalog-manifest.ts';
import { CatalogFormatError, decodeVectors, encodeVectors, sha256Hex } from './vector-codec.ts';
import { itemAt } from '../../shared/item-at.ts';

export const SHARED_SPACE_FORMAT = 'ondevice-recs/shared-space';
export const SHARED_SPACE_FORMAT_VERSION = 1;

export type SharedSpaceQuantization = 'float32' | 'float16' | 'uint8';
/**
 * What the builder writes: uint8 (per weight tensor `min` + `scale`) retrieves as well as
 * float16 on held-out Tux Paint stamps (`npm run eval:shared-space -- --quantization …`)
 * at half the bytes.
 */
export const DEFAULT_SHARED_SPACE_QUANTIZATION: SharedSpaceQuantization = 'uint8';

/** One modality's projection, decoded. */
export interface SharedSpaceProjection {
  inputDims: number;
  /** inputDims × dims, row-major. */
  kernel: Float32Array;
  /** dims. */
  bias: Float32Array;
}

/** Decoded weights: what the engine's SharedSpace (src/engine/catalog/shared-space.ts) takes. */
export interface SharedSpaceWeights {
  dims: number;
  projections: Partial<Record<Modality, SharedSpaceProjection>>;
}

/** One entry of a tfjs weightsManifest group. */
export interface SharedSpaceWeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16' } | { dtype: 'uint8'; min: number; scale: number };
}

export interface SharedSpaceSpec {
  format: typeof SHARED_SPACE_FORMAT;
  formatVersion: typeof SHARED_SPACE_FORMAT_VERSION;
  dims: number;
  /** Softmax temperature the space was trained with (a score scale, for reference). */
  temperature: number;
  /** Per modality: the input dims and the encoder the projection was trained on. */
  modalities: Partial<Record<Modality, { inputDims: number; encoder: { name: string; version: string } }>>;
  /** tfjs format: one group, one binary, path relative to the spec's folder. */
  weightsManifest: [{ paths: [string]; weights: SharedSpaceWeightEntry[] }];
  /** Exact size and SHA-256 of the binary. */
  weightsBytes: number;
  weightsSha256: string;
  /** How it was trained (seed, steps, losses, timings; see train-shared-space.ts). Free-form numbers and strings. */
  training: Record<string, unknown>;
}

/** Bytes a weight of `size` values takes in the binary. */
function entryBytes(entry: SharedSpaceWeightEntry, size: number): number {
  const q = entry.quantization?.dtype;
  return size * (q === undefined ? 4 : q === 'float16' ? 2 : 1);
}

function weightNames(modality: Modality): { kernel: string; bias: string } {
  return { kernel: `${modality}/kernel`, bias: `${modality}/bias` };
}

/** The binary's path relative to the catalog folder: the spec's folder + the group's path. */
export function sharedSpaceWeightsPath(entry: Pick<CatalogSharedSpace, 'path'>, spec: SharedSpaceSpec): string {
  const slash = entry.path.lastIndexOf('/');
  const folder = slash === -1 ? '' : entry.path.slice(0, slash + 1);
  return `${folder}${spec.weightsManifest[0].paths[0]}`;
}

// ---------------------------------------------------------------------------------------
// encode (builder)

export interface EncodeSharedSpaceOptions {
  /** Encoder each projection was trained on (the catalog's `encoders`). */
  encoders: Partial<Record<Modality, { name: string; version: string }>>;
  /** Default DEFAULT_SHARED_SPACE_QUANTIZATION (uint8). */
  quantization?: SharedSpaceQuantization;
  temperature: number;
  training: Record<string, unknown>;
  /** File name of the binary, next to the spec (default `weights.bin`). */
  binaryName?: string;
}

export interface EncodedSharedSpace {
  spec: SharedSpaceSpec;
  /** weights.json, UTF-8. */
  specBytes: Uint8Array;
  /** weights.bin. */
  weightsBytes: Uint8Array;
}

function quantize(values: Float32Array, quantization: SharedSpaceQuantization): { entry: Pick<SharedSpaceWeightEntry, 'quantization'>; bytes: Uint8Array } {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) throw new RangeError(`weight value ${i} is ${values[i]}: weights must be finite`);
  if (quantization === 'float32') {
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return { entry: {}, bytes };
  }
  if (quantization === 'float16') return { entry: { quantization: { dtype: 'float16' } }, bytes: encodeVectors([values], 'float16') };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? (max - min) / 255 : 0;
  const bytes = new Uint8Array(values.length);
  if (scale > 0) for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round((itemAt(values, i) - min) / scale)));
  return { entry: { quantization: { dtype: 'uint8', min, scale } }, bytes };
}

/** weights.json and weights.bin for trained projections. */
export async function encodeSharedSpace(weights: SharedSpaceWeights, options: EncodeSharedSpaceOptions): Promise<EncodedSharedSpace> {
  const quantization = options.quantization ?? DEFAULT_SHARED_SPACE_QUANTIZATION;
  const { dims } = weights;
  const entries: SharedSpaceWeightEntry[] = [];
  const parts: Uint8Array[] = [];
  const modalities: SharedSpaceSpec['modalities'] = {};
  for (const modality of MODALITIES) {
    const p = weights.projections[modality];
    if (!p) continue;
    const encoder = options.encoders[modality];
    if (!encoder) throw new RangeError(`no encoder given for ${modality}`);
    if (p.kernel.length !== p.inputDims * dims || p.bias.length !== dims) {
      throw new RangeError(`${modality}: kernel has ${p.kernel.length} values and bias ${p.bias.length}, expected ${p.inputDims} × ${dims} and ${dims}`);
    }
    modalities[modality] = { inputDims: p.inputDims, encoder: { name: encoder.name, version: encoder.version } };
    const names = weightNames(modality);
    for (const [name, shape, values] of [
      [names.kernel, [p.inputDims, dims], p.kernel],
      [names.bias, [dims], p.bias],
    ] as const) {
      const q = quantize(values, quantization);
      entries.push({ name, shape: [...shape], dtype: 'float32', ...q.entry });
      parts.push(q.bytes);
    }
  }
  if (Object.keys(modalities).length < 2) throw new RangeError('a shared space needs at least two modalities');
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const weightsBytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    weightsBytes.set(part, offset);
    offset += part.byteLength;
  }
  const spec: SharedSpaceSpec = {
    format: SHARED_SPACE_FORMAT,
    formatVersion: SHARED_SPACE_FORMAT_VERSION,
    dims,
    temperature: options.temperature,
    modalities,
    weightsManifest: [{ paths: [options.binaryName ?? 'weights.bin'], weights: entries }],
    weightsBytes: total,
    weightsSha256: await sha256Hex(weightsBytes),
    training: options.training,
  };
  return { spec, specBytes: new TextEncoder().encode(JSON.stringify(spec, null, 1) + '\n'), weightsBytes };
}

// ---------------------------------------------------------------------------------------
// parse + decode (worker)

const SHA256_HEX = /^[0-9a-f]{64}$/;
const FILE_NAME = /^[^/\\\u0000-\u001f\u007f]+$/;

/**
 * Checks a parsed weights.json against the catalog it belongs to: the format, the
 * manifest's `sharedSpace` entry (dims, modalities), the catalog's encoders (name, version,
 * dims = inputDims) and the weights list (names, shapes, quantization, total size).
 * `source` names the file in errors. Throws CatalogFormatError.
 */
export function parseSharedSpaceSpec(json: unknown, source: string, manifest: CatalogManifest): SharedSpaceSpec {
  const fail = (where: string, problem: string): never => {
    throw new CatalogFormatError(`${source}: ${where ? `${where}: ` : ''}${problem}`);
  };
  const known = (where: string, object: Json, keys: string[]) => {
    const extra = Object.keys(object).find((k) => !keys.includes(k));
    if (extra !== undefined) fail(where, `unknown field "${extra}"`);
  };
  const positiveInt = (where: string, key: string, value: unknown, min = 1): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
      fail(where, `field "${key}" must be an integer ≥ ${min} (got ${describe(value)})`);
    return value as number;
  };
  const entry = manifest.sharedSpace;
  if (!entry) throw new CatalogFormatError(`${source}: the catalog manifest has no sharedSpace entry`);
  if (!isObject(json)) fail('', `must be a JSON object (got ${describe(json)})`);
  const top = json as Json;
  known('', top, ['format', 'formatVersion', 'dims', 'temperature', 'modalities', 'weightsManifest', 'weightsBytes', 'weightsSha256', 'training']);
  if (top.format !== SHARED_SPACE_FORMAT) fail('', `field "format" must be "${SHARED_SPACE_FORMAT}" (got ${describe(top.format)})`);
  if (top.formatVersion !== SHARED_SPACE_FORMAT_VERSION) {
    fail(
      '',
      `field "formatVersion" must be ${SHARED_SPACE_FORMAT_VERSION} (got ${describe(top.formatVersion)}): this app reads shared spaces of version ${SHARED_SPACE_FORMAT_VERSION}`,
    );
  }
  const dims = positiveInt('', 'dims', top.dims);
  if (dims !== entry.dims) fail('', `field "dims" is ${dims}, but the manifest's sharedSpace has dims ${entry.dims}`);
  if (typeof top.temperature !== 'number' || !(top.temperature > 0) || !Number.isFinite(top.temperature)) {
    fail('', `field "temperature" must be a positive number (got ${describe(top.temperature)})`);
  }
  if (!isObject(top.training)) fail('', `field "training" must be an object (got ${describe(top.training)})`);
  const weightsBytes = positiveInt('', 'weightsBytes', top.weightsBytes);
  if (typeof top.weightsSha256 !== 'string' || !SHA256_HEX.test(top.weightsSha256))
    fail('', `field "weightsSha256" must be 64 lowercase hex digits (got ${describe(top.weightsSha256)})`);

  // Modalities: exactly the manifest's, each matching the catalog's encoder.
  if (!isObject(top.modalities)) fail('', `field "modalities" must be an object (got ${describe(top.modalities)})`);
  const modalitiesJson = top.modalities as Json;
  const keys = Object.keys(modalitiesJson);
  const unknownModality = keys.find((k) => !isModality(k));
  if (unknownModality !== undefined) fail('modalities', `unknown modality ${JSON.stringify(unknownModality)} (expected text, image or audio)`);
  const listed = MODALITIES.filter((m) => keys.includes(m));
  if (listed.join(',') !== entry.modalities.join(',')) {
    fail('modalities', `has ${listed.join(', ') || 'none'}, but the manifest's sharedSpace lists ${entry.modalities.join(', ')}`);
  }
  const modalities: SharedSpaceSpec['modalities'] = {};
  for (const modality of listed) {
    const where = `modalities.${modality}`;
    const m = modalitiesJson[modality];
    if (!isObject(m)) fail(where, `must be an object (got ${describe(m)})`);
    const mj = m as Json;
    known(where, mj, ['inputDims', 'encoder']);
    const inputDims = positiveInt(where, 'inputDims', mj.inputDims);
    if (!isObject(mj.encoder)) fail(where, `field "encoder" must be an object (got ${describe(mj.encoder)})`);
    const enc = mj.encoder as Json;
    known(`${where}.encoder`, enc, ['name', 'version']);
    for (const key of ['name', 'version']) {
      if (typeof enc[key] !== 'string' || (enc[key] as string).trim() === '')
        fail(`${where}.encoder`, `field "${key}" must be a non-empty string (got ${describe(enc[key])})`);
    }
    const catalogEncoder = manifest.encoders[modality]!;
    if (inputDims !== catalogEncoder.dims) fail(where, `field "inputDims" is ${inputDims}, but encoders.${modality} has dims ${catalogEncoder.dims}`);
    if (enc.name !== catalogEncoder.name || enc.version !== catalogEncoder.version) {
      fail(
        where,
        `trained on encoder ${enc.name as string}@${enc.version as string}, but the catalog's ${modality} vectors come from ${catalogEncoder.name}@${catalogEncoder.version}`,
      );
    }
    modalities[modality] = { inputDims, encoder: { name: enc.name as string, version: enc.version as string } };
  }

  // weightsManifest: one group, one path, the expected weights in order.
  const wm = top.weightsManifest;
  if (!Array.isArray(wm) || wm.length !== 1 || !isObject(wm[0])) fail('', `field "weightsManifest" must be an array of one group (got ${describe(wm)})`);
  const group = itemAt(wm as Json[], 0);
  known('weightsManifest[0]', group, ['paths', 'weights']);
  const paths = group.paths;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string' || !FILE_NAME.test(paths[0]) || paths[0] === '.' || paths[0] === '..') {
    fail('weightsManifest[0]', `field "paths" must be one file name next to the spec (got ${describe(paths)})`);
  }
  if (!Array.isArray(group.weights)) fail('weightsManifest[0]', `field "weights" must be an array (got ${describe(group.weights)})`);
  const expected = listed.flatMap((m) => {
    const names = weightNames(m);
    return [
      { name: names.kernel, shape: [modalities[m]!.inputDims, dims] },
      { name: names.bias, shape: [dims] },
    ];
  });
  const weightsJson = group.weights as unknown[];
  if (weightsJson.length !== expected.length) {
    fail('weightsManifest[0]', `field "weights" has ${weightsJson.length} entries, expected ${expected.length} (${expected.map((e) => e.name).join(', ')})`);
  }
  let total = 0;
  const weights = weightsJson.map((w, i): SharedSpaceWeightEntry => {
    const where = `weightsManifest[0].weights[${i}]`;
    if (!isObject(w)) fail(where, `must be an object (got ${describe(w)})`);
    const wj = w as Json;
    known(where, wj, ['name', 'shape', 'dtype', 'quantization']);
    const want = itemAt(expected, i);
    if (wj.name !== want.name) fail(where, `field "name" must be "${want.name}" (got ${describe(wj.name)})`);
    if (!Array.isArray(wj.shape) || wj.shape.join(',') !== want.shape.join(',')) {
      fail(where, `field "shape" must be [${want.shape.join(', ')}] (got ${Array.isArray(wj.shape) ? `[${wj.shape.join(', ')}]` : describe(wj.shape)})`);
    }
    if (wj.dtype !== 'float32') fail(where, `field "dtype" must be "float32" (got ${describe(wj.dtype)})`);
    const out: SharedSpaceWeightEntry = { name: want.name, shape: want.shape, dtype: 'float32' };
    if (wj.quantization !== undefined) {
      const q = wj.quantization;
      if (!isObject(q)) fail(where, `field "quantization" must be an object (got ${describe(q)})`);
      const qj = q as Json;
      if (qj.dtype === 'float16') {
        known(`${where}.quantization`, qj, ['dtype']);
        out.quantization = { dtype: 'float16' };
      } else if (qj.dtype === 'uint8') {
        known(`${where}.quantization`, qj, ['dtype', 'min', 'scale']);
        if (typeof qj.min !== 'number' || !Number.isFinite(qj.min))
          fail(`${where}.quantization`, `field "min" must be a finite number (got ${describe(qj.min)})`);
        if (typeof qj.scale !== 'number' || !Number.isFinite(qj.scale) || qj.scale < 0)
          fail(`${where}.quantization`, `field "scale" must be a number ≥ 0 (got ${describe(qj.scale)})`);
        out.quantization = { dtype: 'uint8', min: qj.min as number, scale: qj.scale as number };
      } else fail(`${where}.quantization`, `field "dtype" must be "float16" or "uint8" (got ${describe(qj.dtype)})`);
    }
    total += entryBytes(
      out,
      want.shape.reduce((a, b) => a * b, 1),
    );
    return out;
  });
  if (total !== weightsBytes) fail('', `field "weightsBytes" is ${weightsBytes}, but the weights listed take ${total} bytes`);

  return {
    format: SHARED_SPACE_FORMAT,
    formatVersion: SHARED_SPACE_FORMAT_VERSION,
    dims,
    temperature: top.temperature as number,
    modalities,
    weightsManifest: [{ paths: [itemAt(paths as string[], 0)], weights }],
    weightsBytes,
    weightsSha256: top.weightsSha256 as string,
    training: top.training as Json,
  };
}

/** Checks a fetched spec file's size and SHA-256 against the manifest, then parses it. */
export async function decodeSharedSpaceSpecFile(bytes: Uint8Array, manifest: CatalogManifest, source: string): Promise<SharedSpaceSpec> {
  const entry = manifest.sharedSpace;
  if (!entry) throw new CatalogFormatError(`${source}: the catalog manifest has no sharedSpace entry`);
  if (bytes.byteLength !== entry.bytes) {
    throw new CatalogFormatError(
      `${source}: ${bytes.byteLength < entry.bytes ? 'truncated' : 'too long'}: expected ${entry.bytes} bytes, got ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) throw new CatalogFormatError(`${source}: sha256 mismatch: manifest has ${entry.sha256}, file has ${digest}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new CatalogFormatError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return parseSharedSpaceSpec(json, source, manifest);
}

/** Checks the binary's size and SHA-256 against the spec and decodes every weight to float32. */
export async function decodeSharedSpaceWeights(bytes: Uint8Array, spec: SharedSpaceSpec, source: string): Promise<SharedSpaceWeights> {
  if (bytes.byteLength !== spec.weightsBytes) {
    throw new CatalogFormatError(
      `${source}: ${bytes.byteLength < spec.weightsBytes ? 'truncated' : 'too long'}: expected ${spec.weightsBytes} bytes, got ${bytes.byteLength}`,
    );
  }
  const digest = await sha256Hex(bytes);
  if (digest !== spec.weightsSha256) throw new CatalogFormatError(`${source}: sha256 mismatch: weights.json has ${spec.weightsSha256}, file has ${digest}`);
  const values = new Map<string, Float32Array>();
  let offset = 0;
  for (const entry of spec.weightsManifest[0].weights) {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    const length = entryBytes(entry, size);
    const slice = bytes.subarray(offset, offset + length);
    offset += length;
    let out: Float32Array;
    const q = entry.quantization;
    if (q === undefined) {
      out = new Float32Array(size);
      const view = new DataView(slice.buffer, slice.byteOffset, slice.byteLength);
      for (let i = 0; i < size; i++) out[i] = view.getFloat32(i * 4, true);
    } else if (q.dtype === 'float16') out = decodeVectors(slice, 'float16', 1, size, source);
    else {
      out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = itemAt(slice, i) * q.scale + q.min;
    }
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad !== -1) throw new CatalogFormatError(`${source}: weight "${entry.name}" value ${bad} is ${out[bad]}: weights must be finite`);
    values.set(entry.name, out);
  }
  const projections: SharedSpaceWeights['projections'] = {};
  for (const modality of MODALITIES) {
    const m = spec.modalities[modality];
    if (!m) continue;
    const names = weightNames(modality);
    projections[modality] = { inputDims: m.inputDims, kernel: values.get(names.kernel)!, bias: values.get(names.bias)! };
  }
  return { dims: spec.dims, projections };
}
