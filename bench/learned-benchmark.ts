// The `learned` section of npm run bench (issue 10): for-you with the catalog's learned model in
// the browser engine (the worker of the production build, served by vite preview), per backend,
// at 961 items (the real default catalog) and at 10,000 and 100,000 SYNTHETIC items (clustered
// vectors from test/clustered-vectors.ts, as the IVF and peers sections use; a seeded untrained
// sequence model: timings and bytes only, no quality). Side by side in one call per backend:
// for-you with the blend, for-you without the learned model (today's fusion path), the learned
// model alone (user vector + int8 top-10), and a viewed off-catalog image → updated for-you.
//
// The catalogs are written as real catalog folders (manifest, vector files, model files with
// their sha256) under bench-results/ and served next to the app, so they load through the
// engine's own loader. Each blends with w = 1: the default catalog ships w = 0 (it has no
// interaction log to fit w on), so its bench copy is the same files with w set to 1, labelled.
import type { Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CatalogManifest } from '../src/engine/catalog/catalog-manifest.ts';
import { CATALOG_SCHEMA_VERSION } from '../src/engine/catalog/catalog-manifest.ts';
import { encodeLearnedWeights, shippedWeights, towerModalities, type CatalogLearnedModel } from '../src/engine/catalog/learned-model-format.ts';
import { sha256Hex } from '../src/engine/catalog/vector-codec.ts';
import { modelConfig } from '../src/engine/model/model-config.ts';
import { initialWeights } from '../src/engine/model/model-weights.ts';
import type { RecommendBenchmarkRow } from '../src/protocol/engine-api.ts';
import type { BackendName } from '../src/protocol/backend-name.ts';
import { clusteredInt8Rows } from '../test/clustered-vectors.ts';
import { formatTable } from './format-table.ts';

export interface LearnedBenchCatalog {
  items: number;
  synthetic: boolean;
  /** Served at this folder next to the app. */
  folder: string;
  /** Bytes per item held for ranking: the learned model's int8 rows (d codes + a float32 scale) and the kernel's mask byte. */
  learnedBytesPerItem: number;
  /** Bytes per item today's fusion path holds: the decoded float32 modality vectors (the backend's uploaded copy comes on top). */
  engineBytesPerItem: number;
  dims: number;
  note: string;
}

export interface LearnedBenchRow extends RecommendBenchmarkRow {
  synthetic: boolean;
}

export interface LearnedBenchmark {
  catalogs: LearnedBenchCatalog[];
  rows: LearnedBenchRow[];
  /** Per catalog and backend that did not run: why. */
  notRun: Array<{ items: number; backend: string; reason: string }>;
}

const D = 64;
const HISTORY = 10;

/** A vector file body (vector-codec.ts int8 layout: scales, then codes) of clustered synthetic rows. */
function int8File(count: number, dims: number, seed: number): Uint8Array {
  const rows = clusteredInt8Rows(count, 0, dims, 200, 1.0, seed);
  const out = new Uint8Array(count * (dims + 4));
  out.set(new Uint8Array(rows.scales.buffer, rows.scales.byteOffset, count * 4), 0);
  out.set(new Uint8Array(rows.codes.buffer, rows.codes.byteOffset, count * dims), count * 4);
  return out;
}

