/**
 * One line of a batch-recommend requests file (JSONL), checked before anything runs:
 *
 *   {"user": "u1", "history": [{"itemId": "42", "type": "view", "at": 1700000000000}],
 *    "request": {"mode": "for-you", "k": 10, "filters": [{"field": "category", "in": ["food"]}]}}
 *
 * - `user`: a string or a number, echoed unchanged in the output line;
 * - `history` (optional, default none): the shopper's events, each `{itemId, type, at?,
 *   dwellMs?}` with `type` one of the tracked event types (view, click, add-to-cart,
 *   remove-from-cart, purchase, dismiss) and `at` in ms since 1970. Either every event has
 *   `at` or none has: then the list order is the order they happened in. The rest of each
 *   event is checked by the profile store's own validation when it is recorded;
 * - `request`: the engine's RecommendRequest (mode, k, itemId, modality, filters, rules,
 *   diversity), checked by the engine itself when it runs. `by-example` needs an example the
 *   shopper gave on the device (searchByExample), which a line cannot carry, so it is refused.
 *
 * Unknown fields are errors, so a misspelt one cannot silently change what is ranked.
 */
import { EVENT_TYPES, type RecommendRequest, type TrackedEventType } from '../../protocol/recommend.ts';

/** A line that cannot be run: the message starts with the file and the line number. */
export class BatchLineError extends Error {
  override readonly name = 'BatchLineError';
  constructor(
    readonly source: string,
    /** 1-based line number in the requests file. */
    readonly line: number,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${source} line ${line}: ${problem}`, options);
  }
}

export interface HistoryEntry {
  itemId: string;
  type: TrackedEventType;
  at?: number;
  dwellMs?: number;
}

export interface RequestLine {
  /** Echoed as given (string or number). */
  user: string | number;
  /** Oldest first (sorted by `at` when the events carry it). */
  history: HistoryEntry[];
  request: RecommendRequest;
}

const LINE_FIELDS = new Set(['user', 'history', 'request']);
const HISTORY_FIELDS = new Set(['itemId', 'type', 'at', 'dwellMs']);
const REQUEST_FIELDS = new Set(['mode', 'k', 'itemId', 'modality', 'filters', 'rules', 'diversity']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks one non-blank line; throws BatchLineError naming the line and the field. */
export function parseRequestLine(text: string, source: string, line: number): RequestLine {
  const fail = (problem: string, cause?: unknown): never => {
    throw new BatchLineError(source, line, problem, cause === undefined ? undefined : { cause });
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`, error);
  }
  if (!isObject(json)) return fail('expected a JSON object {"user": …, "history": […], "request": {…}}');
  const extra = Object.keys(json).find((key) => !LINE_FIELDS.has(key));
  if (extra !== undefined) fail(`unknown field "${extra}" (expected user, history, request)`);

  const { user } = json;
  if (!((typeof user === 'string' && user !== '') || (typeof user === 'number' && Number.isFinite(user))))
    fail('"user" must be a non-empty string or a number');

  const rawHistory = json.history ?? [];
  if (!Array.isArray(rawHistory)) fail('"history" must be a list of events');
  const history = (rawHistory as unknown[]).map((raw, i): HistoryEntry => {
    const where = `history[${i}]`;
    if (!isObject(raw)) return fail(`${where} must be an object {"itemId", "type", "at"}`);
    const unknown = Object.keys(raw).find((key) => !HISTORY_FIELDS.has(key));
    if (unknown !== undefined) fail(`${where}: unknown field "${unknown}" (expected itemId, type, at, dwellMs)`);
    if (typeof raw.itemId !== 'string' || raw.itemId === '') fail(`${where}.itemId must be a non-empty string`);
    if (!(EVENT_TYPES as readonly unknown[]).includes(raw.type))
      fail(`${where}.type must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(raw.type)})`);
    if (raw.at !== undefined && !(typeof raw.at === 'number' && Number.isFinite(raw.at) && raw.at >= 0))
      fail(`${where}.at must be ms since 1970 (a number ≥ 0), got ${JSON.stringify(raw.at)}`);
    return { ...(raw as unknown as HistoryEntry) };
  });
  const timed = history.filter((e) => e.at !== undefined).length;
  if (timed !== 0 && timed !== history.length) fail(`"history": either every event has "at" or none has (${timed} of ${history.length} have it)`);
  // Oldest first; a stable sort keeps the given order of equal times.
  if (timed > 0) history.sort((a, b) => a.at! - b.at!);

  const request = json.request;
  if (!isObject(request)) return fail('"request" must be an object {"mode", "k", …}');
  const unknownOption = Object.keys(request).find((key) => !REQUEST_FIELDS.has(key));
  if (unknownOption !== undefined) fail(`request: unknown option "${unknownOption}" (expected ${[...REQUEST_FIELDS].join(', ')})`);
  if (request.mode === 'by-example')
    fail('request: mode "by-example" ranks by an example the shopper gave on the device, which a batch line cannot carry (use "similar" with an itemId)');
  return { user: user as string | number, history, request: request as unknown as RecommendRequest };
}
