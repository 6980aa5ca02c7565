/**
 * The catalog's collaborative signals released with differential privacy per session (the
 * builder's `--epsilon`; pure logic, no I/O). The accounting is in docs/privacy.md; in short:
 *
 * 1. Clip: a session keeps its first `maxItemsPerSession` distinct items (time order); of the
 *    pairs of those items it adds at most `maxPairsPerSession` co-occurrence pairs (nearest in
 *    time first) and at most `maxPairsPerSession` transitions (heaviest first). Each session
 *    then changes every released histogram by a bounded L1 amount, its sensitivity Δ.
 * 2. Noise: every released histogram gets Laplace noise of scale Δ / ε_j, with ε split equally
 *    over the J histograms (basic composition: Σ ε_j = ε). Popularity is noised over every
 *    catalog item, those with no event too (the item ids are public), so it is pure ε-DP.
 * 3. Select: pairs (co-occurrence, transitions) are noised only where they occurred, so a pair
 *    only one session had could show its existence; keeping a pair only when its noisy session
 *    count reaches τ = max(K, 1 + b·ln(P / 2δ_j)) bounds that chance by δ_j (δ split equally
 *    over the two pair lists). Items need a noisy session count ≥ K.
 * 4. Everything shipped (scores, p, rounded counts, the top-k cut) is computed from the noisy
 *    values only: post-processing, which costs no budget.
 *
 * The noise comes from a seeded generator so a build can be repeated; the seed must then stay
 * secret (anyone who knows it can subtract the noise), so the builder draws one from the
 * operating system unless told otherwise, and the manifest never records it.
 */
import type { CatalogSignals, NextItem, PopularityEntry, RelatedItem } from '../../engine/catalog/catalog-manifest.ts';
import type { SignalsNoise } from '../../engine/catalog/signals-privacy.ts';
import { mulberry32 } from '../../shared/seeded-random.ts';
import { itemAt } from '../../shared/item-at.ts';

export interface PrivacyOptions {
  /** Total budget ε > 0 (finite: leave the option out for exact counts). */
  epsilon: number;
  /** 0 < δ < 1 (default 1e-6). */
  delta?: number;
  /** Seed of the noise (unsigned 32-bit). Reproducible builds only; keep it secret. */
  seed: number;
  maxItemsPerSession?: number;
  maxPairsPerSession?: number;
}

export const DEFAULT_DELTA = 1e-6;
export const DEFAULT_MAX_ITEMS_PER_SESSION = 20;
export const DEFAULT_MAX_PAIRS_PER_SESSION = 20;

/** One session's events on catalog items: [item index, seconds, log order], in any order. */
export type SessionEvents = ReadonlyArray<readonly [number, number, number]>;

export interface PrivateAggregateInput {
  sessions: Iterable<SessionEvents>;
  ids: readonly string[];
  /** Weight of the event with this log order (its type's weight); a session's strongest per item counts. */
  eventWeight: (order: number) => number;
  /** Largest weight an event can have (≥ 1): the popularity weights' per-item bound. */
  maxEventWeight: number;
  k: number;
  maxGapSeconds: number;
  transitionWindow: number;
  maxSessionItems: number;
  minSessions: number;
  privacy: PrivacyOptions;
}

/** What the builder records about the release (the manifest's `signals.privacy.noise`), and the thresholds it used. */
export interface PrivateRelease {
  signals: CatalogSignals;
  noise: SignalsNoise;
  /** Noisy-count thresholds actually applied to co-occurrence and transition pairs. */
  pairThresholds: { coOccurrence: number; transitions: number };
  /** Laplace scales b = Δ / ε_j of each released histogram. */
  scales: Record<string, number>;
}

function check(name: string, value: number, ok: boolean, expected: string): number {
  if (!ok) throw new RangeError(`${name} must be ${expected}, got ${value}`);
  return value;
}

