/**
 * A shop's interaction log → the aggregated `signals` of a catalog manifest (pure logic; the
 * catalog builder reads the files and writes the manifest).
 *
 * Only aggregates leave here: counts and scores per item and per item pair. No session or
 * user id, no single session's sequence, no timestamps.
 *
 * - popularity: per item, its events (`count`), the distinct sessions with it (`sessions`)
 *   and `score` = log(1 + w) / log(1 + w_max) in [0, 1], where w is the item's weighted
 *   event count (`eventWeights`, every event 1 by default). Best first.
 * - coOccurrence: over the sessions with 2 … `maxSessionItems` distinct catalog items, the
 *   cosine of the item-session incidence: sessions(a, b) / √(sessions(a) · sessions(b)), with
 *   sessions(x) counted over those same sessions. Top `k` per item.
 * - transitions: each session's events in timestamp order (equal timestamps keep log order);
 *   an event on b within the `transitionWindow` events after an event on a ≠ b (each step at
 *   most `maxGapSeconds` after a) is a transition a → b of weight 1/d, d the number of
 *   steps (d = 1: b came right next), counted once per session at its largest weight.
 *   `p` = weight(a → b) / Σ_c weight(a → c): with the default window of 1, the probability
 *   that the next item after a is b. The listed p sum to 1 unless the list was cut at `k` or
 *   pairs were dropped by `minSessions`. Top `k` per item. A window > 1 also credits
 *   "viewed soon after", which helps when logs interleave (tuned on MovieLens dev users: 5).
 * - `minSessions` K (default 5): items, co-occurrence pairs and transitions seen in fewer than
 *   K distinct sessions are not shipped, so no single session's pair leaves the shop.
 * - `privacy` (the builder's `--epsilon`): the counts are released with differential privacy
 *   instead, clipped per session and noised (private-aggregates.ts, docs/privacy.md).
 * - Rows whose item is not in the catalog are dropped (counted in the report). A session
 *   with a single event adds to popularity only.
 * - Ties are broken deterministically: score, then support (count or sessions), then item
 *   id in code-unit order. Scores are rounded to 6 decimals; probabilities are rounded down to 6
 *   decimals, so that a list of up to k of them never sums above 1 (the catalog parser refuses that).
 * - Timestamps are seconds or milliseconds since 1970, told apart per value: ≥ 1e11 is
 *   milliseconds (1e11 s would be the year 5138; 1e11 ms is March 1973).
 */
import type { CatalogSignals, NextItem, PopularityEntry, RelatedItem } from '../../engine/catalog/catalog-manifest.ts';
import { csvRecords } from './csv-records.ts';
import { privateAggregates, type PrivacyOptions } from './private-aggregates.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface InteractionRow {
  /** A session or user id. */
  session: string;
  item: string;
  /** Seconds or milliseconds since 1970. */
  timestamp: number;
  /** 'view' | 'click' | 'add-to-cart' | 'purchase' | any other name. */
  event: string;
}

export interface AggregateOptions {
  /** Longest neighbour list per item (default 20). */
  k?: number;
  /** Largest gap between consecutive events that still counts as a transition (default 3600). */
  maxGapSeconds?: number;
  /** Events after an event that count as its transitions, weighted 1/distance (default 1: the next one only). */
  transitionWindow?: number;
  /** K: items and pairs (co-occurrence, transitions) seen in fewer distinct sessions are left out (default 5). */
  minSessions?: number;
  /** Release the counts with ε-differential privacy per session (absent: exact counts). */
  privacy?: PrivacyOptions;
  /** Sessions with more distinct items (bots, crawlers, years-long user histories) add no co-occurrence (default 100). */
  maxSessionItems?: number;
  /** Weight of each event type in the popularity score; unlisted events weigh 1. */
  eventWeights?: Record<string, number>;
}

