/**
 * The catalog builder (Node): source items → a catalog folder in the format of
 * src/engine/catalog/catalog-manifest.ts and vector-codec.ts.
 *
 *   DIR/manifest.json             schemaVersion 1; written last, atomically (temp file + rename)
 *   DIR/vectors/<modality>.<fmt>  one file per modality (int8 by default), atomic
 *   DIR/media/image/<id>.webp     images re-encoded: WebP, longest side 256 px (SVG rasterised by resvg first)
 *   DIR/media/audio/<id>.<ext>    audio copied as is, <ext> from its sniffed format (.ogg .flac .wav .mp3), never the source's
 *   DIR/media/video/<id>.webm     video items: the clip re-encoded (VP9 + Opus), and
 *   DIR/media/poster/<id>.webp    its poster frame, the item's `image` (video-items.ts)
 *   DIR/NOTICE (+ extra files)    licence notice, when the source gives one
 *
 * Order of work:
 * 1. validate every source item (ids unique, fields, media files exist) and fail with a
 *    CatalogInputError naming the item before anything is embedded;
 * 2. embed in batches of `batchSize` (16) items: per batch text, then image, then audio, each
 *    modality one encoder call (if the call refuses an input with an EncoderInputError the
 *    batch is redone one item at a time, and a refused item simply lacks that modality);
 * 3. after every batch the new vectors (and refusals) are appended to DIR/.partial/<modality>.jsonl
 *    and fsync'd. A later run with the same DIR reuses every record whose item id, input
 *    (SHA-256 of the text or the file bytes) and encoder name+version match; .partial/ is
 *    removed when the build completes;
 * 4. an item left with no modality at all is an error naming it (the partial stays, so a fixed
 *    source resumes);
 * 5. vector files, media and manifest are written (each through a temp file + rename);
 * 6. with vectors of at least two modalities, a shared space (learned projections of every
 *    modality into one space, train-shared-space.ts) is trained on the vectors as stored
 *    (decoded back from the vector files) and written to DIR/shared-space/ before the
 *    manifest; `sharedSpace: false` skips it (and removes an old one).
 *
 * Encoder check on resume: the encoder that made the partial vectors is compared with the one
 * running now when the first batch of that modality is embedded; on a mismatch that
 * modality's partial is discarded and all its items are embedded again. If nothing is left to
 * embed at all, the partial's encoder is trusted (no encoder call is made).
 *
 * AUDIO: copied unchanged (Ogg stays Ogg). No audio encoder (Vorbis/Opus writer) is installed
 * in this project, so it cannot be re-encoded smaller. To keep the download bounded, a file
 * over `maxAudioBytes` (512 KiB) or, where its length can be read from the container (Ogg
 * Vorbis/Opus), over `maxAudioSeconds` (30 s; the encoder reads only the first 10 s anyway) is
 * neither embedded nor copied: the item lacks audio, and the summary says why.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import {
  CATALOG_SCHEMA_VERSION,
  MODALITIES,
  type CatalogItem,
  type CatalogLicense,
  type CatalogManifest,
  type CatalogVectorFile,
} from '../../engine/catalog/catalog-manifest.ts';
import { decodeVectors, encodeVectors, sha256Hex, type VectorFormat } from '../../engine/catalog/vector-codec.ts';
import type { EncoderInfo, Embedding, Modality } from '../../protocol/embedding.ts';
import { decodeImageBytes } from '../decode-image-file.ts';
import { containerDurationSeconds } from '../../shared/audio/container-duration.ts';
import { sniffAudioFormat, type AudioContainer } from '../../shared/audio/sniff-audio-format.ts';
import { aggregateInteractions, type AggregateOptions, type AggregationReport, type InteractionRow } from './aggregate-interactions.ts';
import { removeSharedSpaceFiles, SHARED_SPACE_BINARY, SHARED_SPACE_DIR, sharedSpaceSkipReason, writeSharedSpaceFiles, type SharedSpaceBuildOptions } from './shared-space-files.ts';
import { sharedSpaceDataFromCatalog, trainSharedSpace, type SharedSpaceTrainingStats } from './train-shared-space.ts';
import { trainFusionModel } from './train-fusion-model.ts';
import { removeItemGraphFile, writeItemGraphFile, type ItemGraphBuildOptions } from './item-graph-files.ts';
import { ItemSpace } from '../../engine/recommend/item-space.ts';
import { PRIOR_FUSION_MODEL, withHead } from '../../engine/recommend/fusion-model.ts';
import { SharedSpace } from '../../engine/catalog/shared-space.ts';
import type { SharedSpaceWeights } from '../../engine/catalog/shared-space-format.ts';
import { CatalogVideos, type VideoBuildOptions, type VideoCapableEncoders, type VideoSummary } from './video-items.ts';
import { CATEGORY_PATTERN } from '../../engine/catalog/catalog-category.ts';
import type { ItemFields } from '../../protocol/catalog-view.ts';

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** One item as a source (Tux Paint, a shop's JSONL/CSV) describes it; paths are absolute or relative to the cwd. */
export interface SourceItem extends ItemFields {
  imagePath?: string;
  audioPath?: string;
  /** A video clip (any format ffmpeg reads): its key frames give the image vector, its soundtrack the audio vector (video-items.ts). */
  videoPath?: string;
  metadata: Record<string, unknown>;
  /** Text to embed; default `textToEmbed(item)`. */
  text?: string;
  /** Where the item came from, for error messages (e.g. `products.jsonl line 4`). */
  origin?: string;
}

