import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseShard, shardItems } from '../../src/node/catalog/shard-build.ts';

const run = promisify(execFile);
const CLI = ['node_modules/tsx/dist/cli.mjs', 'src/node/catalog/catalog-cli.ts'];
/** Real stamps: sound effects, a silent sound (refused), SVGs, spoken audio; enough (≥ 8) for a shared space. */
const IDS = [
  'animals/birds/blackbird',
  'animals/birds/nandou',
  'animals/mammals/badger',
  'animals/mammals/elephant',
  'animals/mammals/rodents/rabbit',
  'food/bread',
  'food/cheese',
  'food/pizza',
  'vehicles/emergency/firetruck',
  'symbols/money/00_symbols/euro_1_euro',
];
const work = mkdtempSync(join(tmpdir(), 'shard-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return out;
}

// Each case spawns three catalog builds; on a busy 2-core machine they can take minutes. A hang guard, not a speed check.
const SPAWNED_BUILDS_TIMEOUT_MS = 600_000;

describe('sharded catalog builds', () => {
  it('cut the items into contiguous slices at whole batches, covering every item once', () => {
    const items = Array.from({ length: 37 }, (_, i) => i);
    for (const count of [1, 2, 3, 5]) {
      const slices = Array.from({ length: count }, (_, index) => shardItems(items, { index, count }, 4));
      expect(slices.flat()).toEqual(items);
      for (const slice of slices.slice(0, -1)) expect(slice.length % 4).toBe(0);
    }
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '1', 'a/b', '-1/2', '0/0']) expect(() => parseShard(bad), bad).toThrow(RangeError);
  });

  it('merged from two parallel shard processes, equal a single build byte for byte', { timeout: SPAWNED_BUILDS_TIMEOUT_MS }, async () => {
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    const args = ['build', '--source', 'tuxpaint', '--ids', IDS.join(','), '--batch', '4'];
    await run(process.execPath, [...CLI, ...args, '--out', join(work, 'single'), '--workers', '1'], { env, maxBuffer: 64 << 20 });
    const sharded = await run(process.execPath, [...CLI, ...args, '--out', join(work, 'sharded'), '--workers', '2'], { env, maxBuffer: 64 << 20 });
    expect(sharded.stderr).toContain('[shard 0/2]');
    expect(sharded.stderr).toContain('[shard 1/2]');
    expect(sharded.stdout).toMatch(/sharded build: 10 items on 2 worker processes/);
    expect(existsSync(join(work, 'sharded', '.shards'))).toBe(false);
    const single = files(join(work, 'single'));
    const merged = files(join(work, 'sharded'));
    expect([...merged.keys()].sort()).toEqual([...single.keys()].sort());
    expect([...single.keys()]).toEqual(
      expect.arrayContaining(['manifest.json', 'vectors/text.int8', 'vectors/image.int8', 'vectors/audio.int8', 'shared-space/weights.json']),
    );
    for (const [path, bytes] of single) expect(merged.get(path)!.equals(bytes), path).toBe(true);
  });

  it(
    "with video items: the merge takes each clip's poster from the shard that embedded it, and equals a single build byte for byte",
    { timeout: SPAWNED_BUILDS_TIMEOUT_MS },
    async () => {
      // Fresh clip caches, so the posters the merge needs can only come from the shards.
      const ids = ['planetblupi-common/play113', 'planetblupi-common/play119'];
      const args = ['build', '--source', 'debian-videos', '--ids', ids.join(','), '--batch', '1', '--no-shared-space'];
      const env = (cache: string) => ({ ...process.env, SOURCE_DATE_EPOCH: '1700000000', VIDEO_CACHE_DIR: join(work, cache) });
      const sharded = await run(process.execPath, [...CLI, ...args, '--out', join(work, 'video-sharded'), '--workers', '2'], {
        env: env('cache-sharded'),
        maxBuffer: 64 << 20,
      });
      expect(sharded.stderr).toContain('[shard 1/2]');
      // The shards made the posters; the merge found them and embedded nothing again.
      expect(readdirSync(join(work, 'cache-sharded')).filter((f) => f.endsWith('.webp'))).toHaveLength(2);
      expect(sharded.stderr).not.toContain('its poster is gone');
      await run(process.execPath, [...CLI, ...args, '--out', join(work, 'video-single'), '--workers', '1'], { env: env('cache-single'), maxBuffer: 64 << 20 });
      const single = files(join(work, 'video-single'));
      const merged = files(join(work, 'video-sharded'));
      expect([...merged.keys()].sort()).toEqual([...single.keys()].sort());
      expect([...single.keys()]).toEqual(
        expect.arrayContaining([
          'media/video/planetblupi-common/play113.webm',
          'media/poster/planetblupi-common/play119.webp',
          'NOTICE',
          'COPYRIGHT-planetblupi-common',
        ]),
      );
      for (const [path, bytes] of single) expect(merged.get(path)!.equals(bytes), path).toBe(true);
    },
  );

  it('a merge with a shard missing fails naming it, and writes no catalog', async () => {
    const out = join(work, 'missing');
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000' };
    await run(process.execPath, [...CLI, 'build', '--source', 'tuxpaint', '--ids', IDS.join(','), '--batch', '2', '--out', out, '--shard', '0/2'], { env });
    const merge = run(process.execPath, [...CLI, 'merge', '--source', 'tuxpaint', '--ids', IDS.join(','), '--batch', '2', '--out', out, '--shards', '2'], {
      env,
    });
    await expect(merge).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('1-of-2') });
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });
});