export interface AggregationReport {
  rows: number;
  /** Rows kept (their item is in the catalog). */
  events: number;
  /** Rows dropped because their item is not in the catalog. */
  droppedEvents: number;
  /** Distinct unknown item ids, and up to 10 of them (sorted) to show. */
  unknownItems: number;
  unknownItemExamples: string[];
  sessions: number;
  singleEventSessions: number;
  /** Sessions that added to co-occurrence. */
  coOccurrenceSessions: number;
  /** Sessions with more than maxSessionItems distinct items. */
  largeSessions: number;
  /** Consecutive events on different items within maxGapSeconds, and beyond it. */
  transitions: number;
  transitionsOverGap: number;
}

/** A malformed interaction log: the message names the source and the line (or row). */
export class InteractionLogError extends Error {
  override readonly name = 'InteractionLogError';
}

export const DEFAULT_K = 20;
export const DEFAULT_MAX_GAP_SECONDS = 3600;
export const DEFAULT_MAX_SESSION_ITEMS = 100;
export const DEFAULT_MIN_SESSIONS = 5;
const MS_THRESHOLD = 1e11;

/** A timestamp in seconds: values ≥ 1e11 are taken as milliseconds. */
export function timestampSeconds(timestamp: number): number {
  return timestamp >= MS_THRESHOLD ? timestamp / 1000 : timestamp;
}

/** Code-unit order: the same on every machine and locale. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Down to 6 decimals (the 1e-9 keeps 0.29 from becoming 0.289999 through 0.29 · 1e6 = 289999.99999999994). */
const floor6 = (x: number) => Math.floor(x * 1e6 + 1e-9) / 1e6;

