import { describe, expect, it } from 'vitest';
import { aggregateInteractions, parseInteractionsCsv } from '../../src/node/catalog/aggregate-interactions.ts';
import type { EvaluatedRecommender, Rating } from '../../src/node/eval/eval-types.ts';
import { caseKey, interactionsCsv, RankedListsError, readRankedLists, recommendRequests } from '../../src/node/eval/product-path-files.ts';
import { buildProtocol } from '../../src/node/eval/protocols.ts';
import { runEvaluation } from '../../src/node/eval/run-evaluation.ts';
import { runStatistics } from '../../src/node/eval/run-statistics.ts';

// Made-up log (not MovieLens), items 0…5 = ids 1…6. User 1 rates ids 2 and 3 at the same second;
// hash(1, 3) < hash(1, 2), so id 3 (index 2) comes first.
const r = (user: number, item: number, time: number): Rating => ({ user, item, rating: 1, time });
const DATA = {
  itemCount: 6,
  ratings: [r(1, 0, 10), r(1, 1, 20), r(1, 2, 20), r(1, 4, 30), r(2, 3, 5), r(2, 0, 6), r(2, 5, 7), r(3, 3, 1), r(3, 4, 2), r(3, 5, 3), r(3, 0, 4)],
};

describe('the training log for the catalog builder', () => {
  it('is the --interactions CSV, a user per session, equal timestamps in hash order, which the builder keeps', () => {
    const built = buildProtocol(DATA, { protocol: 'B', split: 'all' });
    const csv = interactionsCsv(built.train);
    expect(csv.split('\n')[0]).toBe('session,item,timestamp,event');
    const rows = parseInteractionsCsv(csv, 'train.csv');
    expect(rows.map((x) => `${x.session}:${x.item}@${x.timestamp}`)).toEqual(['1:1@10', '1:3@20', '1:2@20', '2:4@5', '2:1@6', '3:4@1', '3:5@2', '3:6@3']);
    expect(rows.every((x) => x.event === 'rating')).toBe(true);
    // The builder's transitions follow the written order: 3 → 2 (the hash order), not 2 → 3.
    const signals = aggregateInteractions(rows, ['1', '2', '3', '4', '5', '6'], { k: 10, maxGapSeconds: 1e9, minSessions: 1 }).signals;
    const next = (id: string) => signals.transitions[id]?.map((t) => t.item) ?? [];
    expect(next('3')).toContain('2');
    expect(next('2')).not.toContain('3');
  });
});

describe('batch-recommend requests', () => {
  it('one line per case, keyed USER#HISTORY_LENGTH, history as views in order, no MMR; protocol C filters to the new items', () => {
    const dev = buildProtocol(DATA, { protocol: 'B', split: 'dev', steps: 2 });
    const lines = recommendRequests(dev.cases, { k: 10 })
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.user)).toEqual(dev.cases.map(caseKey));
    expect(lines[0]).toEqual({
      user: '1#2',
      history: [
        { itemId: '1', type: 'view', at: 10000 },
        { itemId: '3', type: 'view', at: 20001 },
      ],
      request: { mode: 'for-you', k: 10, diversity: false },
    });
    const cold = buildProtocol(DATA, { protocol: 'C-random', split: 'all', coldShare: 0.34, seed: 1 });
    const first = JSON.parse(recommendRequests(cold.cases, { k: 5, request: { diversity: { lambda: 0.8 } } }).split('\n')[0]!);
    expect(first.request).toEqual({
      mode: 'for-you',
      k: 5,
      diversity: { lambda: 0.8 },
      filters: [{ field: 'id', in: Array.from(cold.coldItems!, (i) => String(i + 1)) }],
    });
  });
});