/** A synthetic catalog folder of `n` items (text 512 + image 1280 int8, the default catalog's encoders; learned d = 64, sequence model, w = 1), cached between runs. */
export async function writeSyntheticCatalog(dir: string, n: number, real: CatalogManifest): Promise<void> {
  if (existsSync(join(dir, 'manifest.json'))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'model'), { recursive: true });
  const encoders = { text: real.encoders.text!, image: real.encoders.image! };
  const vectorFiles: CatalogManifest['vectorFiles'] = {};
  for (const [modality, seed] of [
    ['text', n + 1],
    ['image', n + 2],
  ] as const) {
    const dims = encoders[modality].dims;
    const bytes = int8File(n, dims, seed);
    writeFileSync(join(dir, `${modality}.int8`), bytes);
    vectorFiles[modality] = { path: `${modality}.int8`, format: 'int8', count: n, dims, bytes: bytes.byteLength, sha256: await sha256Hex(bytes) };
  }
  const base = { dims: D, maxLength: 50, blocks: 1, idItems: 0, userModel: 'sequence' as const, modalities: ['text' as const, 'image' as const] };
  const encoderDims = { text: encoders.text.dims, image: encoders.image.dims };
  const layout = shippedWeights(base, towerModalities(base, encoderDims));
  const weights = encodeLearnedWeights(initialWeights(modelConfig({ modalities: towerModalities(base, encoderDims), dims: D }), 1), layout);
  const itemVectors = int8File(n, D, n + 3);
  writeFileSync(join(dir, 'model', 'weights.bin'), weights);
  writeFileSync(join(dir, 'model', 'item-vectors.int8'), itemVectors);
  const learnedModel: CatalogLearnedModel = {
    ...base,
    path: 'model/weights.bin',
    bytes: weights.byteLength,
    sha256: await sha256Hex(weights),
    itemVectors: { path: 'model/item-vectors.int8', format: 'int8', count: n, dims: D, bytes: itemVectors.byteLength, sha256: await sha256Hex(itemVectors) },
    blendWeight: 1,
    training: { source: 'synthetic: seeded untrained weights (bench only)' },
  };
  const manifest: CatalogManifest = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    name: `synthetic-${n}`,
    createdAt: '2026-01-01T00:00:00Z',
    encoders,
    vectorFiles,
    items: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, title: `Synthetic ${i}`, category: `c${i % 50}`, vectorRows: { text: i, image: i } })),
    learnedModel,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

/** The default catalog's files (links) with the blend weight set to 1. */
function writeRealCopy(dir: string, source: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(source)) if (name !== 'manifest.json') symlinkSync(resolve(source, name), join(dir, name));
  const manifest = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8')) as CatalogManifest;
  manifest.learnedModel!.blendWeight = 1;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

function describeCatalog(manifest: CatalogManifest, folder: string, synthetic: boolean, note: string): LearnedBenchCatalog {
  const dims = manifest.learnedModel!.dims;
  const floats = Object.values(manifest.vectorFiles).reduce((s, f) => s + (f ? f.count * f.dims : 0), 0);
  return {
    items: manifest.items.length,
    synthetic,
    folder,
    learnedBytesPerItem: dims + 4 + 1,
    engineBytesPerItem: (floats * 4) / manifest.items.length,
    dims,
    note,
  };
}

/**
 * Writes the catalogs, serves them from `distDir`, and times each on each backend in `page`'s
 * engine (one backend per call, so one that fails does not stop the others).
 */
