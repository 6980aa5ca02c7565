/**
 * A numeric fixture for the learned model in a catalog, not data: 48 items in 4 categories;
 * "text" (16-d) and "image" (24-d) vectors are seeded noise around a category direction (item 5
 * has no image); 60 sessions of 6 views walk inside one category. Used by the unit test and by
 * make-learned-parity-fixture.ts (the Node ↔ browser-worker parity fixture).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CATALOG_SCHEMA_VERSION, type CatalogManifest } from '../src/engine/catalog/catalog-manifest.ts';
import { encodeVectors, sha256Hex } from '../src/engine/catalog/vector-codec.ts';
import { ItemSpace } from '../src/engine/recommend/item-space.ts';
import { mulberry32 } from '../src/shared/seeded-random.ts';
import { aggregateInteractions, type InteractionRow } from '../src/node/catalog/aggregate-interactions.ts';
import { buildLearnedModel } from '../src/node/catalog/learned-model-stage.ts';
import type { LoadedCatalogFiles } from '../src/engine/catalog/fetch-catalog.ts';
import { loadCatalogFolder } from './load-catalog-folder.ts';

export const N = 48;
/** The committed Node ↔ browser parity catalog (make-learned-parity-fixture.ts): a 16-d sequence model with id embeddings. */
export const PARITY_FIXTURE_DIR = resolve(import.meta.dirname, 'browser/fixtures/learned-parity');
const CATEGORIES = ['animals', 'food', 'vehicles', 'symbols'];

function unit(v: Float32Array): Float32Array {
  const n = Math.hypot(...v) || 1;
  return v.map((x) => x / n);
}

/** A catalog folder with text + image vectors (no learned model yet). */
export async function writeBaseCatalog(dir: string): Promise<{ manifest: CatalogManifest; stored: { text: Float32Array; image: Float32Array } }> {
  const random = mulberry32(3);
  const vec = (dims: number, c: number) => unit(Float32Array.from({ length: dims }, (_, d) => (d % 4 === c ? 1 : 0) + 0.5 * (random() - 0.5)));
  const text = Array.from({ length: N }, (_, i) => vec(16, i % 4));
  const image = Array.from({ length: N }, (_, i) => vec(24, i % 4)).filter((_, i) => i !== 5);
  const textBytes = encodeVectors(text, 'int8');
  const imageBytes = encodeVectors(image, 'int8');
  writeFileSync(join(dir, 'text.int8'), textBytes);
  writeFileSync(join(dir, 'image.int8'), imageBytes);
  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: 'fixture',
    createdAt: '2026-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 16 }, image: { modality: 'image', name: 'i', version: '1', dims: 24 } },
    vectorFiles: {
      text: { path: 'text.int8', format: 'int8', count: N, dims: 16, bytes: textBytes.byteLength, sha256: await sha256Hex(textBytes) },
      image: { path: 'image.int8', format: 'int8', count: N - 1, dims: 24, bytes: imageBytes.byteLength, sha256: await sha256Hex(imageBytes) },
    },
    items: Array.from({ length: N }, (_, i) => ({
      id: `item${i}`,
      title: `Item ${i}`,
      category: CATEGORIES[i % 4]!,
      vectorRows: i === 5 ? { text: i } : { text: i, image: i < 5 ? i : i - 1 },
    })),
  };
  const decode = (rows: Float32Array[], dims: number) => {
    const out = new Float32Array(rows.length * dims);
    rows.forEach((r, i) => out.set(r, i * dims));
    return out;
  };
  return { manifest, stored: { text: decode(text, 16), image: decode(image, 24) } };
}

/** Sessions of 6 views inside one category. */
export function log(): InteractionRow[] {
  const random = mulberry32(9);
  const rows: InteractionRow[] = [];
  for (let s = 0; s < 60; s++) {
    const c = s % 4;
    for (let t = 0; t < 6; t++)
      rows.push({ session: `s${s}`, item: `item${c + 4 * Math.floor(random() * 12)}`, timestamp: 1_700_000_000 + s * 1000 + t * 10, event: 'view' });
  }
  return rows;
}

/** Builds the learned model into `dir` and writes the manifest naming it. */
export async function buildInto(dir: string, withLog: boolean, seed = 1, dims = 8): Promise<CatalogManifest> {
  const { manifest, stored } = await writeBaseCatalog(dir);
  const rows = log();
  if (withLog)
    manifest.signals = aggregateInteractions(
      rows,
      manifest.items.map((i) => i.id),
    ).signals;
  const space = new ItemSpace(manifest, { text: { data: stored.text, dims: 16 }, image: { data: stored.image, dims: 24 } }, undefined);
  const built = await buildLearnedModel(
    { outDir: dir, manifest, stored, space, ...(withLog ? { interactions: { rows } } : {}) },
    { seed, epochs: 2, towerSteps: 30, dims },
  );
  space.release(true);
  manifest.learnedModel = built.entry;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}

/**
 * The learned-model tests' two catalogs: the parity fixture (`sequence`) and one built into `dir`
 * from the same numbers without a log (`pooling`: no id embeddings). Needs a tfjs backend.
 */
export async function loadSequenceAndPooling(dir: string): Promise<{ sequence: LoadedCatalogFiles; pooling: LoadedCatalogFiles }> {
  const sequence = await loadCatalogFolder(PARITY_FIXTURE_DIR);
  await buildInto(dir, false);
  return { sequence, pooling: await loadCatalogFolder(dir) };
}
