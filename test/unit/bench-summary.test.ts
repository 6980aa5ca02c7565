import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_KEYS, summarise, type BenchSummary } from '../../bench/bench-summary.ts';
import { loadVoy } from '../../bench/peers/load-voy.ts';
import { runPeers, type PeerOptions, type PeerRow } from '../../bench/peers/peer-runs.ts';

// A real peers section at a small size: our WASM SIMD int8 kernel and the real voy-search on the
// bench's synthetic clustered vectors. hnswlib-wasm is built for the web only, so in Node the
// section reports it as not run: exactly the path where a key must be null with a note.
const options: PeerOptions = {
  items: 2_000,
  dims: 256,
  clusters: 40,
  spread: 1.0,
  seed: 9,
  queries: 12,
  k: 10,
  buildBudgetMs: 600_000,
  nprobes: [],
  efSearches: [],
  hnswM: 12,
  hnswEfConstruction: 64,
  batchSize: 500,
};
let rows: PeerRow[];

beforeAll(async () => {
  rows = await runPeers(options, { voy: () => loadVoy(readFileSync('node_modules/voy-search/voy_search_bg.wasm')) });
});

/** Every required key is there; a null always comes with a note and a number with what produced it. */
function expectComplete(summary: BenchSummary): void {
  for (const key of Object.keys(SUMMARY_KEYS)) {
    expect(summary, key).toHaveProperty(key);
    const value = summary[key];
    if (value === null) expect(summary.notes[key], `note for null ${key}`).toMatch(/\w{3}/);
    else {
      expect(typeof value, key).toBe('number');
      expect(Number.isFinite(value), key).toBe(true);
      expect(summary.backends[key], `backend of ${key}`).toMatch(/\w{3}/);
      expect(summary.measuredAt[key], `date of ${key}`).toBeTruthy();
    }
  }
}

describe('bench summary (summary.json) from a real peers section', () => {
  it('has every key, numbers for what ran, and nulls that say why', () => {
    const summary = summarise({ sections: new Set(['peers']), peers: { options, ivfBuildSeconds: NaN, rows }, date: '2026-01-01T00:00:00.000Z' });
    expectComplete(summary);
    // voy's k-d tree search is exact: it finds the float32 top-10.
    expect(summary.voy100kRecallAt10).toBeGreaterThanOrEqual(0.99);
    expect(summary.voy100kP50Ms).toBeGreaterThan(0);
    expect(summary.backends.voy100kP50Ms).toContain('2,000 items, not 100,000');
    // Ours: brute force over int8 is the only system of ours in this run (no IVF files given).
    const brute = rows.find((r) => r.system.startsWith('ours: int8 brute'))!.settings[0]!;
    if (brute.recallAt10 >= 0.95) expect(summary.ours100kP50Ms).toBe(brute.p50Ms);
    else expect(summary.notes.ours100kP50Ms).toContain('matched recall');
    expect(summary.hnswlibWasm100kP50Ms).toBeNull();
    expect(summary.notes.hnswlibWasm100kP50Ms).toContain('web only');
    expect(summary.readyColdMs).toBeNull();
    expect(summary.notes.readyColdMs).toContain('section "catalog" was not in this run');
  });

  it("keeps an earlier run's numbers with their date, and explains a section that ran without a result", () => {
    const first = summarise({ sections: new Set(['peers']), peers: { options, ivfBuildSeconds: NaN, rows }, date: '2026-01-01T00:00:00.000Z' });
    const second = summarise({
      sections: new Set(['build']),
      buildRows: [],
      previous: JSON.parse(JSON.stringify(first)) as BenchSummary,
      date: '2026-01-02T00:00:00.000Z',
    });
    expectComplete(second);
    expect(second.voy100kP50Ms).toBe(first.voy100kP50Ms);
    expect(second.measuredAt.voy100kP50Ms).toBe('2026-01-01T00:00:00.000Z');
    expect(second.notes.hnswlibWasm100kP50Ms).toContain('web only');
    expect(second.buildItemsPerSecond1Worker).toBeNull();
    expect(second.notes.buildItemsPerSecond1Worker).toContain('did not run 1 worker');
    expect(second.notes.readyColdMs).toContain('BENCH_SECTIONS=build');
  });

  it('says why the learned keys are null when the learned section ran without a 100,000-item wasm row', () => {
    const summary = summarise({
      sections: new Set(['learned']),
      learned: { catalogs: [], rows: [], notRun: [{ items: 100_000, backend: 'wasm', reason: 'out of memory loading the catalog' }] },
      date: '2026-01-03T00:00:00.000Z',
    });
    expectComplete(summary);
    expect(summary.learnedForYou100kWasmMs).toBeNull();
    expect(summary.notes.learnedForYou100kWasmMs).toContain('out of memory');
    expect(summary.notes.learnedRankingBytesPerItem).toContain('no catalog');
    expect(summary.notes.voy100kP50Ms).toContain('section "peers" was not in this run');
  });
});
