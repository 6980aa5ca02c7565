import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CatalogFormatError, type CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { CollaborativeSignals } from '../../src/engine/recommend/collaborative-signals.ts';
import { explainItem } from '../../src/engine/recommend/explain-item.ts';
import { PRIOR_FUSION_MODEL } from '../../src/engine/recommend/fusion-model.ts';
import { historyTokens } from '../../src/engine/recommend/history-tokens.ts';
import { catalogItemLookup, ItemSpace } from '../../src/engine/recommend/item-space.ts';
import { featureRow } from '../../src/engine/recommend/personal-learning.ts';
import { scoreItems } from '../../src/engine/recommend/score-items.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { ItemGraph, GRAPH_EDGE_KINDS, type ItemGraphData } from '../../src/engine/graph/item-graph.ts';
import { decodeItemGraph, decodeItemGraphFile, encodeItemGraph, parseCatalogGraph } from '../../src/engine/graph/item-graph-format.ts';
import { buildItemGraph, DEFAULT_ITEM_GRAPH_OPTIONS, metadataAttributes, type ItemGraphInput } from '../../src/node/catalog/build-item-graph.ts';
import { itemAt } from '../../src/shared/item-at.ts';

/**
 * Four items, small enough to list every edge by hand:
 *   categories a/x, a/y, a/x, b; keywords red | red, blue | blue | green
 *   co-occurrence 0–1 (0.5); transition 2 → 3 (p = 1)
 *   text vectors (1,0) (0.6,0.8) (0,1) (−1,0): positive cosines 0–1 0.6, 1–2 0.8
 */
const INPUT: ItemGraphInput = {
  itemCount: 4,
  categories: ['a/x', 'a/y', 'a/x', 'b'],
  attributes: [['k:red'], ['k:red', 'k:blue'], ['k:blue'], ['k:green']],
  coOccurrence: (i) => (i === 0 ? [{ index: 1, weight: 0.5 }] : []),
  transitions: (i) => (i === 2 ? [{ index: 3, weight: 1 }] : []),
  content: [{ data: new Float32Array([1, 0, 0.6, 0.8, 0, 1, -1, 0]), dims: 2, row: (i) => i }],
};

function edgeList(g: ItemGraphData): Array<[number, number, number, string]> {
  const out: Array<[number, number, number, string]> = [];
  for (let v = 0; v + 1 < g.offsets.length; v++)
    for (let e = g.offsets[v]!; e < g.offsets[v + 1]!; e++) out.push([v, g.targets[e]!, Math.round(g.weights[e]! * 1e6) / 1e6, GRAPH_EDGE_KINDS[g.kinds[e]!]!]);
  return out;
}

describe('buildItemGraph', () => {
  it('builds the hand-listed graph of a small catalog', () => {
    const g = buildItemGraph(INPUT);
    // Nodes after the items: values shared by ≥ 2 items (category:a/y, category:b, k:green have one).
    expect(g.labels).toEqual(['category:a', 'category:a/x', 'k:blue', 'k:red']);
    // Kind weights: interactions 1, content / category / attribute 0.5; the heavier of two edges to one target stays.
    expect(edgeList(g)).toEqual([
      [0, 1, 0.5, 'coOccurrence'], // co-occurrence 0.5 beats content 0.6 × 0.5
      [0, 4, 0.5, 'category'],
      [0, 5, 0.5, 'category'],
      [0, 7, 0.5, 'attribute'],
      [1, 0, 0.5, 'coOccurrence'],
      [1, 2, 0.4, 'content'],
      [1, 4, 0.5, 'category'],
      [1, 6, 0.5, 'attribute'],
      [1, 7, 0.5, 'attribute'],
      [2, 1, 0.4, 'content'],
      [2, 3, 1, 'transition'],
      [2, 4, 0.5, 'category'],
      [2, 5, 0.5, 'category'],
      [2, 6, 0.5, 'attribute'],
      // item 3 has no edge out (its transitions lead nowhere, its category and keyword are its own)
      [4, 0, 0.5, 'category'],
      [4, 1, 0.5, 'category'],
      [4, 2, 0.5, 'category'],
      [5, 0, 0.5, 'category'],
      [5, 2, 0.5, 'category'],
      [6, 1, 0.5, 'attribute'],
      [6, 2, 0.5, 'attribute'],
      [7, 0, 0.5, 'attribute'],
      [7, 1, 0.5, 'attribute'],
    ]);
    expect(Array.from(g.offsets)).toEqual([0, 4, 9, 14, 14, 17, 19, 21, 23]);
  });

  it('bounds the degree: neighbours per kind, and members per attribute (most popular kept)', () => {
    const g = buildItemGraph(
      { ...INPUT, popularity: new Float32Array([0.1, 0.9, 0.5, 0]) },
      { ...DEFAULT_ITEM_GRAPH_OPTIONS, maxNeighbours: 1, maxMembers: 2 },
    );
    const edges = edgeList(g);
    // category:a keeps items 1 and 2 (popularity 0.9, 0.5), not 0.
    expect(edges.filter(([from]) => from === 4).map(([, to]) => to)).toEqual([1, 2]);
    expect(edges.some(([from, to]) => from === 0 && to === 4)).toBe(false);
    // Item 1's best content neighbour only (item 2, 0.8), not item 0 (0.6); its co-occurrence edge to 0 comes from item 0's list.
    expect(edges.filter(([from, , , k]) => from === 1 && k === 'content').map(([, to]) => to)).toEqual([2]);
  });

  it('reads attribute values from metadata fields', () => {
    expect(metadataAttributes({ keywords: ['Cat', ' dog ', ''], creator: 'Ann', file: 'x.svg', n: 3 }, ['keywords', 'creator', 'n'])).toEqual([
      'keywords:cat',
      'keywords:dog',
      'creator:ann',
    ]);
    expect(metadataAttributes(undefined, ['keywords'])).toEqual([]);
  });
});