function checkOption(name: string, value: number, min: number, integer: boolean): number {
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Aggregates `rows` over the items in `catalogItemIds`. Throws InteractionLogError naming the
 * row (0-based) for a row with a missing or ill-typed field.
 */
export function aggregateInteractions(
  rows: Iterable<InteractionRow>,
  catalogItemIds: Iterable<string>,
  options: AggregateOptions = {},
): { signals: CatalogSignals; report: AggregationReport } {
  const k = checkOption('k', options.k ?? DEFAULT_K, 1, true);
  const maxGapSeconds = checkOption('maxGapSeconds', options.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS, 0, false);
  const minSessions = checkOption('minSessions', options.minSessions ?? DEFAULT_MIN_SESSIONS, 1, true);
  const transitionWindow = checkOption('transitionWindow', options.transitionWindow ?? 1, 1, true);
  const maxSessionItems = checkOption('maxSessionItems', options.maxSessionItems ?? DEFAULT_MAX_SESSION_ITEMS, 2, true);
  const eventWeights = options.eventWeights ?? {};
  for (const [event, weight] of Object.entries(eventWeights)) checkOption(`eventWeights["${event}"]`, weight, 0, false);

  const ids = [...new Set(catalogItemIds)];
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const n = ids.length;

  const count = new Float64Array(n);
  const weight = new Float64Array(n);
  const itemSessions = new Float64Array(n);
  /** Per session, its events as [item index, seconds, log order]. */
  const sessions = new Map<string, Array<[number, number, number]>>();
  const unknown = new Set<string>();
  let rowCount = 0;
  let droppedEvents = 0;
  /** Weight of each kept row, by log order (for the private release). */
  const rowWeights: number[] = [];

  for (const row of rows) {
    const at = rowCount++;
    const bad = (problem: string): never => {
      throw new InteractionLogError(`interaction row ${at}: ${problem}`);
    };
    if (typeof row?.session !== 'string' || row.session === '') bad('field "session" must be a non-empty string');
    if (typeof row.item !== 'string' || row.item === '') bad('field "item" must be a non-empty string');
    if (typeof row.event !== 'string' || row.event === '') bad('field "event" must be a non-empty string');
    if (typeof row.timestamp !== 'number' || !Number.isFinite(row.timestamp) || row.timestamp < 0) {
      bad(`bad timestamp ${String(row.timestamp)} (expected seconds or milliseconds since 1970)`);
    }
    const item = indexOf.get(row.item);
    if (item === undefined) {
      droppedEvents++;
      unknown.add(row.item);
      continue;
    }
    count[item] = itemAt(count, item) + 1;
    const eventWeight = Object.prototype.hasOwnProperty.call(eventWeights, row.event) ? (eventWeights[row.event] ?? 1) : 1;
    weight[item] = itemAt(weight, item) + eventWeight;
    rowWeights[at] = eventWeight;
    let events = sessions.get(row.session);
    if (!events) sessions.set(row.session, (events = []));
    events.push([item, timestampSeconds(row.timestamp), at]);
  }

  let singleEventSessions = 0;
  let coOccurrenceSessions = 0;
  let largeSessions = 0;
  let transitionCount = 0;
  let transitionsOverGap = 0;
  /** Sessions with x, over the co-occurrence sessions. */
  const coSessions = new Float64Array(n);
  /** a·n + b (a < b) → sessions with both. */
  const pairs = new Map<number, number>();
  /** a·n + b → sessions with the transition a → b. */
  const moves = new Map<number, number>();
  const movesOut = new Float64Array(n);
  /** a·n + b → sessions with the transition a → b (moves holds their weights). */
  const moveSessions = new Map<number, number>();

  for (const events of sessions.values()) {
    const distinct = [...new Set(events.map((e) => e[0]))].sort((a, b) => a - b);
    for (const item of distinct) itemSessions[item] = itemAt(itemSessions, item) + 1;
    if (events.length === 1) {
      singleEventSessions++;
      continue;
    }
    if (distinct.length > maxSessionItems) largeSessions++;
    else if (distinct.length >= 2) {
      coOccurrenceSessions++;
      for (let i = 0; i < distinct.length; i++) {
        coSessions[itemAt(distinct, i)] = itemAt(coSessions, itemAt(distinct, i)) + 1;
        for (let j = i + 1; j < distinct.length; j++) {
          const key = itemAt(distinct, i) * n + itemAt(distinct, j);
          pairs.set(key, (pairs.get(key) ?? 0) + 1);
        }
      }
    }
    events.sort((x, y) => x[1] - y[1] || x[2] - y[2]);
    // Per session, each pair a → b counts once, with weight 1/d for the nearest d it was seen at.
    const seen = new Map<number, number>();
    for (let i = 1; i < events.length; i++) {
      const [from, time] = itemAt(events, i - 1);
      const [to, nextTime] = itemAt(events, i);
      if (from === to) continue;
      if (nextTime - time > maxGapSeconds) transitionsOverGap++;
      else transitionCount++;
    }
    for (const [i, [from, time]] of events.entries()) {
      for (let d = 1; d <= transitionWindow && i + d < events.length; d++) {
        const [to, nextTime] = itemAt(events, i + d);
        if (nextTime - time > maxGapSeconds) break;
        if (from === to) continue;
        const key = from * n + to;
        seen.set(key, Math.max(seen.get(key) ?? 0, 1 / d));
      }
    }
    for (const [key, w] of seen) {
      moves.set(key, (moves.get(key) ?? 0) + w);
      moveSessions.set(key, (moveSessions.get(key) ?? 0) + 1);
      movesOut[Math.floor(key / n)] = itemAt(movesOut, Math.floor(key / n)) + w;
    }
  }

  // popularity
  let maxWeight = 0;
  for (let i = 0; i < n; i++)
    if (itemAt(count, i) > 0 && itemAt(itemSessions, i) >= minSessions && itemAt(weight, i) > maxWeight) maxWeight = itemAt(weight, i);
  const popularity: PopularityEntry[] = [];
  for (let i = 0; i < n; i++) {
    if (itemAt(count, i) === 0 || itemAt(itemSessions, i) < minSessions) continue;
    const score = maxWeight > 0 ? round6(Math.log1p(itemAt(weight, i)) / Math.log1p(maxWeight)) : 0;
    popularity.push({ item: itemAt(ids, i), count: itemAt(count, i), sessions: itemAt(itemSessions, i), score });
  }
  popularity.sort((a, b) => b.score - a.score || b.count - a.count || compareIds(a.item, b.item));

  // co-occurrence
  const related = new Map<number, RelatedItem[]>();
  const addRelated = (to: number, other: number, both: number) => {
    let list = related.get(to);
    if (!list) related.set(to, (list = []));
    list.push({ item: itemAt(ids, other), score: round6(both / Math.sqrt(itemAt(coSessions, to) * itemAt(coSessions, other))), sessions: both });
  };
  for (const [key, both] of pairs) {
    if (both < minSessions) continue;
    const a = Math.floor(key / n);
    const b = key - a * n;
    addRelated(a, b, both);
    addRelated(b, a, both);
  }
  const coOccurrence = topLists(
    related,
    ids,
    k,
    (x: RelatedItem, y: RelatedItem) => y.score - x.score || y.sessions - x.sessions || compareIds(x.item, y.item),
  );

  // transitions
  const next = new Map<number, NextItem[]>();
  for (const [key, weighted] of moves) {
    const sessionsWith = moveSessions.get(key)!;
    if (sessionsWith < minSessions) continue;
    const from = Math.floor(key / n);
    const to = key - from * n;
    let list = next.get(from);
    if (!list) next.set(from, (list = []));
    list.push({ item: itemAt(ids, to), p: floor6(weighted / itemAt(movesOut, from)), sessions: sessionsWith });
  }
  const transitions = topLists(next, ids, k, (x: NextItem, y: NextItem) => y.p - x.p || y.sessions - x.sessions || compareIds(x.item, y.item));

  const events = rowCount - droppedEvents;
  let signals: CatalogSignals = { sessions: sessions.size, events, k, maxGapSeconds, popularity, coOccurrence, transitions, privacy: { minSessions } };
  if (options.privacy) {
    const weights = Object.values(eventWeights);
    const released = privateAggregates({
      sessions: sessions.values(),
      ids,
      eventWeight: (order) => rowWeights[order] ?? 1,
      maxEventWeight: Math.max(1, ...weights),
      k,
      maxGapSeconds,
      transitionWindow,
      maxSessionItems,
      minSessions,
      privacy: options.privacy,
    });
    signals = { ...released.signals, privacy: { minSessions, noise: released.noise } };
  }
  return {
    signals,
    report: {
      rows: rowCount,
      events,
      droppedEvents,
      unknownItems: unknown.size,
      unknownItemExamples: [...unknown].sort(compareIds).slice(0, 10),
      sessions: sessions.size,
      singleEventSessions,
      coOccurrenceSessions,
      largeSessions,
      transitions: transitionCount,
      transitionsOverGap,
    },
  };
}

/** Sorted, cut at k, keyed by item id in id order (so the JSON is the same on every run). */
function topLists<T>(lists: Map<number, T[]>, ids: string[], k: number, order: (x: T, y: T) => number): Record<string, T[]> {
  const keys = [...lists.keys()].sort((a, b) => compareIds(itemAt(ids, a), itemAt(ids, b)));
  return Object.fromEntries(keys.map((key) => [itemAt(ids, key), (lists.get(key) as T[]).sort(order).slice(0, k)]));
}

// ---------------------------------------------------------------------------------------
// log files

const FIELDS = ['session', 'item', 'timestamp', 'event'] as const;
const NUMERIC = /^\d+(\.\d+)?$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Seconds or milliseconds as written, or an ISO 8601 date-time as seconds; undefined if neither. */
function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (NUMERIC.test(text)) return Number(text);
  if (ISO_DATE_TIME.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) || ms < 0 ? undefined : ms / 1000;
  }
  return undefined;
}

