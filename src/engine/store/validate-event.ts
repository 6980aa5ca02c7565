/**
 * Checks an event before it is stored or queued and returns a clean copy. A bad event is a
 * caller bug, so it fails loudly, naming the field, instead of polluting the profile the
 * recommender learns from. Unknown fields are errors too: a misspelt one would vanish.
 */
import { ProfileStoreError } from './profile-store-error.ts';
import { MAX_ID_LENGTH, MAX_REVIEW_CHARS } from '../../protocol/limits.ts';
import { EVENT_TYPES, type EventContext, type NewProfileEvent, type ProfileEventType } from '../../protocol/profile.ts';

/** Ids are keys, not documents; the bound keeps one event small (the same bound as the catalog format's). */
export { MAX_ID_LENGTH } from '../../protocol/limits.ts';
/** A recommendation list longer than this is not something a user saw. */
export const MAX_SHOWN_IDS = 1000;

const EVENT_FIELDS = new Set(['type', 'itemId', 'adhocId', 'at', 'dwellMs', 'catalog', 'context', 'text', 'sentiment']);
const CONTEXT_FIELDS = new Set(['mode', 'shownIds']);

/** A validated event ready to store: `at` is set and no field is present with value undefined. */
export type EventRecord = NewProfileEvent & { at: number };

const NO_VALUE = Symbol('no value');

function fail(field: string, problem: string, value: unknown = NO_VALUE): never {
  const got = value === NO_VALUE ? '' : ` (got ${show(value)})`;
  throw new ProfileStoreError('invalid-event', `event field "${field}" ${problem}${got}; fix the caller that records it.`);
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? 'null' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventType(value: unknown): value is ProfileEventType {
  return (EVENT_TYPES as readonly unknown[]).includes(value);
}

function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string', value);
  if (value.length > MAX_ID_LENGTH) fail(field, `must be at most ${MAX_ID_LENGTH} characters`, value);
  return value;
}

function checkContext(value: unknown): EventContext {
  if (!isPlainObject(value)) fail('context', 'must be an object', value);
  const extra = Object.keys(value).find((key) => !CONTEXT_FIELDS.has(key));
  if (extra !== undefined) fail(`context.${extra}`, 'is not a known field (expected mode, shownIds)');
  const context: EventContext = {};
  if (value.mode !== undefined) context.mode = checkId('context.mode', value.mode);
  if (value.shownIds !== undefined) {
    const ids = value.shownIds;
    if (!Array.isArray(ids)) fail('context.shownIds', 'must be an array of item ids', ids);
    if (ids.length > MAX_SHOWN_IDS) fail('context.shownIds', `must list at most ${MAX_SHOWN_IDS} ids`, ids);
    context.shownIds = ids.map((id, i) => checkId(`context.shownIds[${i}]`, id));
  }
  return context;
}

export function validateEvent(input: unknown, now: number): EventRecord {
  if (!isPlainObject(input)) fail('(event)', 'must be an object', input);
  const extra = Object.keys(input).find((key) => !EVENT_FIELDS.has(key));
  if (extra !== undefined) {
    fail(extra, extra === 'id' ? 'is assigned by the store; leave it out' : 'is not a known field');
  }
  if (!isEventType(input.type)) fail('type', `must be one of ${EVENT_TYPES.join(', ')}`, input.type);
  const event: EventRecord = { type: input.type, at: now };

  const hasItem = input.itemId !== undefined;
  const hasAdhoc = input.adhocId !== undefined;
  if (hasItem && hasAdhoc) fail('itemId/adhocId', 'must not both be set: an event is about one item');
  if (!hasItem && !hasAdhoc) fail('itemId/adhocId', 'is missing: set exactly one of itemId (catalog item) or adhocId');
  if (hasItem) event.itemId = checkId('itemId', input.itemId);
  else event.adhocId = checkId('adhocId', input.adhocId);

  if (input.at !== undefined) {
    const at = input.at;
    if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) fail('at', 'must be a finite ms epoch >= 0', at);
    event.at = at;
  }
  if (input.dwellMs !== undefined) {
    const dwell = input.dwellMs;
    if (typeof dwell !== 'number' || !Number.isFinite(dwell) || dwell < 0) fail('dwellMs', 'must be a finite number >= 0', dwell);
    if (event.type !== 'view') fail('dwellMs', `is only for 'view' events, not '${event.type}'`);
    event.dwellMs = dwell;
  }
  if (input.catalog !== undefined) event.catalog = checkId('catalog', input.catalog);
  if (input.context !== undefined) event.context = checkContext(input.context);
  // A review carries its words and what the sentiment head read from them; nothing else does.
  if (event.type === 'review' || input.text !== undefined || input.sentiment !== undefined) {
    if (event.type !== 'review') fail(input.text !== undefined ? 'text' : 'sentiment', `is only for 'review' events, not '${event.type}'`);
    const text = input.text;
    if (typeof text !== 'string' || text.trim().length === 0) fail('text', "must be the review's non-blank words", text);
    if (text.length > MAX_REVIEW_CHARS) fail('text', `must be at most ${MAX_REVIEW_CHARS} characters`, text);
    const sentiment = input.sentiment;
    if (typeof sentiment !== 'number' || !(sentiment >= 0 && sentiment <= 1))
      fail('sentiment', "must be the head's P(positive), a number in [0, 1]", sentiment);
    event.text = text;
    event.sentiment = sentiment;
  }
  return event;
}
