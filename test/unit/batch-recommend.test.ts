/**
 * The batch recommend CLI on a real catalog: 12 Tux Paint stamps (text + image, real encoders,
 * a shared space) built by the catalog builder with a small hand-made interaction log (so the
 * catalog ships signals and a fitted fusion model), written to disk and read back through the
 * engine's loader. Its lists are compared with the engine's recommender called in-process the
 * way the worker calls it (track() each event, then recommend()), one fresh recommender per line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import { OnDeviceRecommender } from '../../src/engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import type { InteractionRow } from '../../src/node/catalog/aggregate-interactions.ts';
import { buildCatalog } from '../../src/node/catalog/build-catalog.ts';
import { tuxPaintSourceItems } from '../../src/node/catalog/tuxpaint-source.ts';
import { NodeEncoders } from '../../src/node/node-encoders.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { BatchRecommender } from '../../src/node/recommend/batch-recommender.ts';
import { CatalogFolderError } from '../../src/node/recommend/load-catalog-folder.ts';
import { MemoryProfileStore } from '../../src/engine/store/memory-profile-store.ts';
import { BatchLineError, parseRequestLine } from '../../src/node/recommend/request-line.ts';
import { runBatch } from '../../src/node/recommend/run-batch.ts';
import type { RecommendRequest } from '../../src/protocol/recommend.ts';
import { FIXTURE_STAMP_IDS } from '../fixture-stamp-ids.ts';
import { loadCatalogFolder } from '../load-catalog-folder.ts';

/** A hand-made log: four shoppers' sessions (seconds since 1970). */
const T = 1_700_000_000;
const SESSIONS: string[][] = [
  ['food/bread', 'food/cheese', 'food/pizza', 'food/loaf_of_bread'],
  ['animals/birds/blackbird', 'animals/birds/nandou', 'animals/mammals/badger', 'food/bread'],
  ['animals/mammals/elephant', 'animals/mammals/rodents/rabbit', 'animals/mammals/rodents/mouse', 'animals/mammals/badger'],
  ['vehicles/emergency/firetruck', 'symbols/money/00_symbols/euro_1_euro', 'food/pizza', 'food/cheese'],
  ['food/cheese', 'food/bread', 'animals/mammals/rodents/mouse'],
];
const LOG: InteractionRow[] = SESSIONS.flatMap((items, s) =>
  items.map((item, i) => ({ session: `s${s}`, item, timestamp: T + s * 1000 + i * 10, event: 'view' })),
);

const ROOT = resolve(import.meta.dirname, '../..');
const temp = mkdtempSync(join(tmpdir(), 'batch-recommend-'));
const catalogDir = join(temp, 'stamps');
let encoders: NodeEncoders;

/** Request lines exercising every option: for-you, similar (per modality), popular, filters, exclusions, rules, diversity off. */
const LINES: Array<{ user: string | number; history?: Array<{ itemId: string; type: string; at?: number; dwellMs?: number }>; request: RecommendRequest }> = [
  {
    user: 'u1#2',
    history: [
      { itemId: 'food/bread', type: 'view', at: 1000 },
      { itemId: 'food/cheese', type: 'click', at: 2000 },
    ],
    request: { mode: 'for-you', k: 5 },
  },
  {
    user: 42,
    history: [{ itemId: 'animals/birds/blackbird', type: 'view', at: 5, dwellMs: 20_000 }],
    request: { mode: 'for-you', k: 3, filters: [{ field: 'category', in: ['animals'] }] },
  },
  {
    user: 'u3',
    history: [
      { itemId: 'food/pizza', type: 'view' },
      { itemId: 'food/bread', type: 'dismiss' },
    ],
    request: { mode: 'for-you', k: 4, diversity: false },
  },
  {
    user: 'u4',
    history: [{ itemId: 'vehicles/emergency/firetruck', type: 'add-to-cart', at: 10 }],
    request: { mode: 'for-you', k: 6, filters: [{ field: 'id', notIn: ['food/pizza', 'food/cheese'] }], rules: { excludeIds: ['animals/birds/nandou'] } },
  },
  {
    user: 'u5',
    request: { mode: 'popular', k: 3, filters: [{ field: 'id', in: ['food/bread', 'food/pizza', 'animals/mammals/badger', 'animals/birds/blackbird'] }] },
  },
  {
    user: 'u6',
    history: [{ itemId: 'food/cheese', type: 'view', at: 1 }],
    request: { mode: 'similar', itemId: 'food/bread', k: 3, modality: 'image', diversity: false },
  },
  {
    user: 'u7',
    history: [{ itemId: 'animals/mammals/badger', type: 'purchase', at: 1 }],
    request: { mode: 'for-you', k: 5, rules: { pin: ['symbols/money/00_symbols/euro_1_euro'], boost: [{ category: 'food', by: 2 }] } },
  },
];

