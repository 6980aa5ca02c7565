/**
 * Node side of a catalog's shared space: read a built catalog's vectors back, write the
 * trained projections as `shared-space/weights.json` + `shared-space/weights.bin` (format in
 * src/engine/catalog/shared-space-format.ts), and add a shared space to a catalog that was
 * built without one — from the stored vectors, without embedding anything again.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODALITIES, catalogModalities, type CatalogManifest, type CatalogSharedSpace } from '../../engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../engine/catalog/catalog-manifest-parser.ts';
import { DEFAULT_SHARED_SPACE_QUANTIZATION, encodeSharedSpace, type SharedSpaceQuantization } from '../../engine/catalog/shared-space-format.ts';
import { decodeVectorFile, sha256Hex } from '../../engine/catalog/vector-codec.ts';
import type { Modality } from '../../protocol/embedding.ts';
import { sharedSpaceDataFromCatalog, trainSharedSpace, type TrainedSharedSpace, type TrainSharedSpaceOptions } from './train-shared-space.ts';

/** Folder (relative to the catalog) and file names of the shared space. */
export const SHARED_SPACE_DIR = 'shared-space';
export const SHARED_SPACE_SPEC = `${SHARED_SPACE_DIR}/weights.json`;
export const SHARED_SPACE_BINARY = 'weights.bin';

export interface SharedSpaceBuildOptions extends TrainSharedSpaceOptions {
  /** How the weights are stored (default uint8: measured as good as float16 at half the bytes). */
  quantization?: SharedSpaceQuantization;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

/** A built catalog's manifest and decoded vectors (each file's length and SHA-256 checked). */
export async function readCatalogFolder(dir: string): Promise<{ manifest: CatalogManifest; vectors: Partial<Record<Modality, Float32Array>> }> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = parseCatalogManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  const vectors: Partial<Record<Modality, Float32Array>> = {};
  for (const modality of catalogModalities(manifest)) {
    const file = manifest.vectorFiles[modality]!;
    const path = join(dir, file.path);
    vectors[modality] = await decodeVectorFile(new Uint8Array(readFileSync(path)), file, path);
  }
  return { manifest, vectors };
}

/** Writes the trained projections into `dir/shared-space/` and returns the manifest entry. */
export async function writeSharedSpaceFiles(
  dir: string,
  trained: TrainedSharedSpace,
  encoders: CatalogManifest['encoders'],
  quantization: SharedSpaceQuantization = DEFAULT_SHARED_SPACE_QUANTIZATION,
): Promise<CatalogSharedSpace> {
  const encoded = await encodeSharedSpace(trained.weights, {
    encoders,
    quantization,
    temperature: trained.temperature,
    training: { ...reproducibleStats(trained.stats), quantization },
    binaryName: SHARED_SPACE_BINARY,
  });
  // The binary first: the spec (and then the manifest) only ever name a complete file.
  writeAtomic(join(dir, SHARED_SPACE_DIR, SHARED_SPACE_BINARY), encoded.weightsBytes);
  writeAtomic(join(dir, SHARED_SPACE_SPEC), encoded.specBytes);
  return {
    path: SHARED_SPACE_SPEC,
    bytes: encoded.specBytes.byteLength,
    sha256: await sha256Hex(encoded.specBytes),
    dims: encoded.spec.dims,
    modalities: MODALITIES.filter((m) => encoded.spec.modalities[m] !== undefined),
  };
}

/** Removes `dir/shared-space/` (a catalog rebuilt without one must not keep stale files). */
export function removeSharedSpaceFiles(dir: string): void {
  rmSync(join(dir, SHARED_SPACE_DIR), { recursive: true, force: true });
}

/** Items with at least two modalities: a shared space is trained only when there are at least this many. */
export const MIN_SHARED_SPACE_ITEMS = 8;

/** Why a catalog gets no shared space, or undefined when it can have one. */
export function sharedSpaceSkipReason(manifest: CatalogManifest): string | undefined {
  const modalities = catalogModalities(manifest).filter((m) => manifest.vectorFiles[m]!.count > 0);
  if (modalities.length < 2) return `it has vectors of ${modalities.length === 1 ? 'one modality' : 'no modality'}`;
  const paired = manifest.items.filter((item) => modalities.filter((m) => item.vectorRows[m] !== undefined).length >= 2).length;
  if (paired < MIN_SHARED_SPACE_ITEMS) return `only ${paired} items have two modalities (at least ${MIN_SHARED_SPACE_ITEMS} needed)`;
  return undefined;
}

export interface AddSharedSpaceResult {
  entry?: CatalogSharedSpace;
  stats?: TrainedSharedSpace['stats'];
  skipped?: string;
}

/**
 * Trains a shared space for the catalog in `dir` from its stored vectors and adds it to the
 * manifest (rewritten atomically; everything else in it stays as it was). Replaces an
 * existing shared space.
 */
export async function addSharedSpaceToCatalog(dir: string, options: SharedSpaceBuildOptions = {}): Promise<AddSharedSpaceResult> {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} not found: build the catalog first`);
  const { manifest, vectors } = await readCatalogFolder(dir);
  const skipped = sharedSpaceSkipReason(manifest);
  if (skipped) return { skipped };
  const trained = await trainSharedSpace(sharedSpaceDataFromCatalog(manifest, vectors), options);
  const entry = await writeSharedSpaceFiles(dir, trained, manifest.encoders, options.quantization);
  const raw = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  // Key order as the builder writes it: sharedSpace after signals, before licences and notice.
  const { licenses, notice, sharedSpace: _old, ...rest } = raw;
  const next: Record<string, unknown> = { ...rest, sharedSpace: entry };
  if (licenses !== undefined) next.licenses = licenses;
  if (notice !== undefined) next.notice = notice;
  parseCatalogManifest(next, manifestPath); // never write a manifest the app would refuse
  writeAtomic(manifestPath, JSON.stringify(next) + '\n');
  return { entry, stats: trained.stats };
}

/** Under SOURCE_DATE_EPOCH (reproducible builds, e.g. a sharded build checked against a single one) the wall-clock training time stays out of the file. */
function reproducibleStats(stats: TrainedSharedSpace['stats']): Partial<TrainedSharedSpace['stats']> {
  if (process.env.SOURCE_DATE_EPOCH === undefined) return stats;
  const { seconds: _seconds, ...rest } = stats;
  return rest;
}
