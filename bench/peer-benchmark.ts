import type { Browser } from '@playwright/test';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';
import { quantizeInt8Rows } from '../src/engine/ranking/int8-matrix.ts';
import { buildIvf } from '../src/node/catalog/build-ivf.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { clusteredVectors } from '../test/clustered-vectors.ts';
import type { PeerOptions, PeerRow } from './peers/peer-runs.ts';
import { formatTable } from './format-table.ts';

export interface PeerBenchmark {
  options: Omit<PeerOptions, 'ivfUrl'>;
  ivfBuildSeconds: number;
  rows: PeerRow[];
}

/**
 * Ours (int8 brute force and IVF) next to hnswlib-wasm and voy-search in one Chromium page, on the
 * same synthetic clustered vectors, served by a Vite dev server for bench/peers/ (the peers' own
 * packages as a shop would bundle them). Our IVF partitions are built here in Node first. The page is
 * cross-origin isolated, so performance.now() has microsecond, not 100 µs, resolution.
 */
export async function benchmarkPeers(
  browser: Browser,
  options: Omit<PeerOptions, 'ivfUrl'>,
  port = Number(process.env.BENCH_PORT ?? 4174) + 1,
): Promise<PeerBenchmark> {
  const publicDir = join('bench-results', `peers-ivf-${options.items}`);
  rmSync(publicDir, { recursive: true, force: true });
  mkdirSync(publicDir, { recursive: true });
  await initNodeTf('wasm');
  const matrix = quantizeInt8Rows(clusteredVectors(options.items, options.dims, options.clusters, options.spread, options.seed), options.dims);
  const built = await buildIvf(join(publicDir, 'ivf'), matrix, { seed: 1 });
  const server = await createServer({
    root: 'bench/peers',
    publicDir: join(process.cwd(), publicDir),
    server: {
      port,
      host: '127.0.0.1',
      strictPort: true,
      fs: { allow: [process.cwd()] },
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
    optimizeDeps: { noDiscovery: true, include: [] },
    logLevel: 'error',
  });
  await server.listen();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[peers page] ${msg.text()}`);
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => typeof window.peerBench === 'function', undefined, { timeout: 120_000 });
    const rows = await page.evaluate((o) => window.peerBench(o), { ...options, ivfUrl: '/ivf/index.json' });
    printPeers(options.items, rows);
    return { options, ivfBuildSeconds: built.seconds, rows };
  } finally {
    await context.close();
    await server.close();
  }
}

export function printPeers(items: number, rows: PeerRow[]): void {
  console.log(
    `Peers on ${items.toLocaleString('en')} synthetic clustered 256-d vectors (same vectors, same Chromium page; recall@10 vs exact float32; latency per query)`,
  );
  const lines: Array<Array<string | number>> = [];
  for (const row of rows) {
    if (!row.built || row.settings.length === 0) {
      lines.push([
        row.system,
        '–',
        '–',
        '–',
        '–',
        Number.isFinite(row.buildMs) ? (row.buildMs / 1000).toFixed(1) : '–',
        mb(row.downloadBytes),
        row.memoryBytes ? mb(row.memoryBytes) : '',
        row.note ?? '',
      ]);
      continue;
    }
    for (const s of row.settings)
      lines.push([
        row.system,
        s.setting,
        s.recallAt10.toFixed(3),
        s.p50Ms,
        s.p99Ms,
        Number.isFinite(row.buildMs) ? (row.buildMs / 1000).toFixed(1) : '(see IVF)',
        mb(s.firstQueryBytes ?? row.downloadBytes),
        row.memoryBytes ? mb(row.memoryBytes) : '',
        s.firstQueryBytes === undefined && row.downloadBytesSource && !row.downloadBytesSource.startsWith('measured')
          ? `download: ${row.downloadBytesSource}`
          : (row.note ?? ''),
      ]);
  }
  console.log(formatTable(['system', 'setting', 'recall@10', 'p50 ms', 'p99 ms', 'build s', 'download MB (first query)', 'memory MB', 'note'], lines));
  console.log('');
}

const mb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1e6).toFixed(2) : '–');
