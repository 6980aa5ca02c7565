import type { Browser } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Int8Matrix } from '../src/engine/ranking/int8-matrix.ts';
import { int8MatrixView } from '../src/engine/ranking/int8-matrix.ts';
import { allocateInt8MatrixInWasm, rankInt8Wasm, wasmInt8Ranker } from '../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { IvfIndex } from '../src/engine/ivf/ivf-index.ts';
import { buildIvf } from '../src/node/catalog/build-ivf.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { clusteredInt8Rows } from '../test/clustered-vectors.ts';
import { formatTable } from './format-table.ts';

export interface IvfSyntheticOptions {
  items: number;
  dims: number;
  clusters: number;
  spread: number;
  seed: number;
  partitions: number;
  sampleSize: number;
  iterations: number;
  queries: number;
  k: number;
  nprobes: number[];
}

export interface IvfRow {
  nprobe: number;
  recallAt10: number;
  /** Network bytes of the first query in a fresh browser (index + centroids + its partitions). */
  firstQueryBytes: number;
  /** Mean network bytes per query over the first pass (partitions not yet held are fetched). */
  meanFirstPassBytes: number;
  /** The same queries again: bytes (0: every partition is held) and latency. */
  repeatedQueryBytes: number;
  firstPassP50Ms: number;
  p50Ms: number;
  p99Ms: number;
  ranker: string;
}

export interface IvfBenchmark {
  options: IvfSyntheticOptions;
  buildSeconds: number;
  partitionSizes: { min: number; median: number; max: number };
  totalBytes: number;
  bruteForceP50Ms: number;
  rows: IvfRow[];
  realData: RealDataIvf[];
}

export interface RealDataIvf {
  catalog: string;
  modality: string;
  items: number;
  partitions: number;
  rows: Array<{ nprobe: number; recallAt10: number }>;
}

const percentile = (times: number[], p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;

/**
 * IVF at a million rows (synthetic clustered vectors, labelled: the sizes a shop would have, not
 * real items): the index is built in Node (seeded k-means, cached in bench-results/ between runs),
 * served next to the app, and searched by the engine worker in Chromium through the Cache API;
 * recall@10 against the exact int8 brute force, which is also what probing every partition gives.
 */
export async function benchmarkIvf(browser: Browser, appUrl: string, distDir: string, o: IvfSyntheticOptions, realCatalogs: string[]): Promise<IvfBenchmark> {
  await initNodeTf('wasm');
  const key = `ivf-${o.items}-${o.dims}-${o.clusters}-${o.spread}-${o.seed}-${o.partitions}-${o.sampleSize}-${o.iterations}`;
  const dir = resolve('bench-results', key);
  const data = clusteredInt8Rows(o.items, o.queries, o.dims, o.clusters, o.spread, o.seed);
  const matrix = allocateInt8MatrixInWasm(o.items, o.dims);
  matrix.scales.set(data.scales);
  matrix.codes.set(data.codes);
  const queries = Array.from({ length: o.queries }, (_, i) => data.extraRows.slice(i * o.dims, (i + 1) * o.dims));
  let buildSeconds: number;
  let partitionSizes: IvfBenchmark['partitionSizes'];
  if (existsSync(join(dir, 'built.json'))) {
    ({ buildSeconds, partitionSizes } = JSON.parse(readFileSync(join(dir, 'built.json'), 'utf8')) as {
      buildSeconds: number;
      partitionSizes: IvfBenchmark['partitionSizes'];
    });
    console.log(`IVF: reusing ${dir} (built in ${buildSeconds.toFixed(0)} s)`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`IVF: building ${o.partitions} partitions over ${o.items.toLocaleString('en')} rows …\n`);
    const built = await buildIvf(join(dir, 'ivf'), matrix, {
      partitions: o.partitions,
      sampleSize: o.sampleSize,
      iterations: o.iterations,
      seed: 1,
      onProgress: (stage, done, total) => process.stderr.write(`IVF: ${stage} ${done}/${total}\n`),
    });
    buildSeconds = built.seconds;
    partitionSizes = built.sizes;
    writeFileSync(join(dir, 'built.json'), JSON.stringify({ buildSeconds, partitionSizes }));
  }
  const totalBytes = o.items * (o.dims + 8);
  // Ground truth: the exact int8 brute force (WASM kernel, same results as the reference).
  const truth: Int32Array[] = [];
  const bruteTimes: number[] = [];
  for (const q of queries) {
    const start = performance.now();
    truth.push(rankInt8Wasm(matrix, q, o.k).indices);
    bruteTimes.push(performance.now() - start);
  }
  // Served by the preview server next to the app.
  const link = join(distDir, 'bench-ivf');
  rmSync(link, { recursive: true, force: true });
  symlinkSync(dir, link);
  const rows: IvfRow[] = [];
  for (const nprobe of o.nprobes) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(new URL('?catalog=none&backend=wasm', appUrl).href);
      await page.waitForFunction(() => document.body.dataset.engine !== undefined, undefined, { timeout: 300_000 });
      const results = await page.evaluate(
        // No named inner functions: tsx would wrap them in a helper the page does not have.
        async ({ queries, nprobe, k }) => {
          const api = window.engine!.api;
          const first = [];
          for (const q of queries) first.push(await api.ivfSearch({ indexUrl: 'bench-ivf/ivf/index.json', query: Float32Array.from(q), k, nprobe }));
          const again = [];
          for (const q of queries) again.push(await api.ivfSearch({ indexUrl: 'bench-ivf/ivf/index.json', query: Float32Array.from(q), k, nprobe }));
          return { first, again };
        },
        { queries: queries.map((q) => Array.from(q)), nprobe, k: o.k },
      );
      let hits = 0;
      results.again.forEach((r, i) => {
        const set = new Set(truth[i]!);
        hits += r.rows.filter((row) => set.has(row)).length;
      });
      rows.push({
        nprobe,
        recallAt10: hits / (o.queries * o.k),
        firstQueryBytes: results.first[0]!.bytesFetched,
        meanFirstPassBytes: results.first.reduce((s, r) => s + r.bytesFetched, 0) / o.queries,
        repeatedQueryBytes: results.again.reduce((s, r) => s + r.bytesFetched, 0) / o.queries,
        firstPassP50Ms: percentile(
          results.first.map((r) => r.searchMs),
          50,
        ),
        p50Ms: percentile(
          results.again.map((r) => r.searchMs),
          50,
        ),
        p99Ms: percentile(
          results.again.map((r) => r.searchMs),
          99,
        ),
        ranker: results.again[0]!.ranker,
      });
    } finally {
      await context.close();
    }
  }
  const realData: RealDataIvf[] = [];
  for (const folder of realCatalogs) realData.push(...(await realCatalogRecall(folder, o.nprobes)));
  const result = { options: o, buildSeconds, partitionSizes, totalBytes, bruteForceP50Ms: percentile(bruteTimes, 50), rows, realData };
  printIvf(result);
  return result;
}

