/**
 * The task the video poolings are compared on (`npm run eval:video-pooling`): same-clip
 * retrieval across disjoint segments. Each clip is cut into `segments` equal parts; each part
 * is sampled and pooled on its own; a part is a query, every other part of every clip the
 * gallery. A pooling that captures what a clip looks like puts the other parts of the same clip
 * first. Per query: P@1 (is the nearest other part from the same clip) and the reciprocal rank
 * of the first part of the same clip.
 */

export interface Segment {
  clip: string;
  vector: Float32Array;
}

export interface QueryResult {
  clip: string;
  hit1: number;
  reciprocalRank: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Every segment as a query against all the others (ties broken by gallery order, the same for every method). */
export function segmentRetrieval(segments: readonly Segment[], queryClips?: ReadonlySet<string>): QueryResult[] {
  const out: QueryResult[] = [];
  segments.forEach((query, q) => {
    if (queryClips && !queryClips.has(query.clip)) return;
    const ranked = segments
      .map((other, g) => ({ g, score: g === q ? -Infinity : dot(query.vector, other.vector) }))
      .filter(({ g }) => g !== q)
      .sort((x, y) => y.score - x.score || x.g - y.g);
    const first = ranked.findIndex(({ g }) => segments[g]!.clip === query.clip);
    out.push({ clip: query.clip, hit1: first === 0 ? 1 : 0, reciprocalRank: first < 0 ? 0 : 1 / (first + 1) });
  });
  return out;
}

export function meanOf(results: readonly QueryResult[], key: 'hit1' | 'reciprocalRank'): number {
  return results.reduce((s, r) => s + r[key], 0) / Math.max(1, results.length);
}
