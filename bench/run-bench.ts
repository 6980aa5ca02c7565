// `npm run bench`: drives the built app in Chromium and times each benchmark in the engine
// worker on every available backend, side by side in one run. Prints tables and writes
// bench-results/<name>.json. Timings from a GPU-less machine describe SwiftShader, not a GPU.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { openBenchBrowser } from './bench-browser.ts';
import { formatTable } from './format-table.ts';
import { measureReadBandwidth } from './measure-read-bandwidth.ts';

const RANK_SIZES = [10_000, 100_000];
const DIMS = 256;
const K = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

async function main(): Promise<void> {
  const bandwidth = measureReadBandwidth();
  const browser = await openBenchBrowser();
  try {
    const { page, report } = browser;
    console.log(`Engine chose ${report.backend}: ${report.reason}\n`);
    console.log(`Memory read bandwidth (Node, memchr over ${bandwidth.bytes / 2 ** 20} MiB): ${(bandwidth.bytesPerSecond / 1e9).toFixed(1)} GB/s\n`);
    const rankRows = [];
    for (const items of RANK_SIZES) {
      const rows = await page.evaluate(
        (options) => window.engine!.api.benchmarkRanking(options),
        { items, dims: DIMS, k: K, runs: RUNS },
      );
      const best = Math.min(...rows.map((r) => r.medianMs));
      const floorMs = (rows[0].bytesRead / bandwidth.bytesPerSecond) * 1000;
      console.log(`Rank ${items.toLocaleString('en')} × ${DIMS} fp32 + top-${K} (${RUNS} runs after a warm-up; bandwidth floor ${floorMs.toFixed(2)} ms for ${(rows[0].bytesRead / 1e6).toFixed(1)} MB)`);
      console.log(
        formatTable(
          ['backend', 'median ms', 'min ms', 'max ms', '× best', '× floor'],
          rows.map((r) => [r.backend, r.medianMs, r.minMs, r.maxMs, r.medianMs / best, r.medianMs / floorMs]),
        ),
      );
      console.log('');
      rankRows.push(...rows.map((r) => ({ ...r, ratioToBest: r.medianMs / best, floorMs, ratioToFloor: r.medianMs / floorMs })));
    }
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, userAgent: browser.userAgent },
      readBandwidthBytesPerSecond: bandwidth.bytesPerSecond,
      engineChoice: report,
      rank: rankRows,
    };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/rank.json', JSON.stringify(result, null, 2) + '\n');
    console.log('Wrote bench-results/rank.json');
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