export async function benchmarkLearned(
  page: Page,
  distDir: string,
  options: {
    sizes: number[];
    runs: number;
    largeRuns: number;
    maxRunMs: number;
    exampleImage: Buffer;
    backends: BackendName[];
    /** Larger catalogs are not run on WebGPU (SwiftShader here: minutes per for-you call at 100,000 items). */
    webgpuMaxItems: number;
  },
): Promise<LearnedBenchmark> {
  const realDir = join('public', 'catalogs', 'tuxpaint');
  const out: LearnedBenchmark = { catalogs: [], rows: [], notRun: [] };
  if (!existsSync(join(realDir, 'manifest.json'))) {
    console.log(`Learned for-you: the default catalog is not built (npm run catalog:default); section not run\n`);
    return out;
  }
  const real = JSON.parse(readFileSync(join(realDir, 'manifest.json'), 'utf8')) as CatalogManifest;
  if (!real.learnedModel) {
    console.log(`Learned for-you: the default catalog has no learned model (rebuild it: npm run catalog:default); section not run\n`);
    return out;
  }
  const root = resolve('bench-results', 'learned-catalogs');
  const realCopy = join(root, 'tuxpaint-w1');
  writeRealCopy(realCopy, realDir);
  const catalogs: Array<{ dir: string; info: LearnedBenchCatalog }> = [
    {
      dir: realCopy,
      info: describeCatalog(
        real,
        'bench-learned-tuxpaint',
        false,
        `real default catalog, ${real.learnedModel.userModel} user model, shipped w = ${real.learnedModel.blendWeight}, set to 1 for the bench`,
      ),
    },
  ];
  for (const n of options.sizes) {
    const dir = join(root, `synthetic-${n}-d${D}`);
    process.stderr.write(`Learned: writing the synthetic ${n.toLocaleString('en')}-item catalog (cached in ${dir}) …\n`);
    await writeSyntheticCatalog(dir, n, real);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CatalogManifest;
    catalogs.push({
      dir,
      info: describeCatalog(manifest, `bench-learned-${n}`, true, 'SYNTHETIC clustered vectors, seeded untrained sequence model, w = 1'),
    });
  }
  for (const { dir, info } of catalogs) {
    const link = join(distDir, info.folder);
    rmSync(link, { recursive: true, force: true });
    symlinkSync(dir, link);
    out.catalogs.push(info);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CatalogManifest;
    const step = Math.max(1, Math.floor(manifest.items.length / HISTORY));
    const viewed = Array.from({ length: HISTORY }, (_, i) => manifest.items[i * step]!.id);
    const runs = info.items > 10_000 ? options.largeRuns : options.runs;
    for (const backend of options.backends) {
      if (backend === 'webgpu' && info.items > options.webgpuMaxItems) {
        const at = out.rows.filter((r) => r.backend === 'webgpu').at(-1);
        const reason = `not run above ${options.webgpuMaxItems.toLocaleString('en')} items (BENCH_LEARNED_WEBGPU_MAX_ITEMS)${at ? `: for-you took ${at.forYou.medianMs.toFixed(0)} ms at ${at.items.toLocaleString('en')} items on SwiftShader` : ''}`;
        out.notRun.push({ items: info.items, backend, reason });
        continue;
      }
      process.stderr.write(`Learned: ${info.items.toLocaleString('en')} items on ${backend} …\n`);
      try {
        const rows = await page.evaluate(
          async ({ folder, viewed, image, runs, maxRunMs, backend }) => {
            const api = window.engine!.api;
            await api.loadCatalog(`${folder}/`);
            await api.forgetProfile();
            for (const [i, id] of viewed.entries()) await api.track('view', id, { at: Date.now() - 60_000 + i });
            const bytes = Uint8Array.from(atob(image), (c) => c.charCodeAt(0)).buffer;
            return api.benchmarkRecommend({
              k: 10,
              runs,
              exampleImage: bytes,
              exampleRuns: Math.min(runs, 3),
              maxRunMs,
              skipExample: true,
              backends: [backend],
            });
          },
          { folder: info.folder, viewed, image: options.exampleImage.toString('base64'), runs, maxRunMs: options.maxRunMs, backend },
        );
        out.rows.push(...rows.map((r) => ({ ...r, synthetic: info.synthetic })));
      } catch (error) {
        const reason = (error as Error).message.split('\n')[0]!.slice(0, 300);
        out.notRun.push({ items: info.items, backend, reason });
        process.stderr.write(`Learned: ${info.items} on ${backend} not run: ${reason}\n`);
      }
    }
  }
  // Kept before printing, so a run's numbers are never lost.
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'learned.json'), JSON.stringify({ date: new Date().toISOString(), ...out }, null, 2) + '\n');
  printLearned(out);
  return out;
}

function printLearned(result: LearnedBenchmark): void {
  console.log(
    'for-you with the learned model in the engine worker (k = 10, 10 viewed items; median ms): with the blend (w = 1), without the learned model (today’s fusion path), the learned model alone (user vector + int8 top-10), and a viewed off-catalog image → updated for-you. webgpu here is SwiftShader (software), not a GPU.',
  );
  console.log(
    formatTable(
      [
        'items',
        'synthetic',
        'backend',
        'int8 kernel',
        'for-you (blend) ms',
        'today’s path ms',
        'learned alone ms',
        'user model ms',
        'mask + int8 top-10 ms',
        'off-catalog image → for-you ms',
        'learned B/item',
        'today B/item',
      ],
      result.rows.map((r) => {
        const c = result.catalogs.find((x) => x.items === r.items)!;
        return [
          r.items,
          r.synthetic ? 'yes' : 'no',
          r.backend,
          r.learned?.int8Ranker ?? '',
          r.forYou.medianMs,
          r.learned?.forYouWithoutLearned?.medianMs ?? NaN,
          r.learned?.learnedTopK.medianMs ?? NaN,
          r.learned?.userVector.medianMs ?? NaN,
          r.learned?.rank.medianMs ?? NaN,
          r.offCatalogViewToRecs?.medianMs ?? NaN,
          c.learnedBytesPerItem,
          c.engineBytesPerItem,
        ];
      }),
    ),
  );
  for (const c of result.catalogs) console.log(`  ${c.items.toLocaleString('en')}: ${c.note}`);
  for (const n of result.notRun) console.log(`  ${n.items.toLocaleString('en')} on ${n.backend}: not run (${n.reason})`);
  console.log('');
}