/** What the builder needs from the encoders; NodeEncoders fits. Injectable so tests can count calls. */
export interface CatalogEncoders extends VideoCapableEncoders {
  embedText(texts: readonly string[]): Promise<Embedding>;
  embedImageFiles(paths: readonly string[]): Promise<Embedding>;
  embedAudioFiles(paths: readonly string[]): Promise<Embedding>;
}

export interface BuildProgress {
  /** Items finished (all their modalities), reused ones included. */
  done: number;
  total: number;
  /** Items taken from .partial/ without embedding. */
  reused: number;
  /** Seconds since the embedding phase started. */
  elapsed: number;
}

export interface BuildCatalogOptions {
  outDir: string;
  encoders: CatalogEncoders;
  /** manifest.name (default: the folder name). */
  name?: string;
  format?: VectorFormat;
  /** Modalities to build (default all three). */
  modalities?: readonly Modality[];
  batchSize?: number;
  currency?: string;
  licenses?: CatalogLicense[];
  /** Written as DIR/NOTICE and named in manifest.notice. */
  notice?: string;
  /** Extra files copied into DIR next to NOTICE: name in DIR → source path. */
  noticeFiles?: Record<string, string>;
  interactions?: { rows: InteractionRow[]; options?: AggregateOptions };
  imageMaxSide?: number;
  maxAudioBytes?: number;
  maxAudioSeconds?: number;
  /** Video items: re-encoding settings, the length limit and the clip cache (video-items.ts). */
  video?: VideoBuildOptions;
  onProgress?: (progress: BuildProgress) => void;
  /**
   * The shared space (train-shared-space.ts): trained by default when the catalog has vectors
   * of at least two modalities; options tune it; `false` builds the catalog without one.
   */
  sharedSpace?: false | SharedSpaceBuildOptions;
  /** With interactions: train the fusion model (BPR, see train-fusion-model.ts) for this head (default late); false skips it. */
  fusion?: false | { head?: 'late' | 'attention' | 'mlp' };
  /** The item graph (item-graph-files.ts): built by default; `false` builds the catalog without one. */
  graph?: false | ItemGraphBuildOptions;
  /** Tests: stop (throw BuildInterruptedError) once at least this many items are finished and flushed, as a kill would. */
  stopAfterItems?: number;
  /**
   * Shard builds (shard-build.ts): embed the items into DIR/.partial/ and stop there, without
   * media, vector files or manifest; the merge step writes those for all shards at once.
   */
  embedOnly?: boolean;
  /** The merge step: every vector must come from .partial/ (the shards'); embedding anything is an error naming the items. */
  requireEmbedded?: boolean;
  /** manifest.createdAt (default now); `SOURCE_DATE_EPOCH` (seconds) in the environment sets it for reproducible builds. */
  createdAt?: string;
}

export interface ModalitySummary {
  encoder: string;
  /** Items with a vector. */
  count: number;
  embedded: number;
  reused: number;
  vectorBytes: number;
  vectorBytesPerItem: number;
  /** Media files of this modality (images, audio) copied into the catalog. */
  mediaBytes: number;
  mediaBytesPerItem: number;
}

export interface RefusedInput {
  id: string;
  modality: Modality;
  /** EncoderInputError problem code, or `audio-too-large` / `audio-too-long`. */
  problem: string;
  message: string;
}