/** Two nodes linked both ways, and a third that only receives (dangling). */
function tinyGraph(): ItemGraph {
  return new ItemGraph({
    itemCount: 3,
    labels: [],
    offsets: Uint32Array.from([0, 2, 3, 3]),
    targets: Uint32Array.from([1, 2, 0]),
    weights: Float32Array.from([3, 1, 1]),
    kinds: new Uint8Array(3),
  });
}

describe('personalised PageRank', () => {
  it('matches the closed form on two nodes linked both ways', () => {
    const g = new ItemGraph({
      itemCount: 2,
      labels: [],
      offsets: Uint32Array.from([0, 1, 2]),
      targets: Uint32Array.from([1, 0]),
      weights: Float32Array.from([1, 1]),
      kinds: new Uint8Array(2),
    });
    // p_A = r + (1 − r)·p_B, p_B = (1 − r)·p_A  →  p_A = 1 / (2 − r), p_B = (1 − r) / (2 − r)
    const r = 0.3;
    const result = g.personalisedPageRank([{ index: 0, weight: 1 }], { restart: r, maxSteps: 500, tolerance: 1e-9 });
    expect(result.scores[0]).toBeCloseTo(1 / (2 - r), 6);
    expect(result.scores[1]).toBeCloseTo((1 - r) / (2 - r), 6);
    expect(result.change).toBeLessThan(1e-9);
    expect(result.steps).toBeLessThan(500);
  });

  it('one step is the restart plus one walk step; the step bound holds', () => {
    const g = tinyGraph();
    const one = g.personalisedPageRank([{ index: 0, weight: 2 }], { restart: 0.2, maxSteps: 1, tolerance: 0 });
    // From node 0 (out-weights 3 to node 1, 1 to node 2): 0.2 stays, 0.8 · 3/4 → 1, 0.8 · 1/4 → 2.
    expect(one.steps).toBe(1);
    expect(Array.from(one.scores)).toEqual([0.2, 0.6, 0.2].map(Math.fround));
    const five = g.personalisedPageRank([{ index: 0, weight: 1 }], { restart: 0.2, maxSteps: 5, tolerance: 0 });
    expect(five.steps).toBe(5);
  });

  it('keeps a distribution when mass reaches a dangling node (it restarts at the seeds)', () => {
    const result = tinyGraph().personalisedPageRank([{ index: 0, weight: 1 }], { restart: 0.15, maxSteps: 200, tolerance: 1e-10 });
    const sum = Array.from(result.scores).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    // Stationary: p0 = r + (1−r)(p1 + p2), p1 = (1−r)(3/4 p0), p2 = (1−r)(1/4 p0); with sum 1 → p0 = 1 / (1 + (1−r)).
    expect(result.scores[0]).toBeCloseTo(1 / (2 - 0.15), 5);
    expect(result.scores[1]).toBeCloseTo((0.85 * 0.75) / (2 - 0.15), 5);
  });

  it('no seeds, no scores; item scores leave the seeds out and put the best at 1', () => {
    expect(Array.from(tinyGraph().personalisedPageRank([]).scores)).toEqual([0, 0, 0]);
    const scores = tinyGraph().itemScores([{ index: 0, weight: 1 }]);
    expect(scores[0]).toBe(0);
    expect(scores[1]).toBe(1);
    expect(scores[2]).toBeCloseTo(1 / 3, 5);
  });

  it('reaches an item with no interactions only through content and attribute edges', () => {
    // Item 3 of INPUT has none: without interactions, item 2 (shares category, keyword and content with 1) still scores.
    const g = new ItemGraph(buildItemGraph({ ...INPUT, coOccurrence: undefined, transitions: undefined }));
    const scores = g.itemScores([{ index: 0, weight: 1 }]);
    expect(scores[2]).toBeGreaterThan(0);
    expect(scores[3]).toBe(0); // nothing links to it any more
  });
});

