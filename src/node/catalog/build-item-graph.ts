/**
 * The catalog builder's graph stage: items, categories and attribute values become the nodes
 * of an ItemGraph (src/engine/graph/item-graph.ts), with weighted edges of five kinds:
 *
 *   coOccurrence  item ↔ item seen in the same sessions (the aggregated cosine), both ways
 *   transition    item → item looked at next (its share of the transitions), one way
 *   content       item → its nearest items by content (cosine per modality, averaged), kept if > 0
 *   category      item ↔ each prefix of its category path (`category:animals`, `category:animals/cats`)
 *   attribute     item ↔ an attribute value it shares with at least one other item (`keywords:cat`)
 *
 * The last three need no interactions, so they are how propagation reaches new items. Degree
 * is bounded: an item keeps its best `maxNeighbours` edges of each item-to-item kind, and a
 * category or attribute node links at most `maxMembers` items (its most popular, else evenly
 * spread over the catalog order) — the walk through a huge genre then costs no more than a
 * small one. Each kind's weight scales its edges (`kindWeights`); the walk normalises per node.
 */
import { GRAPH_EDGE_KINDS, type GraphEdgeKind, type ItemGraphData } from '../../engine/graph/item-graph.ts';

export interface GraphNeighbour {
  index: number;
  weight: number;
}

export interface ItemGraphInput {
  itemCount: number;
  /** Category path per item ('' or absent: none). */
  categories: readonly (string | undefined)[];
  /** Attribute values per item, already prefixed with their field, e.g. `keywords:cat`, `genre:Drama`. */
  attributes: readonly (readonly string[])[];
  /** Interaction neighbours per item (the catalog's aggregated signals), when there are interactions. */
  coOccurrence?: (item: number) => readonly GraphNeighbour[];
  transitions?: (item: number) => readonly GraphNeighbour[];
  /** Content vectors per modality (cosine is taken); `row(item)` is the item's row or undefined. */
  content?: ReadonlyArray<{ data: Float32Array; dims: number; row: (item: number) => number | undefined }>;
  /** Popularity per item in [0, 1] (which members a capped attribute keeps). */
  popularity?: Float32Array;
}

export interface ItemGraphOptions {
  maxNeighbours: number;
  maxMembers: number;
  kindWeights: Record<GraphEdgeKind, number>;
}

/**
 * Defaults: 10 neighbours per item-to-item kind; 500 members per category / attribute node.
 * Interaction edges weigh 1; content, category and attribute edges 0.5 (content says less
 * than what shoppers did, but is all a new item has).
 */
export const DEFAULT_ITEM_GRAPH_OPTIONS: ItemGraphOptions = {
  maxNeighbours: 10,
  maxMembers: 500,
  kindWeights: { coOccurrence: 1, transition: 1, content: 0.5, category: 0.5, attribute: 0.5 },
};

/** The attribute values of an item's metadata: every string or string-array field, as `field:value` (lowercased, trimmed). */
export function metadataAttributes(metadata: Record<string, unknown> | undefined, fields: readonly string[]): string[] {
  const out = new Set<string>();
  for (const field of fields) {
    const value = metadata?.[field];
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) if (typeof v === 'string' && v.trim()) out.add(`${field}:${v.trim().toLowerCase()}`);
  }
  return [...out];
}