export interface BuildSummary {
  outDir: string;
  items: number;
  format: VectorFormat;
  modalities: Partial<Record<Modality, ModalitySummary>>;
  refused: RefusedInput[];
  /** Whole build, wall clock. */
  seconds: number;
  /** seconds / items embedded in this run × 100 (items with at least one fresh vector). */
  secondsPer100Items: number;
  itemsEmbeddedThisRun: number;
  manifestBytes: number;
  interactions?: AggregationReport;
  /** The shared space written, or why there is none. */
  sharedSpace?: { dims: number; modalities: Modality[]; bytes: number; stats: SharedSpaceTrainingStats } | { skipped: string };
  /** The fusion model trained on the interactions (see CatalogFusionModel.training). */
  fusion?: NonNullable<CatalogManifest['fusion']>['training'];
  /** Video items shipped (clips and posters), when there are any. */
  videos?: VideoSummary;
}

/** Bad source data (a missing field, a missing file, an item with nothing to embed). The CLI exits 2. */
export class CatalogInputError extends Error {
  override readonly name = 'CatalogInputError';
}

/** Thrown by `stopAfterItems`: the build stopped as if killed; run it again to resume. */
export class BuildInterruptedError extends Error {
  override readonly name = 'BuildInterruptedError';
}

export const DEFAULT_BATCH_SIZE = 16;
export const DEFAULT_IMAGE_MAX_SIDE = 256;
export const DEFAULT_MAX_AUDIO_BYTES = 512 * 1024;
export const DEFAULT_MAX_AUDIO_SECONDS = 30;

/** The text embedded for an item: the description if it already names the title, else "Title. Description". */
export function textToEmbed(item: Pick<SourceItem, 'title' | 'description' | 'text'>): string {
  if (item.text !== undefined) return item.text;
  const title = item.title.trim();
  const description = item.description?.trim();
  if (!description) return title;
  if (description.toLowerCase().includes(title.toLowerCase())) return description;
  return `${title}. ${description}`;
}

// ---------------------------------------------------------------------------------------
// small file helpers

function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

function copyAtomic(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const temp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, temp);
  renameSync(temp, to);
}