describe('item graph file', () => {
  const graph = buildItemGraph(INPUT);
  const entry = { nodes: 8, edges: 23 };

  it('round-trips', () => {
    const bytes = encodeItemGraph(graph);
    expect(bytes.length % 4).toBe(0);
    const back = decodeItemGraph(bytes, entry, 4, 'g.bin');
    expect(back.labels).toEqual(graph.labels);
    expect(Array.from(back.offsets)).toEqual(Array.from(graph.offsets));
    expect(Array.from(back.targets)).toEqual(Array.from(graph.targets));
    expect(Array.from(back.weights)).toEqual(Array.from(graph.weights));
    expect(Array.from(back.kinds)).toEqual(Array.from(graph.kinds));
  });

  function refusal(mutate: (bytes: Uint8Array, view: DataView) => Uint8Array | void, counts = entry, items = 4): string {
    const bytes = encodeItemGraph(graph);
    const changed = mutate(bytes, new DataView(bytes.buffer)) ?? bytes;
    try {
      decodeItemGraph(changed, counts, items, 'g.bin');
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogFormatError);
      return (error as Error).message;
    }
    throw new Error('expected a CatalogFormatError');
  }

  it('refuses a corrupt file with a CatalogFormatError naming the problem', () => {
    const labelBytes = new DataView(encodeItemGraph(graph).buffer).getUint32(20, true);
    const offsetsAt = 24 + labelBytes;
    const targetsAt = offsetsAt + 4 * 9;
    const weightsAt = targetsAt + 4 * 23;
    const kindsAt = weightsAt + 4 * 23;
    expect(refusal((b) => void (b[0] = 0x58))).toBe('g.bin: not an item graph file (starts with "XGRF", expected "IGRF")');
    expect(refusal((b) => b.subarray(0, b.length - 4))).toMatch(/^g\.bin: \d+ bytes, expected \d+ for 8 nodes and 23 edges$/);
    expect(refusal((_, v) => v.setUint32(4, 2, true))).toBe('g.bin: format version 2; this app reads version 1');
    expect(refusal(() => undefined, entry, 5)).toBe('g.bin: made for 4 items, the catalog has 5');
    expect(refusal(() => undefined, { nodes: 8, edges: 22 })).toBe('g.bin: holds 8 nodes and 23 edges, the manifest says 8 and 22');
    expect(refusal((_, v) => v.setUint32(targetsAt + 8, 99, true))).toBe('g.bin: edge 2 points at node 99, past the 8 nodes');
    expect(refusal((_, v) => v.setFloat32(weightsAt, Number.NaN, true))).toBe('g.bin: edge 0 has weight NaN, not a positive finite number');
    expect(refusal((_, v) => v.setFloat32(weightsAt + 4, -1, true))).toBe('g.bin: edge 1 has weight -1, not a positive finite number');
    expect(refusal((b) => void (b[kindsAt] = 9))).toBe('g.bin: edge 0 has kind 9, not one of the 5 kinds');
    expect(refusal((_, v) => v.setUint32(offsetsAt + 4, 30, true))).toBe('g.bin: edge offsets of node 1 go backwards');
    expect(refusal((b) => void (b[24] = 0x7b))).toBe('g.bin: node labels are not UTF-8 JSON');
  });

  it('the loader checks size and SHA-256 against the manifest entry first', async () => {
    const bytes = encodeItemGraph(graph);
    const full = { path: 'graph/item-graph.bin', bytes: bytes.length, sha256: await sha256Hex(bytes), ...entry };
    expect((await decodeItemGraphFile(bytes, full, 4, 'g.bin')).labels).toEqual(graph.labels);
    const flipped = bytes.slice();
    flipped[flipped.length - 1] = itemAt(flipped, flipped.length - 1) ^ 1;
    await expect(decodeItemGraphFile(flipped, full, 4, 'g.bin')).rejects.toThrow(/^g\.bin: sha256 mismatch/);
    await expect(decodeItemGraphFile(bytes.subarray(0, 10), full, 4, 'g.bin')).rejects.toThrow(`g.bin: truncated: expected ${bytes.length} bytes, got 10`);
  });

  it('manifest.graph: parsed with the manifest; a wrong entry is refused', () => {
    const json = {
      schemaVersion: 1,
      name: 'g',
      createdAt: '2025-01-31T12:00:00Z',
      encoders: { text: { modality: 'text', name: 't', version: '1', dims: 2 } },
      vectorFiles: { text: { path: 'vectors/text.int8', format: 'int8', count: 1, dims: 2, bytes: 6, sha256: 'a'.repeat(64) } },
      items: [{ id: 'x', title: 'X', category: 'c', vectorRows: { text: 0 } }],
      graph: { path: 'graph/item-graph.bin', bytes: 100, sha256: 'b'.repeat(64), nodes: 1, edges: 0 },
    };
    expect(parseCatalogManifest(json, 'manifest.json').graph).toEqual(json.graph);
    expect(() => parseCatalogGraph('m', { ...json.graph, extra: 1 })).toThrow('m: graph: unknown field "extra"');
    expect(() => parseCatalogGraph('m', { ...json.graph, path: '../x' })).toThrow('m: graph: field "path" must be a relative path (got "../x")');
    expect(() => parseCatalogGraph('m', { ...json.graph, edges: -1 })).toThrow('m: graph: field "edges" must be a non-negative integer (got -1)');
    expect(() => parseCatalogManifest({ ...json, graph: { ...json.graph, sha256: 'x' } }, 'manifest.json')).toThrow(CatalogFormatError);
  });
});

