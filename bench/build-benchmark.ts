import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BuildRow {
  workers: number;
  items: number;
  seconds: number;
  itemsPerSecond: number;
}

/**
 * The catalog builder on the first `items` Tux Paint stamps (text, image, audio), with 1 worker and
 * with `workers` parallel shard processes, each from an empty folder: wall time of the whole CLI,
 * model loading, shared-space training and the merge included, as a user would wait for it.
 */
export async function benchmarkBuild(items: number, workerCounts: number[]): Promise<BuildRow[]> {
  const rows: BuildRow[] = [];
  for (const workers of workerCounts) {
    const out = mkdtempSync(join(tmpdir(), `bench-build-${workers}-`));
    try {
      const start = performance.now();
      await run(
        process.execPath,
        [
          'node_modules/tsx/dist/cli.mjs',
          'src/node/catalog/catalog-cli.ts',
          'build',
          '--source',
          'tuxpaint',
          '--limit',
          String(items),
          '--out',
          out,
          '--workers',
          String(workers),
        ],
        { maxBuffer: 64 << 20 },
      );
      const seconds = (performance.now() - start) / 1000;
      rows.push({ workers, items, seconds, itemsPerSecond: items / seconds });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return rows;
}
