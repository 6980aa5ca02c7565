/**
 * Catalog builds split into shards (docs/scale.md):
 *
 *   build --shard i/n   embeds the i-th contiguous slice of the items (cut at whole batches, so
 *                       each encoder call sees the same inputs as in a single build) into
 *                       OUT/.shards/<i>-of-<n>/.partial/ — and nothing else;
 *   merge --shards n    joins the shards' .partial/ records into OUT/.partial/ and runs the normal
 *                       build over all items, which then embeds nothing: media, vector files,
 *                       shared space, fusion model and manifest are written once, as a single build
 *                       writes them — the same bytes, given the same inputs and createdAt.
 *
 * `build --workers N` runs the N shards as parallel child processes on this machine and then the
 * merge; a Kubernetes Indexed Job (deploy/catalog-build-job.yaml) runs them on N machines.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODALITIES } from '../../engine/catalog/catalog-manifest.ts';
import { CatalogInputError } from './build-catalog.ts';

export interface ShardSpec {
  index: number;
  count: number;
}

/** `i/n` with 0 ≤ i < n. */
export function parseShard(text: string): ShardSpec {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !(count >= 1) || !(index < count)) throw new RangeError(`--shard must be i/n with 0 ≤ i < n (got "${text}")`);
  return { index, count };
}

/** The shard's contiguous slice of `items`, cut at multiples of `batchSize`. */
export function shardItems<T>(items: readonly T[], shard: ShardSpec, batchSize: number): T[] {
  const batches = Math.ceil(items.length / batchSize);
  const from = Math.floor((shard.index * batches) / shard.count) * batchSize;
  const to = Math.floor(((shard.index + 1) * batches) / shard.count) * batchSize;
  return items.slice(from, Math.min(to, items.length));
}

export function shardDir(outDir: string, shard: ShardSpec): string {
  return join(outDir, '.shards', `${shard.index}-of-${shard.count}`);
}

/**
 * OUT/.partial/<modality>.jsonl := what was there + every shard's records, shard by shard.
 * Throws a CatalogInputError naming a shard folder that is missing.
 */
export function collectShardPartials(outDir: string, count: number): void {
  const missing = Array.from({ length: count }, (_, index) => shardDir(outDir, { index, count })).filter((dir) => !existsSync(dir));
  if (missing.length > 0) throw new CatalogInputError(`merge: shard folders missing (run those shard builds first): ${missing.join(', ')}`);
  mkdirSync(join(outDir, '.partial'), { recursive: true });
  for (const modality of MODALITIES) {
    const parts: string[] = [];
    const own = join(outDir, '.partial', `${modality}.jsonl`);
    if (existsSync(own)) parts.push(readFileSync(own, 'utf8'));
    for (let index = 0; index < count; index++) {
      const file = join(shardDir(outDir, { index, count }), '.partial', `${modality}.jsonl`);
      if (existsSync(file)) parts.push(readFileSync(file, 'utf8'));
    }
    const text = parts.map((p) => (p.endsWith('\n') || p === '' ? p : `${p}\n`)).join('');
    if (text !== '') writeFileSync(own, text);
  }
}

export function removeShards(outDir: string): void {
  rmSync(join(outDir, '.shards'), { recursive: true, force: true });
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Run `catalog-cli build <args> --shard i/n` for every i as parallel child processes, their
 * progress lines prefixed on stderr. Resolves when all exit 0; rejects naming the first that failed.
 */
export async function runShardProcesses(
  buildArgs: string[],
  count: number,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<void> {
  const cli = join(root, 'src', 'node', 'catalog', 'catalog-cli.ts');
  const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const runs = Array.from(
    { length: count },
    (_, index) =>
      new Promise<void>((resolvePromise, reject) => {
        const child = spawn(process.execPath, [tsx, cli, 'build', ...buildArgs, '--shard', `${index}/${count}`], { stdio: ['ignore', 'pipe', 'pipe'] });
        let tail = '';
        const forward = (chunk: Buffer) => {
          const text = tail + chunk.toString('utf8').replace(/\r/g, '\n');
          const lines = text.split('\n');
          tail = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') log(`[shard ${index}/${count}] ${line}`);
        };
        child.stdout.on('data', forward);
        child.stderr.on('data', forward);
        child.on('error', reject);
        child.on('close', (code) => {
          if (tail.trim() !== '') log(`[shard ${index}/${count}] ${tail}`);
          if (code === 0) resolvePromise();
          else reject(new Error(`shard ${index}/${count} exited with code ${code}`));
        });
      }),
  );
  const results = await Promise.allSettled(runs);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Shard folders present under OUT/.shards (for messages). */
export function listShards(outDir: string): string[] {
  const dir = join(outDir, '.shards');
  return existsSync(dir) ? readdirSync(dir) : [];
}