/** The engine in-process, as the worker drives it: a fresh recommender and profile, track() per event, then recommend(). */
async function inProcessLists(): Promise<string[][]> {
  const files = await loadCatalogFolder(catalogDir);
  const loaded = new LoadedCatalog(files);
  const lists: string[][] = [];
  for (const line of LINES) {
    const profile = new MemoryProfileStore({}, 'test');
    const recommender = new OnDeviceRecommender(recommenderCatalog(files, loaded.sharedSpace), async () => profile);
    const history = [...(line.history ?? [])].sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
    for (const e of history)
      await recommender.track(e.type as 'view', e.itemId, {
        ...(e.at !== undefined ? { at: e.at } : {}),
        ...(e.dwellMs !== undefined ? { dwellMs: e.dwellMs } : {}),
      });
    lists.push((await recommender.recommend(line.request, { record: false })).map((i) => i.id));
    recommender.catalog.space.release(true);
  }
  loaded.dispose();
  return lists;
}

function runCli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'src/node/recommend/recommend-cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  await initNodeTf('wasm');
  encoders = new NodeEncoders();
  const items = tuxPaintSourceItems(findOrFetchTuxPaintStamps(), { ids: FIXTURE_STAMP_IDS });
  const summary = await buildCatalog(items, {
    outDir: catalogDir,
    encoders,
    modalities: ['text', 'image'],
    interactions: { rows: LOG, options: { minSessions: 1 } },
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  expect(summary.items).toBe(FIXTURE_STAMP_IDS.length);
  expect(summary.sharedSpace).toHaveProperty('dims');
  expect(summary.interactions?.events).toBe(LOG.length);
}, 300_000);

afterAll(async () => {
  await encoders?.dispose();
  rmSync(temp, { recursive: true, force: true });
});

describe('batch recommend CLI', () => {
  const requests = () => LINES.map((l) => JSON.stringify(l)).join('\n') + '\n';

  it('writes, per line and in order, the lists the engine gives in-process, echoing user', async () => {
    const expected = await inProcessLists();
    // The lists are not trivial: a category filter, k and exclusions show in them.
    expect(expected.map((l) => l.length)).toEqual([5, 3, 4, 6, 3, 3, 5]);
    expect(expected[1]!.every((id) => id.startsWith('animals/'))).toBe(true);
    expect(expected[1]).not.toContain('animals/birds/blackbird'); // seen
    expect(expected[2]).not.toContain('food/bread'); // dismissed
    expect(expected[3]).not.toEqual(expect.arrayContaining(['food/pizza']));
    expect(expected[3]).not.toContain('food/cheese');
    expect(expected[3]).not.toContain('animals/birds/nandou');
    expect(expected[4]!.every((id) => ['food/bread', 'food/pizza', 'animals/mammals/badger', 'animals/birds/blackbird'].includes(id))).toBe(true);
    expect(expected[5]).not.toContain('food/bread');
    expect(expected[6]![0]).toBe('symbols/money/00_symbols/euro_1_euro');

    const requestsFile = join(temp, 'requests.jsonl');
    const outFile = join(temp, 'nested', 'lists.jsonl');
    writeFileSync(requestsFile, `${requests()}\n`); // a trailing blank line is skipped
    const run = runCli(['--catalog', catalogDir, '--requests', requestsFile, '--out', outFile]);
    expect(run.stderr).toMatch(/7 lines, 7 lists, 0 refused/);
    expect(run.status).toBe(0);
    const out = readFileSync(outFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { user: unknown; items: string[] });
    expect(out.map((o) => o.user)).toEqual(LINES.map((l) => l.user)); // a number stays a number, "u1#2" as is
    expect(out.map((o) => o.items)).toEqual(expected);
  });

  it('stops at a bad line by default, naming it, after writing the lines before it; --on-error skip goes on', () => {
    const text = [JSON.stringify(LINES[0]), JSON.stringify(LINES[1]), '{"user": "x", "request": {"mode": "for-you", "k": 0}}', JSON.stringify(LINES[4])].join(
      '\n',
    );
    const stop = runCli(['--catalog', catalogDir, '--requests', '-', '--out', '-'], text);
    expect(stop.status).toBe(2);
    expect(stop.stderr).toMatch(/stdin line 3: recommend: k must be a whole number ≥ 1, got 0/);
    expect(
      stop.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).user),
    ).toEqual(['u1#2', 42]);

    const skip = runCli(['--catalog', catalogDir, '--requests', '-', '--out', '-', '--on-error', 'skip'], text);
    expect(skip.status).toBe(0);
    expect(skip.stderr).toMatch(/refused stdin line 3: /);
    expect(
      skip.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).user),
    ).toEqual(['u1#2', 42, 'u5']);
  });

  it('refuses bad arguments and a folder that is not a catalog', () => {
    expect(runCli(['--catalog', catalogDir, '--requests', '-']).stderr).toMatch(/missing --out/);
    const notCatalog = runCli(['--catalog', temp, '--requests', '-', '--out', '-'], '');
    expect(notCatalog.status).toBe(2);
    expect(notCatalog.stderr).toMatch(/is not a built catalog: it has no manifest\.json/);
  });
});

