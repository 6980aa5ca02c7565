/**
 * The user's history as the scorer reads it: the most recent distinct items (catalog items or
 * ad-hoc examples the user gave), each a "token" with its vectors and a weight from what the
 * user did with it and how long ago — what the user did last matters most.
 *
 * Weight of a token = Σ over its events of eventWeight × dwell factor, times
 * 0.5^(position / halfLife), position 0 being the most recent distinct item. A dismiss makes
 * the token negative (pushes similar items down) and removes the item from results.
 *
 * A review is read through s = 2·P(positive) − 1 from its sentiment head, −1…1 (the item's
 * latest review replaces an earlier one). A positive one adds `review` × s (4: a purchase at
 * full confidence); a negative one caps the token at |dismiss| × s, a dismiss weighted by how
 * negative the review reads, whatever views or clicks came before: the item itself is pushed
 * down most (its similarity to itself is 1), its neighbours by how close they are. (Scaled
 * like a purchase, a negative review outweighed a whole short history: for-you turned to
 * whatever was least like the item.)
 */
import type { Modality } from '../../protocol/embedding.ts';

export interface HistoryEvent {
  type: string;
  /** A catalog item id, or an ad-hoc item's id. */
  itemId?: string;
  adhocId?: string;
  at: number;
  dwellMs?: number;
  /** A review's P(positive), 0…1. */
  sentiment?: number;
}

export interface HistoryToken {
  /** Catalog item id or ad-hoc id. */
  key: string;
  /** Set for catalog items. */
  itemIndex?: number;
  adhoc: boolean;
  title?: string;
  vectors: Partial<Record<Modality, Float32Array>>;
  /** Signed weight (negative for dismissed items). */
  weight: number;
  /** 0 = most recent. */
  position: number;
}

export interface HistoryOptions {
  /** Distinct items considered (default 50). */
  window?: number;
  /** Positions after which a token's weight halves (default 8). */
  halfLife?: number;
  eventWeights?: Partial<Record<string, number>>;
}

export const DEFAULT_EVENT_WEIGHTS: Readonly<Record<string, number>> = {
  view: 1,
  click: 1.5,
  'add-to-cart': 3,
  purchase: 4,
  'remove-from-cart': 0,
  dismiss: -1,
  review: 4,
};

/** A review's signed weight: s = 2·P(positive) − 1, times `positive` when s ≥ 0, else times |`negative`| (the dismiss weight). */
export function reviewWeight(sentiment: number, positive: number, negative: number): number {
  const s = 2 * Math.min(1, Math.max(0, sentiment)) - 1;
  return s >= 0 ? positive * s : Math.abs(negative) * s;
}

/** A view counts from half (a glance) to double (a long look): 10 s is a normal view. */
export function dwellFactor(dwellMs: number | undefined): number {
  if (dwellMs === undefined || !Number.isFinite(dwellMs)) return 1;
  return Math.min(2, Math.max(0.5, dwellMs / 10_000));
}

export interface TokenSource {
  /** Catalog item index and title for an id, or undefined if the catalog has no such item. */
  catalogItem(id: string): { index: number; title: string; vectors: Partial<Record<Modality, Float32Array>> } | undefined;
  adhocItem(id: string): { title?: string; vectors: Partial<Record<Modality, Float32Array>> } | undefined;
}

/** Tokens newest first. Events on unknown items (another catalog, a deleted ad-hoc item) are skipped. */
export function historyTokens(events: readonly HistoryEvent[], source: TokenSource, options: HistoryOptions = {}): HistoryToken[] {
  const window = options.window ?? 50;
  const halfLife = options.halfLife ?? 8;
  const weights = { ...DEFAULT_EVENT_WEIGHTS, ...options.eventWeights };
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const byKey = new Map<string, { raw: number; dismissed: boolean; last: number; review?: number }>();
  const order: string[] = [];
  for (const event of sorted) {
    const key = event.itemId !== undefined ? `item:${event.itemId}` : event.adhocId !== undefined ? `adhoc:${event.adhocId}` : undefined;
    if (!key) continue;
    const entry: { raw: number; dismissed: boolean; last: number; review?: number } = byKey.get(key) ?? { raw: 0, dismissed: false, last: 0 };
    if (event.type === 'review') entry.review = reviewWeight(event.sentiment ?? 0.5, weights.review ?? 0, weights.dismiss ?? 1);
    else entry.raw += (weights[event.type] ?? 0) * (event.type === 'view' ? dwellFactor(event.dwellMs) : 1);
    if (event.type === 'dismiss') entry.dismissed = true;
    entry.last = event.at;
    byKey.set(key, entry);
    const at = order.indexOf(key);
    if (at >= 0) order.splice(at, 1);
    order.push(key); // most recent last
  }
  const tokens: HistoryToken[] = [];
  for (let i = order.length - 1; i >= 0 && tokens.length < window; i--) {
    const key = order[i]!;
    const entry = byKey.get(key)!;
    let raw = entry.raw + Math.max(0, entry.review ?? 0);
    if (entry.dismissed) raw = Math.min(raw, -Math.abs(weights.dismiss ?? 1));
    if (entry.review !== undefined && entry.review < 0) raw = Math.min(raw, entry.review);
    if (raw === 0) continue;
    const position = tokens.length;
    const weight = raw * 0.5 ** (position / halfLife);
    if (key.startsWith('item:')) {
      const id = key.slice(5);
      const item = source.catalogItem(id);
      if (!item) continue;
      tokens.push({ key: id, itemIndex: item.index, adhoc: false, title: item.title, vectors: item.vectors, weight, position });
    } else {
      const id = key.slice(6);
      const item = source.adhocItem(id);
      if (!item) continue;
      tokens.push({ key: id, adhoc: true, title: item.title, vectors: item.vectors, weight, position });
    }
  }
  return tokens;
}
