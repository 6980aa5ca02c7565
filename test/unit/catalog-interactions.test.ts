import { describe, expect, it } from 'vitest';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import {
  aggregateInteractions,
  parseInteractionsCsv,
  parseInteractionsJsonl,
  timestampSeconds,
  type InteractionRow,
} from '../../src/node/catalog/aggregate-interactions.ts';

const T = 1_700_000_000; // seconds
const CATALOG = ['A', 'B', 'C', 'D'];

/**
 * The hand-made log (seconds after T; s3 is logged in milliseconds):
 *   user-1: A@0 view, B@10 view, C@20 view, B@30 purchase   (logged out of order)
 *   user-2: A@100 view, B@110 click
 *   user-3: B@200 view, A@205 view                        (milliseconds)
 *   user-4: C@300 view                                     (single event)
 *   user-5: A@400 view, D@4400 view                        (gap 4000 s > 1 h)
 *   user-6: X@500 view, A@510 view                         (X is not in the catalog)
 */
const LOG: InteractionRow[] = [
  { session: 'user-1', item: 'B', timestamp: T + 30, event: 'purchase' },
  { session: 'user-1', item: 'C', timestamp: T + 20, event: 'view' },
  { session: 'user-1', item: 'A', timestamp: T + 0, event: 'view' },
  { session: 'user-1', item: 'B', timestamp: T + 10, event: 'view' },
  { session: 'user-2', item: 'A', timestamp: T + 100, event: 'view' },
  { session: 'user-2', item: 'B', timestamp: T + 110, event: 'click' },
  { session: 'user-3', item: 'B', timestamp: (T + 200) * 1000, event: 'view' },
  { session: 'user-3', item: 'A', timestamp: (T + 205) * 1000, event: 'view' },
  { session: 'user-4', item: 'C', timestamp: T + 300, event: 'view' },
  { session: 'user-5', item: 'A', timestamp: T + 400, event: 'view' },
  { session: 'user-5', item: 'D', timestamp: T + 4400, event: 'view' },
  { session: 'user-6', item: 'X', timestamp: T + 500, event: 'view' },
  { session: 'user-6', item: 'A', timestamp: T + 510, event: 'add-to-cart' },
];

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Every pair of the hand-made log counts (K = 1); the default K = 5 is tested on its own. */
const ALL = { minSessions: 1 };