function badTimestamp(value: unknown): string {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `bad timestamp ${shown} (expected seconds or milliseconds since 1970, or an ISO 8601 date-time)`;
}

/**
 * An interaction log as CSV with a header naming the columns `session`, `item`, `timestamp`
 * and `event` (any order, any case; other columns are ignored). Blank lines are skipped.
 * Timestamps: seconds, milliseconds or ISO 8601. Errors name the line, e.g.
 * `interactions.csv line 7: missing field "event"`.
 */
export function parseInteractionsCsv(text: string, source = 'interactions.csv'): InteractionRow[] {
  const records = csvRecords(text, source, (message) => new InteractionLogError(message));
  const [header, ...body] = records;
  if (header === undefined) throw new InteractionLogError(`${source}: empty: expected a header line with ${FIELDS.join(', ')}`);
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const column = {} as Record<(typeof FIELDS)[number], number>;
  for (const name of FIELDS) {
    const index = names.indexOf(name);
    if (index === -1) throw new InteractionLogError(`${source} line ${header.line}: the header has no "${name}" column (it needs ${FIELDS.join(', ')})`);
    if (names.indexOf(name, index + 1) !== -1) throw new InteractionLogError(`${source} line ${header.line}: the header has two "${name}" columns`);
    column[name] = index;
  }
  return body.map(({ line, fields }) => {
    const fail = (problem: string): never => {
      throw new InteractionLogError(`${source} line ${line}: ${problem}`);
    };
    if (fields.length > names.length) fail(`${fields.length} fields, but the header has ${names.length} columns`);
    const value = (name: (typeof FIELDS)[number]): string => {
      const raw = fields[column[name]];
      if (raw === undefined) return fail(`missing field "${name}" (${fields.length} of ${names.length} columns)`);
      if (raw.trim() === '') return fail(`missing field "${name}" (empty)`);
      return raw.trim();
    };
    const session = value('session');
    const item = value('item');
    const rawTime = value('timestamp');
    const event = value('event');
    const timestamp = parseTimestamp(rawTime);
    if (timestamp === undefined) fail(badTimestamp(rawTime));
    return { session, item, timestamp: timestamp as number, event };
  });
}

