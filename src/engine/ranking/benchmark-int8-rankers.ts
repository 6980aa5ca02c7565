/**
 * The int8 kernels side by side on the same seeded int8 rows (synthetic: uniform codes and scales,
 * for speed only). The rows are written straight into WASM memory, so a million 256-d rows cost
 * 260 MB once, shared by every kernel (WebGPU uploads them to its own buffer).
 */
import type { Int8RankBenchmarkRow } from '../../protocol/engine-api.ts';
import { mulberry32 } from '../../shared/seeded-random.ts';
import { summarize, timeRunsWithin } from '../backends/timing-stats.ts';
import { int8Ranker, INT8_RANKER_NAMES, isInt8RankerName } from './int8-rankers.ts';
import { rankInt8Reference } from './rank-int8-reference.ts';
import { allocateInt8MatrixInWasm } from './wasm/rank-int8-wasm.ts';
import { WebGpuInt8Ranker } from './webgpu/rank-int8-webgpu.ts';

export async function benchmarkInt8Rankers(options: {
  items: number;
  dims: number;
  k: number;
  runs: number;
  rankers?: string[];
  maxRunMs?: number;
}): Promise<Int8RankBenchmarkRow[]> {
  const { items, dims, k, runs } = options;
  const matrix = allocateInt8MatrixInWasm(items, dims);
  const random = mulberry32(3);
  for (let r = 0; r < items; r++) matrix.scales[r] = 0.004 + random() * 0.002;
  // Four codes per random draw: filling 256 MB must not take longer than the benchmark.
  const words = new Uint32Array(matrix.codes.buffer, matrix.codes.byteOffset, (items * dims) >> 2);
  for (let i = 0; i < words.length; i++) words[i] = (random() * 4294967296) >>> 0;
  const query = Float32Array.from({ length: dims }, () => random() * 2 - 1);
  const expected = rankInt8Reference(matrix, query, k);
  const rows: Int8RankBenchmarkRow[] = [];
  for (const name of options.rankers ?? INT8_RANKER_NAMES) {
    if (!isInt8RankerName(name)) throw new RangeError(`unknown int8 kernel ${JSON.stringify(name)} (expected ${INT8_RANKER_NAMES.join(', ')})`);
    const ranker = await int8Ranker(name);
    if ('problem' in ranker) continue;
    const got = await ranker.rank(matrix, query, k);
    const correct =
      got.indices.length === expected.indices.length && got.indices.every((row, i) => row === expected.indices[i] && got.scores[i] === expected.scores[i]);
    const stats =
      name === 'js' && options.maxRunMs !== undefined && items * dims > 64e6
        ? summarize([await timeOnce(() => ranker.rank(matrix, query, k))])
        : await timeRunsWithin(() => Promise.resolve(ranker.rank(matrix, query, k)), runs, options.maxRunMs);
    rows.push({
      ranker: name,
      items,
      dims,
      k,
      bytesRead: items * (dims + 4),
      correct,
      ...stats,
      ...(ranker instanceof WebGpuInt8Ranker ? { software: ranker.adapter.software } : {}),
    });
    if (ranker instanceof WebGpuInt8Ranker) ranker.release(matrix);
  }
  return rows;
}

async function timeOnce(task: () => unknown): Promise<number> {
  const start = performance.now();
  await task();
  return performance.now() - start;
}
