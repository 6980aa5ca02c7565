import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantizeInt8Rows } from '../../src/engine/ranking/int8-matrix.ts';
import { rankInt8Reference } from '../../src/engine/ranking/rank-int8-reference.ts';
import { wasmInt8Ranker } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { IvfIndex } from '../../src/engine/ivf/ivf-index.ts';
import { parseIvfIndex } from '../../src/engine/ivf/ivf-format.ts';
import { buildIvf } from '../../src/node/catalog/build-ivf.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { clusteredVectors } from '../clustered-vectors.ts';
import { itemAt } from '../../src/shared/item-at.ts';

// Synthetic clustered vectors (test/clustered-vectors.ts), served over real HTTP from a temp folder.
const COUNT = 6000;
const DIMS = 64;
const dir = mkdtempSync(join(tmpdir(), 'ivf-'));
const matrix = quantizeInt8Rows(clusteredVectors(COUNT, DIMS, 40, 0.6, 5), DIMS);
const queries = quantizeInt8Rows(clusteredVectors(8, DIMS, 40, 0.6, 5), DIMS);
const query = (i: number) => Float32Array.from(queries.codes.subarray(i * DIMS, (i + 1) * DIMS), (c) => c * queries.scales[i]!);
const category = (row: number) => ['a', 'b', 'c'][row % 3]!;
let server: Server;
let baseUrl = '';

beforeAll(async () => {
  await initNodeTf('wasm');
  await buildIvf(join(dir, 'ivf'), matrix, { partitions: 24, categoryOf: category, seed: 3 });
  server = createServer((req, res) => {
    try {
      res.end(readFileSync(join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = () => IvfIndex.open(`${baseUrl}ivf/index.json`, wasmInt8Ranker, { caches: null });

describe('IVF partitions', () => {
  it('write an index the format parser accepts, every row in exactly one partition', () => {
    const index = parseIvfIndex(JSON.parse(readFileSync(join(dir, 'ivf', 'index.json'), 'utf8')), 'index.json');
    expect(index.partitions.length).toBe(24);
    expect(index.partitions.reduce((n, p) => n + p.count, 0)).toBe(COUNT);
    expect(index.categories?.sort()).toEqual(['a', 'b', 'c']);
  });

  it('probing every partition gives exactly the brute-force ranking (rows and scores)', async () => {
    const ivf = await open();
    for (let i = 0; i < 8; i++) {
      const got = await ivf.search(query(i), 10, { nprobe: ivf.partitions });
      const expected = rankInt8Reference(matrix, query(i), 10);
      expect(Array.from(got.rows)).toEqual(Array.from(expected.indices));
      expect(Array.from(got.scores)).toEqual(Array.from(expected.scores));
      expect(got.notices).toEqual([]);
    }
  });

  it('fetches only the partitions a query probes, and nothing again once they are in memory', async () => {
    const ivf = await open();
    const first = await ivf.search(query(0), 10, { nprobe: 3 });
    expect(first.partitionsProbed).toBe(3);
    expect(first.bytesFetched).toBeGreaterThan(0);
    expect(first.bytesFetched).toBeLessThan((COUNT * (DIMS + 8)) / 2);
    const again = await ivf.search(query(0), 10, { nprobe: 3 });
    expect(again.bytesFetched).toBe(0);
    expect(Array.from(again.rows)).toEqual(Array.from(first.rows));
  });

  it('keeps a category filter: only partitions and rows of that category', async () => {
    const ivf = await open();
    const a = ivf.index.categories!.indexOf('a');
    const got = await ivf.search(query(1), 10, { nprobe: ivf.partitions, categories: [a], rowFilter: (row) => category(row) === 'a' });
    const mask = Uint8Array.from({ length: COUNT }, (_, r) => (category(r) === 'a' ? 1 : 0));
    expect(Array.from(got.rows)).toEqual(Array.from(rankInt8Reference(matrix, query(1), 10, mask).indices));
  });

  it('refuses a partition that fails its hash and answers from the valid ones, with a notice', async () => {
    const index = parseIvfIndex(JSON.parse(readFileSync(join(dir, 'ivf', 'index.json'), 'utf8')), 'index.json');
    const victim = index.partitions.findIndex((p) => p.count > 0);
    const path = join(dir, 'ivf', index.partitions[victim]!.path);
    const original = readFileSync(path);
    const damaged = Buffer.from(original);
    damaged[damaged.length - 1] = itemAt(damaged, damaged.length - 1) ^ 0xff;
    writeFileSync(path, damaged);
    try {
      const ivf = await open();
      const got = await ivf.search(query(2), 10, { nprobe: ivf.partitions });
      expect(got.notices).toHaveLength(1);
      expect(got.notices[0]).toContain(`IVF partition ${victim} was refused`);
      expect(got.notices[0]).toContain('sha256 mismatch');
      const victimRows = new Set(new Uint32Array(original.buffer.slice(original.byteOffset, original.byteOffset + 4 * index.partitions[victim]!.count)));
      const mask = Uint8Array.from({ length: COUNT }, (_, r) => (victimRows.has(r) ? 0 : 1));
      expect(Array.from(got.rows)).toEqual(Array.from(rankInt8Reference(matrix, query(2), 10, mask).indices));
    } finally {
      writeFileSync(path, original);
    }
  });
});

describe('the manifest ivf section (catalog ivf command)', () => {
  it('is accepted when it names a modality with vectors, refused otherwise', async () => {
    const { parseCatalogManifest } = await import('../../src/engine/catalog/catalog-manifest-parser.ts');
    const manifest = {
      schemaVersion: 1,
      name: 't',
      createdAt: '2025-01-01T00:00:00Z',
      encoders: { text: { modality: 'text', name: 'e', version: '1', dims: 4 } },
      vectorFiles: { text: { path: 'vectors/text.int8', format: 'int8', count: 1, dims: 4, bytes: 8, sha256: 'a'.repeat(64) } },
      items: [{ id: 'x', title: 'X', category: 'c', vectorRows: { text: 0 } }],
    };
    const ivf = { path: 'ivf/text/index.json', bytes: 10, sha256: 'b'.repeat(64), partitions: 1 };
    expect(parseCatalogManifest({ ...manifest, ivf: { text: ivf } }, 'manifest.json').ivf?.text).toEqual(ivf);
    expect(() => parseCatalogManifest({ ...manifest, ivf: { image: ivf } }, 'manifest.json')).toThrow('ivf.image: the catalog has no image vectors');
    expect(() => parseCatalogManifest({ ...manifest, ivf: { text: { ...ivf, sha256: 'x' } } }, 'manifest.json')).toThrow('field "sha256"');
  });
});