function sha256Of(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A media file name for an id: each `/`-separated segment made safe, collisions get a hash suffix. */
function mediaNames(ids: readonly string[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const id of ids) {
    const segments = id.split('/').map((s) => {
      const safe = s.replace(/[^A-Za-z0-9._-]/g, '_');
      return safe === '' || safe === '.' || safe === '..' ? '_' : safe;
    });
    let name = segments.join('/');
    if (name !== id || used.has(name.toLowerCase())) name = `${name}-${sha256Of(id).slice(0, 8)}`;
    used.add(name.toLowerCase());
    out.set(id, name);
  }
  return out;
}

/** The file name extension of a copied sound, by its sniffed container (an unknown one never reaches here: it did not embed). */
const AUDIO_EXTENSION: Record<AudioContainer | 'unknown', string> = { 'ogg-vorbis': '.ogg', 'ogg-opus': '.ogg', flac: '.flac', wav: '.wav', mp3: '.mp3', unknown: '.bin' };

// ---------------------------------------------------------------------------------------
// validation

interface PreparedItem {
  source: SourceItem;
  /** Per modality the input (text, or a file path) and the key identifying it (sha256). */
  inputs: Partial<Record<Modality, { input: string; key: string }>>;
}

function label(item: SourceItem, index: number): string {
  return `item ${JSON.stringify(item.id)}${item.origin ? ` (${item.origin})` : ` (#${index})`}`;
}

function validate(items: readonly SourceItem[], modalities: readonly Modality[], options: BuildCatalogOptions, refused: RefusedInput[]): PreparedItem[] {
  const maxAudioBytes = options.maxAudioBytes ?? DEFAULT_MAX_AUDIO_BYTES;
  const maxAudioSeconds = options.maxAudioSeconds ?? DEFAULT_MAX_AUDIO_SECONDS;
  if (items.length === 0) throw new CatalogInputError('the source has no items');
  const seen = new Map<string, number>();
  return items.map((item, index): PreparedItem => {
    const where = label(item, index);
    const fail = (problem: string): never => {
      throw new CatalogInputError(`${where}: ${problem}`);
    };
    if (typeof item.id !== 'string' || item.id.trim() === '') throw new CatalogInputError(`item #${index}${item.origin ? ` (${item.origin})` : ''}: missing field "id"`);
    const first = seen.get(item.id);
    if (first !== undefined) fail(`duplicate id, first used by ${label(items[first], first)}`);
    seen.set(item.id, index);
    if (typeof item.title !== 'string' || item.title.trim() === '') fail('missing field "title"');
    if (typeof item.category !== 'string' || !CATEGORY_PATTERN.test(item.category)) fail(`field "category" must be a "/"-separated path like "animals/birds" (got ${JSON.stringify(item.category)})`);
    if (item.price !== undefined && !(Number.isFinite(item.price) && item.price >= 0)) fail(`field "price" must be a number ≥ 0 (got ${item.price})`);
    if (item.stock !== undefined && !(Number.isSafeInteger(item.stock) && item.stock >= 0)) fail(`field "stock" must be a non-negative integer (got ${item.stock})`);

    const inputs: PreparedItem['inputs'] = {};
    if (item.videoPath !== undefined) {
      if (item.imagePath !== undefined || item.audioPath !== undefined) fail('a video item takes its picture (the poster frame) and its sound (the soundtrack) from the video: drop "image" / "audio"');
      if (!existsSync(item.videoPath) || !statSync(item.videoPath).isFile()) fail(`video file not found: ${item.videoPath}`);
      // Keys and inputs are set by CatalogVideos.prepare once the clip is re-encoded.
      for (const modality of ['image', 'audio'] as const) if (modalities.includes(modality)) inputs[modality] = { input: item.videoPath, key: '' };
    }
    if (modalities.includes('text')) {
      const text = textToEmbed(item);
      inputs.text = { input: text, key: sha256Of(text) };
    }
    for (const [modality, path] of [['image', item.imagePath], ['audio', item.audioPath]] as const) {
      if (path === undefined) continue;
      let size: number;
      try {
        const stat = statSync(path);
        if (!stat.isFile()) fail(`${modality} ${path} is not a file`);
        size = stat.size;
      } catch (error) {
        if (error instanceof CatalogInputError) throw error;
        return fail(`${modality} file not found: ${path}`);
      }
      if (!modalities.includes(modality)) continue;
      const bytes = readFileSync(path);
      if (modality === 'audio') {
        if (size > maxAudioBytes) {
          refused.push({ id: item.id, modality, problem: 'audio-too-large', message: `${path}: ${size} bytes, over the limit of ${maxAudioBytes}` });
          continue;
        }
        const format = sniffAudioFormat(bytes);
        const seconds = format ? containerDurationSeconds(bytes, format) : undefined;
        if (seconds !== undefined && seconds > maxAudioSeconds) {
          refused.push({ id: item.id, modality, problem: 'audio-too-long', message: `${path}: ${seconds.toFixed(1)} s, over the limit of ${maxAudioSeconds} s` });
          continue;
        }
      }
      inputs[modality] = { input: path, key: sha256Of(bytes) };
    }
    return { source: item, inputs };
  });
}

// ---------------------------------------------------------------------------------------
// partial progress

type PartialRecord = { id: string; key: string; v: string } | { id: string; key: string; problem: string; message: string };

interface PartialState {
  encoder?: EncoderInfo;
  /** id → record (the last one wins). */
  records: Map<string, PartialRecord>;
}

function partialPath(outDir: string, modality: Modality): string {
  return join(outDir, '.partial', `${modality}.jsonl`);
}

function readPartial(outDir: string, modality: Modality): PartialState {
  const path = partialPath(outDir, modality);
  const state: PartialState = { records: new Map() };
  if (!existsSync(path)) return state;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut short by a kill
    }
    if (json.encoder && typeof json.encoder === 'object') {
      const encoder = json.encoder as EncoderInfo;
      if (state.encoder && (state.encoder.name !== encoder.name || state.encoder.version !== encoder.version)) state.records.clear();
      state.encoder = encoder;
    } else if (typeof json.id === 'string' && typeof json.key === 'string') state.records.set(json.id, json as PartialRecord);
  }
  return state;
}