describe('batch recommend lines', () => {
  it('gives each bad line a BatchLineError naming the line and the field', async () => {
    const bad = (text: string, pattern: RegExp) => {
      const error = (() => {
        try {
          parseRequestLine(text, 'req.jsonl', 9);
        } catch (e) {
          return e;
        }
        throw new Error(`accepted ${text}`);
      })();
      expect(error).toBeInstanceOf(BatchLineError);
      expect((error as BatchLineError).line).toBe(9);
      expect((error as Error).message).toMatch(pattern);
    };
    bad('{"user": "a", "request": ', /^req\.jsonl line 9: not valid JSON/);
    bad('[1]', /line 9: expected a JSON object/);
    bad('{"user": "", "request": {"mode": "for-you", "k": 1}}', /"user" must be a non-empty string or a number/);
    bad('{"user": "a", "histroy": [], "request": {"mode": "for-you", "k": 1}}', /unknown field "histroy"/);
    bad(
      '{"user": "a", "history": [{"itemId": "x", "type": "shown"}], "request": {"mode": "for-you", "k": 1}}',
      /history\[0\]\.type must be one of view, click/,
    );
    bad(
      '{"user": "a", "history": [{"itemId": "x", "type": "view", "at": 1}, {"itemId": "y", "type": "view"}], "request": {"mode": "for-you", "k": 1}}',
      /either every event has "at" or none has/,
    );
    bad('{"user": "a", "request": {"mode": "for-you", "k": 1, "filter": []}}', /unknown option "filter"/);
    bad('{"user": "a", "request": {"mode": "by-example", "k": 1}}', /by-example/);

    // What the engine itself refuses becomes a BatchLineError with the line number too.
    const recommender = await BatchRecommender.open(catalogDir);
    try {
      const engineRefuses = async (line: string, pattern: RegExp) => {
        const error = await recommender.recommend(parseRequestLine(line, 'req.jsonl', 4), 'req.jsonl', 4).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(BatchLineError);
        expect((error as Error).message).toMatch(pattern);
      };
      await engineRefuses('{"user": "a", "request": {"mode": "similar", "itemId": "nope", "k": 3}}', /^req\.jsonl line 4: recommend: unknown item id "nope"/);
      await engineRefuses(
        '{"user": "a", "request": {"mode": "for-you", "k": 3, "filters": [{"field": "category"}]}}',
        /line 4: filters\[0\] \(category\): give at least one of/,
      );
      await engineRefuses(
        '{"user": "a", "history": [{"itemId": "food/bread", "type": "click", "dwellMs": 5}], "request": {"mode": "for-you", "k": 3}}',
        /line 4: \[invalid-event\] event field "dwellMs" is only for 'view' events/,
      );
      // An event on an item the catalog does not have is left out and counted, not an error.
      const items = await recommender.recommend(
        parseRequestLine(
          '{"user": "a", "history": [{"itemId": "gone", "type": "view"}, {"itemId": "food/bread", "type": "view"}], "request": {"mode": "for-you", "k": 3}}',
          'req.jsonl',
          5,
        ),
      );
      expect(items).toHaveLength(3);
      expect(recommender.unknownHistoryItems).toBe(1);
    } finally {
      recommender.dispose();
    }
  });

  it('carries nothing from one line to the next and leaks no tensors', async () => {
    const recommender = await BatchRecommender.open(catalogDir);
    try {
      const lines = LINES.map((l) => JSON.stringify(l));
      const outputs: string[] = [];
      const run = (input: string[]) => runBatch(input, (text) => void outputs.push(text), recommender, { source: 'mem' });
      await run(lines.slice(0, 1)); // warm-up: the catalog's tensors are uploaded on first use
      const tensors = tf.memory().numTensors;
      outputs.length = 0;
      // Each line alone, then all lines twice in a row (in reverse): the same list each time.
      for (const line of lines) await run([line]);
      const alone = [...outputs];
      outputs.length = 0;
      const stats = await run([...lines, ...lines].reverse());
      expect(stats).toMatchObject({ lines: 14, written: 14, refused: 0 });
      expect(outputs).toEqual([...alone, ...alone].reverse());
      expect(tf.memory().numTensors).toBe(tensors);
    } finally {
      recommender.dispose();
    }
  });

  it('says what is wrong with a folder that is not a catalog', async () => {
    await expect(BatchRecommender.open(join(temp, 'none'))).rejects.toThrow(CatalogFolderError);
  });
});