export function buildItemGraph(input: ItemGraphInput, options: ItemGraphOptions = DEFAULT_ITEM_GRAPH_OPTIONS): ItemGraphData {
  const n = input.itemCount;
  const kindIndex = (k: GraphEdgeKind) => GRAPH_EDGE_KINDS.indexOf(k);
  // Adjacency per node: target → (weight, kind); a second edge to the same target keeps the heavier.
  const adjacency = Array.from({ length: n }, () => new Map<number, { weight: number; kind: number }>());
  const add = (from: number, to: number, weight: number, kind: GraphEdgeKind) => {
    if (from === to || !(weight > 0) || !Number.isFinite(weight)) return;
    const w = weight * options.kindWeights[kind];
    if (!(w > 0)) return;
    const old = adjacency[from]!.get(to);
    if (!old || old.weight < w) adjacency[from]!.set(to, { weight: w, kind: kindIndex(kind) });
  };
  const best = (list: readonly GraphNeighbour[]) =>
    [...list]
      .filter((x) => x.index >= 0 && x.index < n)
      .sort((a, b) => b.weight - a.weight || a.index - b.index)
      .slice(0, options.maxNeighbours);

  for (let i = 0; i < n; i++) {
    for (const nb of best(input.coOccurrence?.(i) ?? [])) {
      add(i, nb.index, nb.weight, 'coOccurrence');
      add(nb.index, i, nb.weight, 'coOccurrence');
    }
    for (const nb of best(input.transitions?.(i) ?? [])) add(i, nb.index, nb.weight, 'transition');
  }
  for (const [i, list] of contentNeighbours(input, options.maxNeighbours).entries()) for (const nb of list) add(i, nb.index, nb.weight, 'content');

  // Category prefixes and attribute values shared by at least two items become nodes.
  const members = new Map<string, { kind: GraphEdgeKind; items: number[] }>();
  const join = (label: string, kind: GraphEdgeKind, item: number) => {
    let m = members.get(label);
    if (!m) members.set(label, (m = { kind, items: [] }));
    if (m.items[m.items.length - 1] !== item) m.items.push(item);
  };
  for (let i = 0; i < n; i++) {
    const segments = (input.categories[i] ?? '').split('/').filter(Boolean);
    segments.forEach((_, d) => join(`category:${segments.slice(0, d + 1).join('/')}`, 'category', i));
    for (const a of new Set(input.attributes[i] ?? [])) join(a, 'attribute', i);
  }
  const labels = [...members.keys()].filter((l) => members.get(l)!.items.length >= 2).sort();
  const attributeEdges: Array<Array<{ target: number; weight: number; kind: number }>> = [];
  labels.forEach((label, a) => {
    const node = n + a;
    const { kind, items } = members.get(label)!;
    const kept = capMembers(items, options.maxMembers, input.popularity);
    const w = options.kindWeights[kind];
    attributeEdges.push(kept.map((i) => ({ target: i, weight: w, kind: kindIndex(kind) })));
    for (const i of kept) adjacency[i]!.set(node, { weight: w, kind: kindIndex(kind) });
  });

  const nodeCount = n + labels.length;
  const offsets = new Uint32Array(nodeCount + 1);
  const rows: Array<Array<{ target: number; weight: number; kind: number }>> = [
    ...adjacency.map((m) => [...m.entries()].map(([target, e]) => ({ target, ...e })).sort((a, b) => a.target - b.target)),
    ...attributeEdges,
  ];
  rows.forEach((row, v) => (offsets[v + 1] = offsets[v]! + row.length));
  const edgeCount = offsets[nodeCount]!;
  const targets = new Uint32Array(edgeCount);
  const weights = new Float32Array(edgeCount);
  const kinds = new Uint8Array(edgeCount);
  rows.forEach((row, v) =>
    row.forEach((e, j) => {
      const at = offsets[v]! + j;
      targets[at] = e.target;
      weights[at] = e.weight;
      kinds[at] = e.kind;
    }),
  );
  return { itemCount: n, labels, offsets, targets, weights, kinds };
}

/** Keeps at most `max` members: the most popular (ties by index), else evenly spaced in index order. */
function capMembers(items: number[], max: number, popularity: Float32Array | undefined): number[] {
  if (items.length <= max) return items;
  if (popularity)
    return [...items]
      .sort((a, b) => popularity[b]! - popularity[a]! || a - b)
      .slice(0, max)
      .sort((a, b) => a - b);
  return Array.from({ length: max }, (_, j) => items[Math.floor((j * items.length) / max)]!);
}

/**
 * Each item's `k` nearest items by content: cosine per modality the two items share,
 * averaged over those modalities. Exact (O(n²·dims)); the builder skips it above
 * MAX_CONTENT_GRAPH_ITEMS, where an IVF catalog's own neighbours would be the way.
 */
export const MAX_CONTENT_GRAPH_ITEMS = 20_000;

function contentNeighbours(input: ItemGraphInput, k: number): GraphNeighbour[][] {
  const n = input.itemCount;
  const out: GraphNeighbour[][] = Array.from({ length: n }, () => []);
  const modalities = input.content ?? [];
  if (modalities.length === 0 || n > MAX_CONTENT_GRAPH_ITEMS || k === 0) return out;
  const sum = new Float32Array(n);
  const count = new Uint8Array(n);
  const rowOf = modalities.map((m) => Int32Array.from({ length: n }, (_, i) => m.row(i) ?? -1));
  // Inverse norms per row: int8-decoded vectors are only nearly unit length.
  const inverseNorm = modalities.map((m) => {
    const rows = m.data.length / m.dims;
    return Float32Array.from({ length: rows }, (_, r) => {
      let s = 0;
      for (let d = 0; d < m.dims; d++) s += m.data[r * m.dims + d]! ** 2;
      return s > 0 ? 1 / Math.sqrt(s) : 0;
    });
  });
  for (let i = 0; i < n; i++) {
    sum.fill(0);
    count.fill(0);
    modalities.forEach((m, mi) => {
      const ri = rowOf[mi]![i]!;
      if (ri < 0) return;
      const a = m.data.subarray(ri * m.dims, (ri + 1) * m.dims);
      for (let j = 0; j < n; j++) {
        const rj = rowOf[mi]![j]!;
        if (rj < 0 || j === i) continue;
        let dot = 0;
        const base = rj * m.dims;
        for (let d = 0; d < m.dims; d++) dot += a[d]! * m.data[base + d]!;
        sum[j]! += dot * inverseNorm[mi]![ri]! * inverseNorm[mi]![rj]!;
        count[j]! += 1;
      }
    });
    const scored: GraphNeighbour[] = [];
    for (let j = 0; j < n; j++) if (count[j]! > 0) scored.push({ index: j, weight: sum[j]! / count[j]! });
    out[i] = scored
      .filter((x) => x.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.index - b.index)
      .slice(0, k);
  }
  return out;
}