function appendLines(path: string, lines: unknown[]): void {
  if (lines.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function vectorToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function base64ToVector(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function sameEncoder(a: EncoderInfo, b: EncoderInfo): boolean {
  return a.name === b.name && a.version === b.version && a.dims === b.dims;
}

function isInputError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'EncoderInputError';
}

function problemOf(error: Error): string {
  return /^\[([a-z-]+)\]/.exec(error.message)?.[1] ?? 'bad-input';
}

// ---------------------------------------------------------------------------------------
// build

/** `SOURCE_DATE_EPOCH` (the reproducible-builds convention) as an ISO date, when set. */
function sourceDateEpoch(): string | undefined {
  const value = process.env.SOURCE_DATE_EPOCH;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return new Date(Number(value) * 1000).toISOString();
}

/** Builds the catalog in `options.outDir` from `items`; resumes from DIR/.partial/ if an earlier run was interrupted. */
export async function buildCatalog(items: readonly SourceItem[], options: BuildCatalogOptions): Promise<BuildSummary> {
  const started = performance.now();
  const { outDir, encoders } = options;
  const format = options.format ?? 'int8';
  const modalities = MODALITIES.filter((m) => (options.modalities ?? MODALITIES).includes(m));
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const refused: RefusedInput[] = [];

  const prepared = validate(items, modalities, options, refused);
  mkdirSync(outDir, { recursive: true });
  const names = mediaNames(prepared.map((p) => p.source.id));
  const videos = new CatalogVideos(outDir, names, encoders, options.video);
  await videos.prepare(prepared, refused);

  const embed: Record<Modality, (inputs: string[]) => Promise<Embedding>> = {
    text: (inputs) => encoders.embedText(inputs),
    image: (inputs) => videos.embedImages(inputs, (paths) => encoders.embedImageFiles(paths)),
    audio: (inputs) => videos.embedAudio(inputs, (paths) => encoders.embedAudioFiles(paths)),
  };

  const partial = new Map(modalities.map((m) => [m, readPartial(outDir, m)] as const));
  /** The encoder of this run, per modality, once known. */
  const current = new Map<Modality, EncoderInfo>();
  const vectors = new Map(modalities.map((m) => [m, new Map<string, Float32Array>()] as const));
  const refusedById = new Map(modalities.map((m) => [m, new Map<string, RefusedInput>()] as const));
  const stats = new Map(modalities.map((m): [Modality, { embedded: number; reused: number }] => [m, { embedded: 0, reused: 0 }]));
  const freshItems = new Set<string>();
  const reusedIds = new Map(modalities.map((m) => [m, new Set<string>()] as const));

  /** Reuses the partial record of (modality, item) if its input matches; true if it did. */
  const reuse = (modality: Modality, item: PreparedItem): boolean => {
    const state = partial.get(modality)!;
    const input = item.inputs[modality]!;
    const record = state.records.get(item.source.id);
    if (!record || record.key !== input.key || !state.encoder) return false;
    const now = current.get(modality);
    if (now && !sameEncoder(now, state.encoder)) return false;
    if ('v' in record) vectors.get(modality)!.set(item.source.id, base64ToVector(record.v));
    else refusedById.get(modality)!.set(item.source.id, { id: item.source.id, modality, problem: record.problem, message: record.message });
    stats.get(modality)!.reused++;
    reusedIds.get(modality)!.add(item.source.id);
    return true;
  };

  const embedBatch = async (modality: Modality, batch: PreparedItem[]): Promise<void> => {
    if (options.requireEmbedded) {
      const ids = batch.map((item) => JSON.stringify(item.source.id));
      throw new CatalogInputError(`merge: no shard embedded the ${modality} of ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}: run the missing shard builds first`);
    }
    const inputs = batch.map((item) => item.inputs[modality]!.input);
    const results: Array<Float32Array | Error> = [];
    let info: EncoderInfo;
    try {
      const out = await embed[modality](inputs);
      info = out.encoder;
      results.push(...out.vectors);
    } catch (error) {
      if (!isInputError(error)) throw error;
      // One input was refused: find which, one at a time.
      let known: EncoderInfo | undefined;
      for (const input of inputs) {
        try {
          const out = await embed[modality]([input]);
          known = out.encoder;
          results.push(out.vectors[0]);
        } catch (single) {
          if (!isInputError(single)) throw single;
          results.push(single);
        }
      }
      info = known ?? current.get(modality) ?? partial.get(modality)!.encoder ?? { modality, name: 'unknown', version: 'unknown', dims: 0 };
    }
    if (results.length !== batch.length) throw new Error(`the ${modality} encoder returned ${results.length} vectors for ${batch.length} inputs`);
    const state = partial.get(modality)!;
    const lines: unknown[] = [];
    if (!current.has(modality) && info.name !== 'unknown') {
      current.set(modality, info);
      if (!state.encoder || !sameEncoder(state.encoder, info)) {
        // Made by another encoder (or none yet): start this modality's partial afresh, and
        // forget what was reused from it (the catch-up pass below embeds those items again).
        rmSync(partialPath(outDir, modality), { force: true });
        for (const id of reusedIds.get(modality)!) {
          vectors.get(modality)!.delete(id);
          refusedById.get(modality)!.delete(id);
        }
        reusedIds.get(modality)!.clear();
        stats.get(modality)!.reused = 0;
        state.records.clear();
        state.encoder = info;
        lines.push({ encoder: info });
      }
    }
    batch.forEach((item, i) => {
      const id = item.source.id;
      const key = item.inputs[modality]!.key;
      const result = results[i];
      if (result instanceof Error) {
        const entry = { id, modality, problem: problemOf(result), message: result.message };
        refusedById.get(modality)!.set(id, entry);
        lines.push({ id, key, problem: entry.problem, message: entry.message });
      } else {
        vectors.get(modality)!.set(id, result);
        lines.push({ id, key, v: vectorToBase64(result) });
      }
      stats.get(modality)!.embedded++;
      freshItems.add(id);
    });
    appendLines(partialPath(outDir, modality), lines);
  };

  // Embedding, item-major: batch after batch of items, every modality per batch.
  const total = prepared.length;
  const embedStart = performance.now();
  let done = 0;
  let reusedItems = 0;
  const progress = () => options.onProgress?.({ done, total, reused: reusedItems, elapsed: (performance.now() - embedStart) / 1000 });
  progress();
  let pending: PreparedItem[] = [];
  const flushBatch = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    for (const modality of modalities) {
      // Re-check reuse now: the encoder of this run may have become known.
      const todo = batch.filter((item) => item.inputs[modality] && !vectors.get(modality)!.has(item.source.id) && !refusedById.get(modality)!.has(item.source.id) && !reuse(modality, item));
      for (let i = 0; i < todo.length; i += batchSize) await embedBatch(modality, todo.slice(i, i + batchSize));
    }
    done += batch.length;
    progress();
    if (options.stopAfterItems !== undefined && done >= options.stopAfterItems && done < total) {
      throw new BuildInterruptedError(`stopped after ${done} of ${total} items (stopAfterItems); run again to resume`);
    }
  };
  for (const item of prepared) {
    const needs = modalities.filter((m) => item.inputs[m] && !reuse(m, item));
    if (needs.length === 0) {
      done++;
      reusedItems++;
      continue;
    }
    pending.push(item);
    if (pending.length >= batchSize) await flushBatch();
  }
  await flushBatch();
  // Catch-up: items whose reused vectors were dropped because the encoder changed.
  for (const modality of modalities) {
    const missing = prepared.filter((item) => item.inputs[modality] && !vectors.get(modality)!.has(item.source.id) && !refusedById.get(modality)!.has(item.source.id));
    for (let i = 0; i < missing.length; i += batchSize) await embedBatch(modality, missing.slice(i, i + batchSize));
  }
  progress();

  if (options.embedOnly) {
    const seconds = (performance.now() - started) / 1000;
    for (const m of modalities) for (const entry of refusedById.get(m)!.values()) refused.push(entry);
    return {
      outDir,
      items: prepared.length,
      format,
      modalities: {},
      refused,
      seconds,
      itemsEmbeddedThisRun: freshItems.size,
      secondsPer100Items: freshItems.size > 0 ? (seconds / freshItems.size) * 100 : 0,
      manifestBytes: 0,
    };
  }

  // Items with nothing usable.
  const empty = prepared.filter((item) => !modalities.some((m) => vectors.get(m)!.has(item.source.id)));
  for (const m of modalities) for (const entry of refusedById.get(m)!.values()) refused.push(entry);
  if (empty.length > 0) {
    const reasons = (item: PreparedItem) => {
      const why = refused.filter((r) => r.id === item.source.id).map((r) => `${r.modality}: ${r.message}`);
      return why.length ? why.join('; ') : `no ${modalities.join('/')} input`;
    };
    const first = empty[0];
    throw new CatalogInputError(
      `${label(first.source, prepared.indexOf(first))} has no usable modality (${reasons(first)})` + (empty.length > 1 ? ` — and ${empty.length - 1} more items: ${empty.slice(1, 6).map((e) => JSON.stringify(e.source.id)).join(', ')}` : ''),
    );
  }

  // Media.
  const video = { items: 0, videoBytes: 0, posterBytes: 0, seconds: 0 };
  const mediaBytes: Record<Modality, number> = { text: 0, image: 0, audio: 0 };
  const imageMaxSide = options.imageMaxSide ?? DEFAULT_IMAGE_MAX_SIDE;
  const manifestItems: CatalogItem[] = [];
  const rows = new Map(modalities.map((m) => [m, [] as Float32Array[]] as const));
  for (const { source, inputs } of prepared) {
    const item: CatalogItem = { id: source.id, title: source.title, category: source.category, vectorRows: {} };
    if (source.description !== undefined) item.description = source.description;
    if (source.price !== undefined) item.price = source.price;
    if (source.stock !== undefined) item.stock = source.stock;
    if (videos.isVideoItem(source.id) && vectors.get('image')?.has(source.id)) {
      const written = await videos.writeMedia(source.id);
      item.video = written.video;
      item.image = written.image;
      video.items++;
      video.videoBytes += written.videoBytes;
      video.posterBytes += written.posterBytes;
      video.seconds += written.seconds;
    } else if (inputs.image && vectors.get('image')?.has(source.id) && !videos.isVideoItem(source.id)) {
      const rel = `media/image/${names.get(source.id)}.webp`;
      const path = join(outDir, rel);
      if (!existsSync(path)) {
        const rgba = await decodeImageBytes(readFileSync(inputs.image.input), inputs.image.input);
        const webp = await sharp(Buffer.from(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength), { raw: { width: rgba.width, height: rgba.height, channels: 4 } })
          .resize({ width: imageMaxSide, height: imageMaxSide, fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 80, alphaQuality: 80, effort: 4 })
          .toBuffer();
        writeAtomic(path, webp);
      }
      mediaBytes.image += statSync(path).size;
      item.image = rel;
    }
    if (inputs.audio && vectors.get('audio')?.has(source.id) && !videos.isVideoItem(source.id)) {
      // Named by the format its bytes have, never the source's extension: a polyglot named
      // .html must not land on the shop's origin as an HTML page.
      const ext = AUDIO_EXTENSION[sniffAudioFormat(readFileSync(inputs.audio.input)) ?? 'unknown'];
      const rel = `media/audio/${names.get(source.id)}${ext}`;
      const path = join(outDir, rel);
      if (!existsSync(path) || statSync(path).size !== statSync(inputs.audio.input).size) copyAtomic(inputs.audio.input, path);
      mediaBytes.audio += statSync(path).size;
      item.audio = rel;
    }
    for (const m of modalities) {
      const vector = vectors.get(m)!.get(source.id);
      if (!vector) continue;
      item.vectorRows[m] = rows.get(m)!.length;
      rows.get(m)!.push(vector);
    }
    // Key order as in the schema: fields, then vectorRows, then metadata.
    const { vectorRows, ...fields } = item;
    const ordered: CatalogItem = { ...fields, vectorRows };
    if (Object.keys(source.metadata).length > 0) ordered.metadata = source.metadata;
    manifestItems.push(ordered);
  }

  // Vector files.
  const encodersInfo: CatalogManifest['encoders'] = {};
  const vectorFiles: CatalogManifest['vectorFiles'] = {};
  const summaries: BuildSummary['modalities'] = {};
  /** The vectors as stored (decoded back), for the shared space. */
  const stored: Partial<Record<Modality, Float32Array>> = {};
  for (const m of modalities) {
    const list = rows.get(m)!;
    if (list.length === 0) continue;
    const info = current.get(m) ?? partial.get(m)!.encoder;
    if (!info) throw new Error(`no encoder info for ${m}`);
    const bytes = encodeVectors(list, format);
    const rel = `vectors/${m}.${format}`;
    writeAtomic(join(outDir, rel), bytes);
    encodersInfo[m] = { modality: m, name: info.name, version: info.version, dims: info.dims };
    const file: CatalogVectorFile = { path: rel, format, count: list.length, dims: info.dims, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
    vectorFiles[m] = file;
    stored[m] = decodeVectors(bytes, format, list.length, info.dims, rel);
    const s = stats.get(m)!;
    summaries[m] = {
      encoder: `${info.name}@${info.version}`,
      count: list.length,
      embedded: s.embedded,
      reused: s.reused,
      vectorBytes: bytes.byteLength,
      vectorBytesPerItem: bytes.byteLength / list.length,
      mediaBytes: mediaBytes[m],
      mediaBytesPerItem: mediaBytes[m] / list.length,
    };
  }

  // Notice.
  let noticePath: string | undefined;
  if (options.notice !== undefined) {
    writeAtomic(join(outDir, 'NOTICE'), options.notice);
    noticePath = 'NOTICE';
  }
  for (const [name, from] of Object.entries(options.noticeFiles ?? {})) copyAtomic(from, join(outDir, name));

  // Signals.
  let interactionsReport: AggregationReport | undefined;
  let signals: CatalogManifest['signals'];
  if (options.interactions) {
    const aggregated = aggregateInteractions(options.interactions.rows, manifestItems.map((i) => i.id), options.interactions.options);
    signals = aggregated.signals;
    interactionsReport = aggregated.report;
  }

  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: options.name ?? (outDir.replace(/\/+$/, '').split('/').pop() || 'catalog'),
    createdAt: options.createdAt ?? sourceDateEpoch() ?? new Date().toISOString(),
    encoders: encodersInfo,
    vectorFiles,
    items: manifestItems,
  };
  if (options.currency !== undefined) manifest.currency = options.currency;
  if (signals) manifest.signals = signals;

  // Shared space: trained on the vectors as stored, written before the manifest names it.
  let sharedSpaceSummary: BuildSummary['sharedSpace'];
  let sharedWeights: SharedSpaceWeights | undefined;
  if (options.sharedSpace === false) removeSharedSpaceFiles(outDir);
  else {
    const skipped = sharedSpaceSkipReason(manifest);
    if (skipped) {
      removeSharedSpaceFiles(outDir);
      sharedSpaceSummary = { skipped };
    } else {
      const trained = await trainSharedSpace(sharedSpaceDataFromCatalog(manifest, stored), options.sharedSpace ?? {});
      sharedWeights = trained.weights;
      const entry = await writeSharedSpaceFiles(outDir, trained, encodersInfo, options.sharedSpace?.quantization);
      manifest.sharedSpace = entry;
      const binBytes = statSync(join(outDir, SHARED_SPACE_DIR, SHARED_SPACE_BINARY)).size;
      sharedSpaceSummary = { dims: entry.dims, modalities: entry.modalities, bytes: entry.bytes + binBytes, stats: trained.stats };
    }
  }
  // Fusion model: trained on the shop's interactions when it gave some (else the engine's prior).
  let fusionSummary: BuildSummary['fusion'];
  if (options.interactions && signals && signals.events > 0 && options.fusion !== false) {
    const space = new ItemSpace(
      manifest,
      Object.fromEntries(Object.entries(stored).map(([m, data]) => [m, { data: data!, dims: vectorFiles[m as Modality]!.dims }])),
      sharedWeights ? new SharedSpace(sharedWeights) : undefined,
    );
    try {
      const head = options.fusion?.head ?? 'late';
      const trained = await trainFusionModel({ space, rows: options.interactions.rows, signalOptions: options.interactions.options, base: withHead(PRIOR_FUSION_MODEL, head), mlp: head === 'mlp' });
      const { model } = trained;
      manifest.fusion = {
        head,
        weights: model.weights,
        temperature: model.temperature,
        recentItems: model.recentItems,
        recentDecay: model.recentDecay,
        halfLife: model.halfLife,
        ...(model.mlp ? { mlp: model.mlp } : {}),
        training: { cases: trained.cases, validationTop10Prior: round4(trained.validationTop10.base), validationTop10Fitted: round4(trained.validationTop10.fitted), keptFitted: trained.keptFitted },
      };
      fusionSummary = manifest.fusion.training;
    } finally {
      space.release(true);
    }
  }
  if (options.licenses) manifest.licenses = options.licenses;
  if (noticePath) manifest.notice = noticePath;
  if (options.graph === false) removeItemGraphFile(outDir);
  else manifest.graph = await writeItemGraphFile(outDir, manifest, stored, options.graph);
  const manifestText = JSON.stringify(manifest) + '\n';
  writeAtomic(join(outDir, 'manifest.json'), manifestText);
  rmSync(join(outDir, '.partial'), { recursive: true, force: true });

  const seconds = (performance.now() - started) / 1000;
  refused.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.modality.localeCompare(b.modality)));
  return {
    outDir,
    items: manifestItems.length,
    format,
    modalities: summaries,
    refused,
    seconds,
    itemsEmbeddedThisRun: freshItems.size,
    secondsPer100Items: freshItems.size > 0 ? (seconds / freshItems.size) * 100 : 0,
    manifestBytes: Buffer.byteLength(manifestText),
    ...(interactionsReport ? { interactions: interactionsReport } : {}),
    ...(sharedSpaceSummary ? { sharedSpace: sharedSpaceSummary } : {}),
    ...(fusionSummary ? { fusion: fusionSummary } : {}),
    ...(video.items > 0 ? { videos: videos.summary(video.items, video.videoBytes, video.posterBytes, video.seconds) } : {}),
  };
}
