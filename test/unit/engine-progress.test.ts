import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countingModelFetch, declaredLength, readBodyCounting } from '../../src/engine/assets/counting-fetch.ts';
import { weightManifestBytes } from '../../src/engine/assets/weight-manifest-bytes.ts';
import { ByteProgress } from '../../src/engine/progress/byte-progress.ts';
import { safeListener } from '../../src/engine/progress/safe-listener.ts';
import type { ProgressUpdate } from '../../src/protocol/progress.ts';

const MODELS = 'public/models';

/** A response whose body arrives in chunks of `chunk` bytes, as a network stream does. */
function chunkedResponse(bytes: Uint8Array, chunk: number, headers: Record<string, string> = {}): Response {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunk));
      offset += chunk;
    },
  });
  return new Response(body, { headers });
}

describe('weightManifestBytes', () => {
  // Every tfjs model the app serves: the size computed from model.json is the size of its weight files on disk.
  const modelDirs = readdirSync(MODELS).filter((d) => {
    try {
      return statSync(join(MODELS, d, 'model.json')).isFile();
    } catch {
      return false;
    }
  });

  it.each(modelDirs)('%s: equals the weight files on disk', (dir) => {
    const json = JSON.parse(readFileSync(join(MODELS, dir, 'model.json'), 'utf8'));
    const onDisk = json.weightsManifest
      .flatMap((g: { paths: string[] }) => g.paths)
      .reduce((sum: number, p: string) => sum + statSync(join(MODELS, dir, p)).size, 0);
    expect(weightManifestBytes(json.weightsManifest)).toBe(onDisk);
  });

  it('has models to check, and gives up on a type of unknown width', () => {
    expect(modelDirs).toEqual(expect.arrayContaining(['mobilenet-v2', 'basic-pitch', 'use-lite-mixed']));
    expect(weightManifestBytes([{ paths: ['w'], weights: [{ name: 's', shape: [2], dtype: 'string' }] }])).toBeUndefined();
    expect(weightManifestBytes(undefined)).toBeUndefined();
  });
});

describe('readBodyCounting and countingModelFetch', () => {
  it('reads a body chunk by chunk, counting every byte', async () => {
    const bytes = readFileSync(join(MODELS, 'basic-pitch/group1-shard1of1.bin'));
    const chunks: number[] = [];
    const read = await readBodyCounting(chunkedResponse(bytes, 100_000), (n) => chunks.push(n));
    expect(Buffer.from(read).equals(bytes)).toBe(true);
    expect(chunks).toHaveLength(Math.ceil(bytes.length / 100_000));
    expect(chunks.reduce((a, b) => a + b)).toBe(bytes.length);
  });

  it('takes Content-Length only for an uncompressed body', () => {
    expect(declaredLength(new Response('abc', { headers: { 'content-length': '3' } }))).toBe(3);
    expect(declaredLength(new Response('abc', { headers: { 'content-length': '2', 'content-encoding': 'gzip' } }))).toBeUndefined();
    expect(declaredLength(new Response('abc'))).toBeUndefined();
  });

  it('counts the weight shards of a real model as tfjs reads them, and its total from model.json', async () => {
    const dir = join(MODELS, 'use-lite-mixed');
    const base = 'https://shop.example/models/use-lite-mixed/';
    const served = (url: string) => readFileSync(join(dir, url.slice(base.length)));
    let total: number | undefined;
    let counted = 0;
    const fetchFunc = countingModelFetch(`${base}model.json`, { onTotal: (t) => (total = t), onWeightBytes: (n) => (counted += n) }, async (input) =>
      chunkedResponse(served(input instanceof Request ? input.url : input instanceof URL ? input.href : input), 65_536),
    );
    const json = (await (await fetchFunc(`${base}model.json`)).json()) as { weightsManifest: Array<{ paths: string[] }> };
    expect(counted).toBe(0); // model.json is not weight data
    const shards = json.weightsManifest.flatMap((g) => g.paths);
    const bodies = await Promise.all(shards.map(async (p) => (await fetchFunc(`${base}${p}`)).arrayBuffer()));
    const onDisk = shards.reduce((sum, p) => sum + statSync(join(dir, p)).size, 0);
    expect(bodies.reduce((sum, b) => sum + b.byteLength, 0)).toBe(onDisk);
    expect(counted).toBe(onDisk);
    expect(total).toBe(onDisk);
  });
});

describe('progress listeners', () => {
  it('ByteProgress reports at most every step bytes, rising, and exactly one done update', () => {
    const updates: ProgressUpdate[] = [];
    const progress = new ByteProgress((u) => updates.push(u), 'catalog', 'image vectors', 1000, 300);
    progress.start();
    for (let i = 0; i < 10; i++) progress.add(100);
    progress.finish();
    progress.add(50); // after the end: ignored
    progress.finish();
    expect(updates.map((u) => [u.loadedBytes, u.done])).toEqual([
      [0, false],
      [300, false],
      [600, false],
      [900, false],
      [1000, true],
    ]);
    expect(updates.every((u) => u.totalBytes === 1000 && u.stage === 'catalog' && u.label === 'image vectors')).toBe(true);

    const cached: ProgressUpdate[] = [];
    new ByteProgress((u) => cached.push(u), 'catalog', 'text vectors', 4000, 300).finishAll(4000, true);
    expect(cached).toEqual([{ stage: 'catalog', label: 'text vectors', loadedBytes: 4000, totalBytes: 4000, done: true, fromCache: true }]);
  });

  it('safeListener swallows a listener that throws or rejects, and tolerates none', async () => {
    const seen: number[] = [];
    const update: ProgressUpdate = { stage: 'assets', label: 'x', loadedBytes: 1, done: false };
    expect(() =>
      safeListener((u) => {
        seen.push(u.loadedBytes);
        throw new Error('listener bug');
      })(update),
    ).not.toThrow();
    const rejecting = safeListener((() => Promise.reject(new Error('page gone'))) as unknown as (u: ProgressUpdate) => void);
    expect(() => rejecting(update)).not.toThrow();
    expect(() => safeListener(undefined)(update)).not.toThrow();
    expect(seen).toEqual([1]);
    // An unhandled rejection would fail the run; give it a turn to surface.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