describe('ranked lists from the product path', () => {
  const built = buildProtocol(DATA, { protocol: 'B', split: 'all' });
  const fixed: EvaluatedRecommender = { name: 'fixed', group: 'hybrid', fit() {}, score: () => new Float32Array([6, 5, 4, 3, 2, 1]) };

  it('give the same numbers as the in-process runner for the same lists (history dropped, first k kept)', async () => {
    // The product path may return history items; they are dropped as the runner does.
    const lines = built.cases.map((c) => JSON.stringify({ user: c.user, items: ['1', '2', '3', '4', '5', '6'] })).join('\n');
    const result = await runEvaluation({
      data: DATA,
      protocol: 'B',
      split: 'all',
      recommenders: [fixed],
      k: 2,
      externalRows: [(cases, k) => readRankedLists(lines, 'lists.jsonl', cases, k, 6, { name: 'product' })],
      compare: [['product', 'fixed']],
    });
    const [inProcess, product] = result.results;
    expect(product!.group).toBe('product path');
    expect(product!.stats).toEqual(inProcess!.stats);
    expect(result.comparisons[0]!.stats.hr).toEqual({ value: 0, low: 0, high: 0 });
    const read = readRankedLists(lines, 'lists.jsonl', built.cases, 2, 6, { name: 'product' });
    expect(read.report.droppedSeen).toBeGreaterThan(0);
    expect(read.report.shortLists).toBe(0);
  });

  it("drop items outside a case's candidates and count short lists", () => {
    const cold = buildProtocol(DATA, { protocol: 'C-random', split: 'all', coldShare: 0.34, seed: 1 });
    const warm = [0, 1, 2, 3, 4, 5].find((i) => !cold.coldItems!.includes(i))!;
    const lines = cold.cases.map((c) => JSON.stringify({ user: caseKey(c), items: [String(warm + 1), String(cold.coldItems![0]! + 1)] })).join('\n');
    const read = readRankedLists(lines, 'c.jsonl', cold.cases, 2, 6, { name: 'p' });
    expect(read.lists.every((l) => l.length === 1 && l[0] === cold.coldItems![0])).toBe(true);
    // The warm item is either in the case's history or not a candidate: dropped either way.
    expect(read.report.droppedNotCandidate + read.report.droppedSeen).toBe(cold.cases.length);
    expect(read.report.shortLists).toBe(cold.cases.length);
    const stats = runStatistics(cold.cases, [read], {
      protocol: 'C-random',
      k: 2,
      itemCount: 6,
      universe: cold.coldItems!,
      itemTrainCounts: cold.itemTrainCounts,
      trainUsers: 3,
    });
    expect(stats.results[0]!.stats.coverage!.value).toBeCloseTo(1 / cold.coldItems!.length, 12);
  });

  it('refuse lines that do not match the cases, naming the file and line', () => {
    const ok = built.cases.map((c) => JSON.stringify({ user: caseKey(c), items: [] }));
    const read = (lines: string[]) => readRankedLists(lines.join('\n'), 'x.jsonl', built.cases, 10, 6, { name: 'p' });
    expect(() => read(ok)).not.toThrow();
    expect(() => read([...ok, '{"user": "99", "items": []}'])).toThrow(RankedListsError);
    expect(() => read([...ok, '{"user": "99", "items": []}'])).toThrow('x.jsonl line 4: no evaluated case has the key "99"');
    expect(() => read([ok[0]!, ok[0]!, ok[2]!])).toThrow('line 2: a second list for "1#3"');
    expect(() => read(ok.slice(1))).toThrow('x.jsonl: no list for 1 of 3 cases (first: 1#3)');
    expect(() => read([ok[0]!, ok[1]!, '{"user": "3#3", "items": ["7"]}'])).toThrow('line 3: item "7" is not a catalog id (1…6)');
    expect(() => read([ok[0]!, ok[1]!, 'not json'])).toThrow('line 3: not valid JSON');
    expect(() => read([ok[0]!, ok[1]!, '{"user": "3#3", "items": "1"}'])).toThrow('"items" must be a list');
  });
});