describe('aggregateInteractions on a hand-made log', () => {
  const { signals, report } = aggregateInteractions(LOG, CATALOG, ALL);

  it('reports what went in and what was dropped', () => {
    expect(report).toEqual({
      rows: 13,
      events: 12,
      droppedEvents: 1,
      unknownItems: 1,
      unknownItemExamples: ['X'],
      sessions: 6,
      singleEventSessions: 2, // user-4, and user-6 once X is dropped
      coOccurrenceSessions: 4, // user-1, 2, 3, 5
      largeSessions: 0,
      transitions: 5, // user-1: A→B, B→C, C→B; user-2: A→B; user-3: B→A
      transitionsOverGap: 1, // user-5: A→D
    });
    expect(signals.sessions).toBe(6);
    expect(signals.events).toBe(12);
    expect(signals.k).toBe(20);
    expect(signals.maxGapSeconds).toBe(3600);
  });

  it('ranks popularity by events, log-scaled to [0, 1]', () => {
    // A: 5 events in 5 sessions; B: 4 in 3; C: 2 in 2; D: 1 in 1.
    expect(signals.popularity).toEqual([
      { item: 'A', count: 5, sessions: 5, score: 1 },
      { item: 'B', count: 4, sessions: 3, score: r6(Math.log(5) / Math.log(6)) },
      { item: 'C', count: 2, sessions: 2, score: r6(Math.log(3) / Math.log(6)) },
      { item: 'D', count: 1, sessions: 1, score: r6(Math.log(2) / Math.log(6)) },
    ]);
  });

  it('scores co-occurrence by cosine over sessions, ties by item id', () => {
    // Sessions with ≥ 2 items: user-1 {A,B,C}, user-2 {A,B}, user-3 {A,B}, user-5 {A,D}.
    // sessions(A)=4, (B)=3, (C)=1, (D)=1; both: AB 3, AC 1, BC 1, AD 1.
    const ab = r6(3 / Math.sqrt(4 * 3));
    const bc = r6(1 / Math.sqrt(3 * 1));
    expect(signals.coOccurrence).toEqual({
      A: [
        { item: 'B', score: ab, sessions: 3 },
        { item: 'C', score: 0.5, sessions: 1 }, // C and D tie: id order
        { item: 'D', score: 0.5, sessions: 1 },
      ],
      B: [
        { item: 'A', score: ab, sessions: 3 },
        { item: 'C', score: bc, sessions: 1 },
      ],
      C: [
        { item: 'B', score: bc, sessions: 1 },
        { item: 'A', score: 0.5, sessions: 1 },
      ],
      D: [{ item: 'A', score: 0.5, sessions: 1 }],
    });
    expect(Object.keys(signals.coOccurrence)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('counts transitions in timestamp order within one hour, as probabilities per item', () => {
    // A→B in user-1 and user-2; B→C, C→B in user-1; B→A in user-3 (5 s apart once ms are read as ms).
    expect(signals.transitions).toEqual({
      A: [{ item: 'B', p: 1, sessions: 2 }],
      B: [
        { item: 'A', p: 0.5, sessions: 1 },
        { item: 'C', p: 0.5, sessions: 1 },
      ],
      C: [{ item: 'B', p: 1, sessions: 1 }],
    });
    for (const list of Object.values(signals.transitions)) expect(list.reduce((s, n) => s + n.p, 0)).toBeCloseTo(1, 6);
  });

  it('holds no session ids and no timestamps', () => {
    const json = JSON.stringify(signals);
    expect(json).not.toContain('user-');
    expect(json).not.toContain(String(T));
  });

  it('gives signals that a catalog manifest accepts', () => {
    const manifest = parseCatalogManifest(
      {
        schemaVersion: 1,
        name: 'hand-made',
        createdAt: '2025-01-31T12:00:00Z',
        encoders: {},
        vectorFiles: {},
        items: CATALOG.map((id) => ({ id, title: id, category: 'letters', vectorRows: {} })),
        signals,
      },
      'manifest.json',
    );
    expect(manifest.signals).toEqual(signals);
  });

  it('is the same for the log in any order (apart from equal timestamps)', () => {
    expect(aggregateInteractions([...LOG].reverse(), [...CATALOG].reverse(), ALL).signals).toEqual(signals);
  });
});

describe('aggregateInteractions options', () => {
  it('counts a transition whose gap equals the limit, not one beyond it', () => {
    const at4000 = aggregateInteractions(LOG, CATALOG, { ...ALL, maxGapSeconds: 4000 });
    expect(at4000.signals.transitions.A).toEqual([
      { item: 'B', p: 0.666666, sessions: 2 }, // rounded down
      { item: 'D', p: 0.333333, sessions: 1 },
    ]);
    expect(at4000.report.transitionsOverGap).toBe(0);
    const at3999 = aggregateInteractions(LOG, CATALOG, { ...ALL, maxGapSeconds: 3999 });
    expect(at3999.signals.transitions.A).toEqual([{ item: 'B', p: 1, sessions: 2 }]);
  });

  it('rounds probabilities down, so a long list still sums to at most 1 and the catalog parser takes it', () => {
    // A is followed by 60 items once each: p = 1/60 = 0.01666…, which rounded to nearest (0.016667) would sum to 1.00002.
    const ids = Array.from({ length: 60 }, (_, i) => `x${i}`);
    const rows: InteractionRow[] = ids.flatMap((id, i) => [
      { session: `s${i}`, item: 'A', timestamp: T, event: 'view' },
      { session: `s${i}`, item: id, timestamp: T + 1, event: 'view' },
    ]);
    const { signals } = aggregateInteractions(rows, ['A', ...ids], { ...ALL, k: 100 });
    expect(signals.transitions.A).toHaveLength(60);
    expect(signals.transitions.A!.every((n) => n.p === 0.016666)).toBe(true);
    const items = ['A', ...ids].map((id) => ({ id, title: id, category: 'letters', vectorRows: {} }));
    const manifest = parseCatalogManifest(
      { schemaVersion: 1, name: 't', createdAt: '2026-01-01T00:00:00Z', encoders: {}, vectorFiles: {}, items, signals },
      'manifest.json',
    );
    expect(manifest.signals!.transitions.A).toHaveLength(60);
  });

  it('cuts lists at k, breaking ties by item id', () => {
    const { signals } = aggregateInteractions(LOG, CATALOG, { ...ALL, k: 1 });
    expect(signals.coOccurrence.A).toEqual([{ item: 'B', score: r6(3 / Math.sqrt(12)), sessions: 3 }]);
    expect(signals.transitions.B).toEqual([{ item: 'A', p: 0.5, sessions: 1 }]); // p is still the share of all B→ transitions
    expect(signals.k).toBe(1);
  });

  it('leaves out pairs seen in fewer than minPairSessions sessions', () => {
    const { signals } = aggregateInteractions(LOG, CATALOG, { ...ALL, minSessions: 2 });
    expect(signals.coOccurrence).toEqual({
      A: [{ item: 'B', score: r6(3 / Math.sqrt(12)), sessions: 3 }],
      B: [{ item: 'A', score: r6(3 / Math.sqrt(12)), sessions: 3 }],
    });
    expect(signals.transitions).toEqual({ A: [{ item: 'B', p: 1, sessions: 2 }] });
  });

  it('skips co-occurrence of sessions with more than maxSessionItems items', () => {
    const { signals, report } = aggregateInteractions(LOG, CATALOG, { ...ALL, maxSessionItems: 2 });
    expect(report.largeSessions).toBe(1); // user-1 has A, B, C
    // Left: user-2 {A,B}, user-3 {A,B}, user-5 {A,D}: sessions(A)=3, (B)=2, (D)=1.
    expect(signals.coOccurrence.A).toEqual([
      { item: 'B', score: r6(2 / Math.sqrt(6)), sessions: 2 },
      { item: 'D', score: r6(1 / Math.sqrt(3)), sessions: 1 },
    ]);
    expect(signals.coOccurrence.C).toBeUndefined();
    expect(signals.transitions.C).toEqual([{ item: 'B', p: 1, sessions: 1 }]); // transitions still count
  });

  it('weights events in the popularity score', () => {
    const { signals } = aggregateInteractions(LOG, CATALOG, { ...ALL, eventWeights: { purchase: 10 } });
    // B: 1 + 10 + 1 + 1 = 13; A: 5.
    expect(signals.popularity.map((p) => [p.item, p.score])).toEqual([
      ['B', 1],
      ['A', r6(Math.log(6) / Math.log(14))],
      ['C', r6(Math.log(3) / Math.log(14))],
      ['D', r6(Math.log(2) / Math.log(14))],
    ]);
  });

  it('counts a transition once per session and skips repeats of the same item', () => {
    const log = ['A', 'A', 'B', 'A', 'B'].map((item, i) => ({ session: 's', item, timestamp: T + i, event: 'view' }));
    const { signals, report } = aggregateInteractions(log, CATALOG, ALL);
    expect(report.transitions).toBe(3); // A→B, B→A, A→B
    expect(signals.transitions).toEqual({ A: [{ item: 'B', p: 1, sessions: 1 }], B: [{ item: 'A', p: 1, sessions: 1 }] });
    expect(signals.popularity[0]).toEqual({ item: 'A', count: 3, sessions: 1, score: 1 });
  });

  it('with a transition window, credits later events by 1/distance, once per session at the nearest distance', () => {
    // user-1 in time order: A, B, C, B. Window 2 adds A → C (½); B → B is skipped; C → B stays 1.
    const log = LOG.filter((r) => r.session === 'user-1');
    const next = aggregateInteractions(log, CATALOG, { ...ALL, transitionWindow: 2 }).signals.transitions;
    expect(next.A).toEqual([
      { item: 'B', p: 0.666666, sessions: 1 },
      { item: 'C', p: 0.333333, sessions: 1 },
    ]);
    // B → C at distance 1 (weight 1), B → B skipped; C → B at distance 1.
    expect(next.B).toEqual([{ item: 'C', p: 1, sessions: 1 }]);
    expect(next.C).toEqual([{ item: 'B', p: 1, sessions: 1 }]);
    expect(() => aggregateInteractions(log, CATALOG, { ...ALL, transitionWindow: 0 })).toThrow('transitionWindow must be an integer ≥ 1, got 0');
  });

  it('returns empty signals for a log with nothing in the catalog', () => {
    const { signals, report } = aggregateInteractions(LOG, ['Z'], ALL);
    expect(signals).toEqual({
      sessions: 0,
      events: 0,
      k: 20,
      maxGapSeconds: 3600,
      popularity: [],
      coOccurrence: {},
      transitions: {},
      privacy: { minSessions: 1 },
    });
    expect(report.droppedEvents).toBe(13);
    expect(report.unknownItemExamples).toEqual(['A', 'B', 'C', 'D', 'X']);
  });

  it('names a bad row and bad options', () => {
    const bad = [...LOG.slice(0, 2), { session: 'u', item: 'A', timestamp: Number.NaN, event: 'view' }];
    expect(() => aggregateInteractions(bad, CATALOG, ALL)).toThrow('interaction row 2: bad timestamp NaN (expected seconds or milliseconds since 1970)');
    expect(() => aggregateInteractions(LOG, CATALOG, { ...ALL, k: 0 })).toThrow('k must be an integer ≥ 1, got 0');
  });

  it('reads timestamps ≥ 1e11 as milliseconds', () => {
    expect(timestampSeconds(1_700_000_000)).toBe(1_700_000_000);
    expect(timestampSeconds(1_700_000_000_500)).toBe(1_700_000_000.5);
  });
});

describe('parseInteractionsCsv', () => {
  it('reads columns by header name, quoted fields, CRLF, ISO dates and blank lines', () => {
    const csv = [
      '\uFEFFTimestamp,Session,Item,Event,Referrer',
      '1700000000,u1,A,view,"https://a.example/?q=1,2"',
      '',
      '1700000000123,u1,"B, the ""big"" one",click,',
      '2023-11-14T22:13:20Z,u2,C,purchase,"multi',
      'line"',
    ].join('\r\n');
    expect(parseInteractionsCsv(csv)).toEqual([
      { session: 'u1', item: 'A', timestamp: 1_700_000_000, event: 'view' },
      { session: 'u1', item: 'B, the "big" one', timestamp: 1_700_000_000_123, event: 'click' },
      { session: 'u2', item: 'C', timestamp: 1_700_000_000, event: 'purchase' },
    ]);
  });

  it('names the line of a malformed row', () => {
    const head = 'session,item,timestamp,event\n';
    expect(() => parseInteractionsCsv(`${head}u1,A,1700000000,view\n\nu1,B,1700000001\n`)).toThrow(
      'interactions.csv line 4: missing field "event" (3 of 4 columns)',
    );
    expect(() => parseInteractionsCsv(`${head}u1,A,1700000000,view\nu1,,1700000001,view\n`)).toThrow('interactions.csv line 3: missing field "item" (empty)');
    expect(() => parseInteractionsCsv(`${head}u1,A,yesterday,view\n`, 'log.csv')).toThrow(
      'log.csv line 2: bad timestamp "yesterday" (expected seconds or milliseconds since 1970, or an ISO 8601 date-time)',
    );
    expect(() => parseInteractionsCsv(`${head}u1,A,-5,view\n`)).toThrow('interactions.csv line 2: bad timestamp "-5"');
    expect(() => parseInteractionsCsv(`${head}u1,A,1,view,extra\n`)).toThrow('interactions.csv line 2: 5 fields, but the header has 4 columns');
    expect(() => parseInteractionsCsv(`${head}u1,"A\n\n1,view\n`)).toThrow('interactions.csv line 2: unterminated quoted field');
    expect(() => parseInteractionsCsv(`${head}u1,"a\nb",x,view\nu2,B,1,view\n`)).toThrow('interactions.csv line 2: bad timestamp "x"');
    expect(() => parseInteractionsCsv(`${head}u1,"a\nb"c,1,view\n`)).toThrow('interactions.csv line 3: unexpected "c" after a closing quote');
  });

  it('names a bad header', () => {
    expect(() => parseInteractionsCsv('user,item,timestamp,event\nu1,A,1,view\n')).toThrow(
      'interactions.csv line 1: the header has no "session" column (it needs session, item, timestamp, event)',
    );
    expect(() => parseInteractionsCsv('\n\n')).toThrow('interactions.csv: empty');
  });
});

describe('parseInteractionsJsonl', () => {
  it('reads one object per line, numeric ids as strings, ISO dates as seconds', () => {
    const jsonl = [
      '{"session":"u1","item":"A","timestamp":1700000000,"event":"view","extra":true}',
      '',
      '{"session":17,"item":42,"timestamp":"2023-11-14T22:13:20.500Z","event":"purchase"}',
    ].join('\n');
    expect(parseInteractionsJsonl(jsonl)).toEqual([
      { session: 'u1', item: 'A', timestamp: 1_700_000_000, event: 'view' },
      { session: '17', item: '42', timestamp: 1_700_000_000.5, event: 'purchase' },
    ]);
  });

  it('names the line of a malformed row', () => {
    const ok = '{"session":"u1","item":"A","timestamp":1,"event":"view"}\n';
    expect(() => parseInteractionsJsonl(`${ok}{"session":"u1","item":"A",`)).toThrow('interactions.jsonl line 2: not valid JSON');
    expect(() => parseInteractionsJsonl(`${ok}${ok}{"session":"u1","timestamp":1,"event":"view"}`)).toThrow('interactions.jsonl line 3: missing field "item"');
    expect(() => parseInteractionsJsonl(`${ok}{"session":"u1","item":"A","timestamp":"soon","event":"view"}`, 'log.jsonl')).toThrow(
      'log.jsonl line 2: bad timestamp "soon" (expected seconds or milliseconds since 1970, or an ISO 8601 date-time)',
    );
    expect(() => parseInteractionsJsonl(`${ok}{"session":"u1","item":"A","timestamp":1}`)).toThrow('interactions.jsonl line 2: missing field "event"');
    expect(() => parseInteractionsJsonl(`${ok}{"session":true,"item":"A","timestamp":1,"event":"view"}`)).toThrow(
      'interactions.jsonl line 2: field "session" must be a string or a number (got true)',
    );
    expect(() => parseInteractionsJsonl('[1,2]')).toThrow('interactions.jsonl line 1: expected a JSON object');
  });
});