describe('the graph feature in the hybrid ranking', () => {
  beforeAll(async () => {
    await initNodeTf('wasm');
  });

  const manifest: CatalogManifest = {
    schemaVersion: 1,
    name: 'graph',
    createdAt: '2025-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 2 } },
    vectorFiles: { text: { path: 'v', format: 'float16', count: 4, dims: 2, bytes: 16, sha256: '0'.repeat(64) } },
    items: ['p', 'q', 'r', 's'].map((id, i) => ({ id, title: id, category: INPUT.categories[i]!, vectorRows: { text: i } })),
  };

  it('scores items by personalised PageRank from the history, shows its share, and leaks no tensor', async () => {
    const space = new ItemSpace(manifest, { text: { data: new Float32Array([1, 0, 0.6, 0.8, 0, 1, -1, 0]), dims: 2 } });
    const graph = new ItemGraph(buildItemGraph(INPUT));
    const signals = new CollaborativeSignals(4, (id) => space.indexOf(id), undefined, graph);
    const tokens = historyTokens([{ type: 'view', itemId: 'p', at: 1 }], { catalogItem: catalogItemLookup(space), adhocItem: () => undefined });
    const model = { ...PRIOR_FUSION_MODEL, weights: { ...PRIOR_FUSION_MODEL.weights, graph: 1 } };
    space.matrix('text'); // the space keeps its uploaded matrix: count from there
    const before = tf.memory().numTensors;
    const scored = await scoreItems(space, signals, tokens, model);
    expect(tf.memory().numTensors).toBe(before);
    expect(scored.active).toContain('graph');
    expect(Array.from(scored.features.graph)).toEqual(Array.from(graph.itemScores([{ index: 0, weight: 1 }])));
    expect(scored.features.graph[1]).toBe(1); // q: co-occurrence, category and keyword shared with p
    const explanation = explainItem(1, {
      space,
      signals,
      tokens,
      weights: model.weights,
      features: featureRow(scored.features, 1),
      recentItems: 3,
      recentDecay: 0.5,
      rules: [],
    });
    expect(explanation.graph).toBeGreaterThan(0.5);
    expect(explanation.summary).toMatch(/ linked through the item graph\.$/);
    // Weight 0 (the default): no share, and the ranking is the one without the graph.
    const off = await scoreItems(space, signals, tokens, PRIOR_FUSION_MODEL);
    const none = await scoreItems(space, new CollaborativeSignals(4, (id) => space.indexOf(id), undefined), tokens, PRIOR_FUSION_MODEL);
    expect(Array.from(off.scores)).toEqual(Array.from(none.scores));
    expect(
      explainItem(1, {
        space,
        signals,
        tokens,
        weights: PRIOR_FUSION_MODEL.weights,
        features: featureRow(off.features, 1),
        recentItems: 3,
        recentDecay: 0.5,
        rules: [],
      }).graph,
    ).toBeUndefined();
    space.release(true);
  });
});