/**
 * An interaction log as JSON Lines: one object per line with `session` and `item` (strings, or
 * numbers, which become strings), `timestamp` (seconds, milliseconds or an ISO 8601 string)
 * and `event`; other fields are ignored, blank lines skipped. Errors name the line.
 */
export function parseInteractionsJsonl(text: string, source = 'interactions.jsonl'): InteractionRow[] {
  const rows: InteractionRow[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .forEach((raw, index) => {
      const fail = (problem: string): never => {
        throw new InteractionLogError(`${source} line ${index + 1}: ${problem}`);
      };
      if (raw.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (error) {
        fail(`not valid JSON (${(error as Error).message})`);
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('expected a JSON object');
      const object = json as Record<string, unknown>;
      const id = (name: 'session' | 'item'): string => {
        const value = object[name];
        if (value === undefined || value === null || value === '') return fail(`missing field "${name}"`);
        if (typeof value === 'number' && Number.isFinite(value)) return String(value);
        if (typeof value !== 'string') return fail(`field "${name}" must be a string or a number (got ${JSON.stringify(value)})`);
        return value;
      };
      const session = id('session');
      const item = id('item');
      if (object.timestamp === undefined || object.timestamp === null || object.timestamp === '') fail('missing field "timestamp"');
      const timestamp = parseTimestamp(object.timestamp);
      if (timestamp === undefined) fail(badTimestamp(object.timestamp));
      const event = object.event;
      if (event === undefined || event === null || event === '') fail('missing field "event"');
      if (typeof event !== 'string') fail(`field "event" must be a string (got ${JSON.stringify(event)})`);
      rows.push({ session, item, timestamp: timestamp as number, event: event as string });
    });
  return rows;
}