/** Recall@10 of IVF over a real catalog's int8 vectors, every item's own vector as a query (Node). */
async function realCatalogRecall(folder: string, nprobes: number[]): Promise<RealDataIvf[]> {
  const manifestPath = join('public', 'catalogs', folder, 'manifest.json');
  if (!existsSync(manifestPath)) {
    console.log(`IVF real data: ${folder} is not built (npm run catalog -- build --source … --out public/catalogs/${folder})`);
    return [];
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    name: string;
    vectorFiles: Record<string, { path: string; count: number; dims: number; format: string }>;
  };
  const out: RealDataIvf[] = [];
  for (const [modality, file] of Object.entries(manifest.vectorFiles)) {
    if (file.format !== 'int8') continue;
    const matrix: Int8Matrix = int8MatrixView(new Uint8Array(readFileSync(join('public', 'catalogs', folder, file.path))), file.count, file.dims);
    const dir = resolve('bench-results', `ivf-real-${folder}-${modality}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const built = await buildIvf(dir, matrix, { seed: 1 });
    const server = await serveFolder(dir);
    try {
      const ivf = await IvfIndex.open(`${server.url}index.json`, wasmInt8Ranker, { caches: null });
      const queries = Math.min(file.count, 500);
      const rows = [];
      for (const nprobe of nprobes.filter((n) => n <= built.partitions * 2)) {
        let hits = 0;
        let total = 0;
        for (let i = 0; i < queries; i++) {
          const row = Math.floor((i * file.count) / queries);
          const q = Float32Array.from(matrix.codes.subarray(row * file.dims, (row + 1) * file.dims), (c) => c * matrix.scales[row]!);
          const expected = new Set(rankInt8Wasm(matrix, q, 10).indices);
          const got = await ivf.search(q, 10, { nprobe });
          hits += Array.from(got.rows).filter((r) => expected.has(r)).length;
          total += expected.size;
        }
        rows.push({ nprobe: Math.min(nprobe, built.partitions), recallAt10: hits / total });
      }
      out.push({ catalog: manifest.name, modality, items: file.count, partitions: built.partitions, rows });
    } finally {
      server.close();
    }
  }
  return out;
}

async function serveFolder(dir: string): Promise<{ url: string; close(): void }> {
  const server: Server = createServer((req, res) => {
    try {
      res.end(readFileSync(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, close: () => server.close() };
}

function printIvf(r: IvfBenchmark): void {
  const o = r.options;
  console.log(
    `IVF over ${o.items.toLocaleString('en')} synthetic clustered ${o.dims}-d int8 rows (${o.clusters} clusters, labelled synthetic), ${o.partitions} partitions ` +
      `(${r.partitionSizes.min}/${r.partitionSizes.median}/${r.partitionSizes.max} rows min/median/max; built in ${r.buildSeconds.toFixed(0)} s); ${o.queries} queries in the engine worker; recall vs the exact int8 brute force (${r.bruteForceP50Ms.toFixed(1)} ms p50 in Node)`,
  );
  console.log(
    formatTable(
      ['nprobe', 'recall@10', 'first query kB', 'mean kB/query (first pass)', 'repeated kB', 'first pass p50 ms', 'p50 ms', 'p99 ms', 'kernel'],
      r.rows.map((x) => [
        x.nprobe,
        x.recallAt10.toFixed(3),
        x.firstQueryBytes / 1000,
        x.meanFirstPassBytes / 1000,
        x.repeatedQueryBytes / 1000,
        x.firstPassP50Ms,
        x.p50Ms,
        x.p99Ms,
        x.ranker,
      ]),
    ),
  );
  console.log(`(all partitions: ${(r.totalBytes / 1e6).toFixed(0)} MB; a brute-force visitor downloads all of it)\n`);
  for (const real of r.realData) {
    console.log(
      `IVF on real data: ${real.catalog} ${real.modality} vectors (${real.items} items, ${real.partitions} partitions; every ${real.items > 500 ? 'n-th item' : 'item'} as a query; recall vs brute force)`,
    );
    console.log(
      formatTable(
        ['nprobe', 'recall@10'],
        real.rows.map((x) => [x.nprobe, x.recallAt10.toFixed(3)]),
      ),
    );
    console.log('');
  }
}