/** Laplace(0, b) by the inverse CDF; u ∈ (−½, ½). */
export function laplaceSampler(seed: number): (scale: number) => number {
  const random = mulberry32(seed);
  return (scale) => {
    let u = random() - 0.5;
    while (u === -0.5) u = random() - 0.5;
    return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
}

/** τ such that a pair with a true count of 1 passes with probability ≤ δ / P per pair (so ≤ δ over a session's P pairs). */
export function pairThreshold(scale: number, maxPairs: number, delta: number, minSessions: number): number {
  return Math.max(minSessions, 1 + scale * Math.log(maxPairs / (2 * delta)));
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const floor6 = (x: number) => Math.floor(x * 1e6 + 1e-9) / 1e6;
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Distinct items of the session beyond the kept ones, counted only as far as the limit needs. */
function countOthers(events: SessionEvents, kept: ReadonlyMap<number, number>, limit: number): number {
  const others = new Set<number>();
  for (const [item] of events) {
    if (!kept.has(item)) others.add(item);
    if (kept.size + others.size > limit) break;
  }
  return others.size;
}

export function privateAggregates(input: PrivateAggregateInput): PrivateRelease {
  const { ids, k, maxGapSeconds, transitionWindow, maxSessionItems, minSessions, privacy } = input;
  const epsilon = check('epsilon', privacy.epsilon, Number.isFinite(privacy.epsilon) && privacy.epsilon > 0, 'a finite number > 0');
  const delta = check(
    'delta',
    privacy.delta ?? DEFAULT_DELTA,
    (privacy.delta ?? DEFAULT_DELTA) > 0 && (privacy.delta ?? DEFAULT_DELTA) < 1,
    'a number > 0 and < 1',
  );
  const m = privacy.maxItemsPerSession ?? DEFAULT_MAX_ITEMS_PER_SESSION;
  const P = privacy.maxPairsPerSession ?? DEFAULT_MAX_PAIRS_PER_SESSION;
  check('maxItemsPerSession', m, Number.isSafeInteger(m) && m >= 1, 'an integer ≥ 1');
  check('maxPairsPerSession', P, Number.isSafeInteger(P) && P >= 1, 'an integer ≥ 1');
  check('seed', privacy.seed, Number.isSafeInteger(privacy.seed) && privacy.seed >= 0, 'a non-negative integer');
  const wMax = check('maxEventWeight', input.maxEventWeight, input.maxEventWeight >= 1 && Number.isFinite(input.maxEventWeight), 'a finite number ≥ 1');
  const weighted = wMax !== 1;
  const windowed = transitionWindow > 1;
  const n = ids.length;

  // True, clipped histograms.
  const itemSessions = new Float64Array(n);
  const itemWeight = new Float64Array(n);
  const pairSessions = new Map<number, number>();
  const moveSessions = new Map<number, number>();
  const moveWeight = new Map<number, number>();
  let sessionCount = 0;
  for (const raw of input.sessions) {
    sessionCount++;
    const events = [...raw].sort((x, y) => x[1] - y[1] || x[2] - y[2]);
    // The first m distinct items; later events on other items are dropped.
    const kept: number[] = [];
    const strongest = new Map<number, number>();
    for (const [item, , order] of events) {
      if (!strongest.has(item)) {
        if (kept.length === m) continue;
        kept.push(item);
        strongest.set(item, 0);
      }
      strongest.set(item, Math.min(wMax, Math.max(strongest.get(item)!, input.eventWeight(order))));
    }
    for (const item of kept) {
      itemSessions[item] = itemAt(itemSessions, item) + 1;
      itemWeight[item] = itemAt(itemWeight, item) + strongest.get(item)!;
    }
    if (events.length < 2) continue;
    // Co-occurrence: pairs of kept items, nearest in first-seen order first, at most P.
    if (kept.length >= 2 && strongest.size + countOthers(events, strongest, maxSessionItems) <= maxSessionItems) {
      let added = 0;
      for (let gap = 1; gap < kept.length && added < P; gap++) {
        for (let i = 0; i + gap < kept.length && added < P; i++) {
          const a = Math.min(itemAt(kept, i), itemAt(kept, i + gap));
          const b = Math.max(itemAt(kept, i), itemAt(kept, i + gap));
          const key = a * n + b;
          pairSessions.set(key, (pairSessions.get(key) ?? 0) + 1);
          added++;
        }
      }
    }
    // Transitions over the kept items' events, once per session at their largest weight 1/d; the P heaviest.
    const onKept = events.filter((e) => strongest.has(e[0]));
    const seen = new Map<number, number>();
    for (const [i, [from, time]] of onKept.entries()) {
      for (let d = 1; d <= transitionWindow && i + d < onKept.length; d++) {
        const [to, nextTime] = itemAt(onKept, i + d);
        if (nextTime - time > maxGapSeconds) break;
        if (from === to) continue;
        const key = from * n + to;
        if (!seen.has(key)) seen.set(key, 1 / d);
        else seen.set(key, Math.max(seen.get(key)!, 1 / d));
      }
    }
    const heaviest = [...seen].sort((x, y) => y[1] - x[1]).slice(0, P);
    for (const [key, w] of heaviest) {
      moveSessions.set(key, (moveSessions.get(key) ?? 0) + 1);
      moveWeight.set(key, (moveWeight.get(key) ?? 0) + w);
    }
  }

  // Budget: equal shares over the released histograms.
  const released = ['sessions', 'itemSessions', ...(weighted ? ['itemWeight'] : []), 'pairSessions', 'moveSessions', ...(windowed ? ['moveWeight'] : [])];
  const share = epsilon / released.length;
  const sensitivity = { sessions: 1, itemSessions: m, itemWeight: m * wMax, pairSessions: P, moveSessions: P, moveWeight: P };
  // The Laplace scale of each released histogram (those not released are never drawn).
  const scales = Object.fromEntries(Object.entries(sensitivity).map(([name, value]) => [name, value / share])) as Record<keyof typeof sensitivity, number>;
  const noise = laplaceSampler(privacy.seed >>> 0);
  const deltaShare = delta / 2;
  const pairThresholds = {
    coOccurrence: pairThreshold(scales.pairSessions, P, deltaShare, minSessions),
    transitions: pairThreshold(scales.moveSessions, P, deltaShare, minSessions),
  };

  const noisySessions = Math.max(0, Math.round(sessionCount + noise(scales.sessions)));
  // Popularity: every catalog item, in index order (the noise draw order is fixed).
  const sNoisy = new Float64Array(n);
  const wNoisy = new Float64Array(n);
  for (let i = 0; i < n; i++) sNoisy[i] = itemAt(itemSessions, i) + noise(scales.itemSessions);
  for (let i = 0; i < n; i++) wNoisy[i] = weighted ? itemAt(itemWeight, i) + noise(scales.itemWeight) : itemAt(sNoisy, i);
  const popular: number[] = [];
  for (let i = 0; i < n; i++) if (itemAt(sNoisy, i) >= minSessions) popular.push(i);
  let maxW = 0;
  for (const i of popular) maxW = Math.max(maxW, itemAt(wNoisy, i));
  const popularity: PopularityEntry[] = popular.map((i) => {
    const sessions = Math.max(1, Math.round(itemAt(sNoisy, i)));
    const score = maxW > 0 ? round6(Math.min(1, Math.log1p(Math.max(0, itemAt(wNoisy, i))) / Math.log1p(maxW))) : 0;
    return { item: itemAt(ids, i), count: sessions, sessions, score };
  });
  popularity.sort((a, b) => b.score - a.score || b.count - a.count || compareIds(a.item, b.item));
  const events = popularity.reduce((sum, p) => sum + p.count, 0);

  // Co-occurrence: cosine over the noisy counts (the item marginals are the noisy item sessions).
  const related = new Map<number, RelatedItem[]>();
  const addRelated = (to: number, other: number, both: number) => {
    let list = related.get(to);
    if (!list) related.set(to, (list = []));
    const denominator = Math.sqrt(Math.max(both, itemAt(sNoisy, to)) * Math.max(both, itemAt(sNoisy, other)));
    list.push({ item: itemAt(ids, other), score: round6(Math.min(1, both / denominator)), sessions: both });
  };
  for (const key of [...pairSessions.keys()].sort((a, b) => a - b)) {
    const noisy = pairSessions.get(key)! + noise(scales.pairSessions);
    if (noisy < pairThresholds.coOccurrence) continue;
    const both = Math.max(1, Math.round(noisy));
    const a = Math.floor(key / n);
    addRelated(a, key - a * n, both);
    addRelated(key - a * n, a, both);
  }

  // Transitions: p from the noisy weights of the pairs that passed.
  const passed: Array<{ from: number; to: number; sessions: number; weight: number }> = [];
  for (const key of [...moveSessions.keys()].sort((a, b) => a - b)) {
    const noisy = moveSessions.get(key)! + noise(scales.moveSessions);
    if (noisy < pairThresholds.transitions) continue;
    const weight = windowed ? moveWeight.get(key)! + noise(scales.moveWeight) : noisy;
    const from = Math.floor(key / n);
    passed.push({ from, to: key - from * n, sessions: Math.max(1, Math.round(noisy)), weight: Math.max(0, weight) });
  }
  const out = new Float64Array(n);
  for (const t of passed) out[t.from] = itemAt(out, t.from) + t.weight;
  const next = new Map<number, NextItem[]>();
  for (const t of passed) {
    let list = next.get(t.from);
    if (!list) next.set(t.from, (list = []));
    list.push({ item: itemAt(ids, t.to), p: itemAt(out, t.from) > 0 ? floor6(t.weight / itemAt(out, t.from)) : 0, sessions: t.sessions });
  }

  const byId = <T>(lists: Map<number, T[]>, order: (x: T, y: T) => number): Record<string, T[]> => {
    const keys = [...lists.keys()].sort((a, b) => compareIds(itemAt(ids, a), itemAt(ids, b)));
    return Object.fromEntries(keys.map((key) => [itemAt(ids, key), lists.get(key)!.sort(order).slice(0, k)]));
  };
  return {
    signals: {
      sessions: noisySessions,
      events,
      k,
      maxGapSeconds,
      popularity,
      coOccurrence: byId(related, (x, y) => y.score - x.score || y.sessions - x.sessions || compareIds(x.item, y.item)),
      transitions: byId(next, (x, y) => y.p - x.p || y.sessions - x.sessions || compareIds(x.item, y.item)),
    },
    noise: { mechanism: 'laplace', epsilon, delta, maxItemsPerSession: m, maxPairsPerSession: P },
    pairThresholds,
    scales,
  };
}
