import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CatalogManifest, CatalogSignals } from '../../src/engine/catalog/catalog-manifest.ts';
import { allowedItems, applyBoosts, checkFilters, passesFilter } from '../../src/engine/recommend/business-rules.ts';
import { CollaborativeSignals } from '../../src/engine/recommend/collaborative-signals.ts';
import { contentFeatures } from '../../src/engine/recommend/content-features.ts';
import { standardise } from '../../src/engine/recommend/standardise.ts';
import { diversify } from '../../src/engine/recommend/diversify.ts';
import { explainItem } from '../../src/engine/recommend/explain-item.ts';
import { fitLinear, fitMlp, topKRate } from '../../src/engine/recommend/fit-fusion-model.ts';
import { PRIOR_FUSION_MODEL, withHead } from '../../src/engine/recommend/fusion-model.ts';
import { FEATURES } from '../../src/engine/catalog/fusion-features.ts';
import { dwellFactor, historyTokens } from '../../src/engine/recommend/history-tokens.ts';
import { catalogItemLookup, ItemSpace } from '../../src/engine/recommend/item-space.ts';
import { emptyPersonalState, featureRow, learnFromFeedback, personalWeights, DEFAULT_MAX_SHIFT } from '../../src/engine/recommend/personal-learning.ts';
import { applyHead, mlpForward, scoreItems } from '../../src/engine/recommend/score-items.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';

/**
 * A five-item catalog in 2-d "text" and 3-d "image" spaces, small enough to check every
 * number by hand. Item e has no image. (Pure math: the real encoders are tested elsewhere.)
 */
const TEXT = [
  [1, 0], // a
  [0.8, 0.6], // b
  [0, 1], // c
  [-1, 0], // d
  [0.6, 0.8], // e
];
const IMAGE = [
  [1, 0, 0], // a
  [0, 1, 0], // b
  [0, 0, 1], // c
  [1, 1, 0], // d (not unit: normalised by ItemSpace)
];
const IDS = ['a', 'b', 'c', 'd', 'e'];
const CATEGORIES = ['fruit/apple', 'fruit/pear', 'veg/kale', 'veg/leek', 'fruit/fig'];

function manifest(signals?: CatalogSignals): CatalogManifest {
  const file = (dims: number, count: number) => ({ path: 'v', format: 'float16' as const, count, dims, bytes: count * dims * 2, sha256: '0'.repeat(64) });
  return {
    schemaVersion: 1,
    name: 'tiny',
    createdAt: '2025-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 2 }, image: { modality: 'image', name: 'i', version: '1', dims: 3 } },
    vectorFiles: { text: file(2, 5), image: file(3, 4) },
    items: IDS.map((id, i) => ({
      id,
      title: id.toUpperCase(),
      category: CATEGORIES[i]!,
      vectorRows: i < 4 ? { text: i, image: i } : { text: i },
      ...(id === 'c' ? { stock: 0 } : {}),
      price: i + 1,
    })),
    ...(signals ? { signals } : {}),
  };
}

function space(signals?: CatalogSignals) {
  const m = manifest(signals);
  return new ItemSpace(m, { text: { data: new Float32Array(TEXT.flat()), dims: 2 }, image: { data: new Float32Array(IMAGE.flat()), dims: 3 } });
}

const SIGNALS: CatalogSignals = {
  sessions: 3,
  events: 9,
  k: 5,
  maxGapSeconds: 3600,
  popularity: [
    { item: 'c', count: 5, sessions: 3, score: 1 },
    { item: 'a', count: 2, sessions: 2, score: 0.5 },
  ],
  coOccurrence: { a: [{ item: 'c', score: 0.8, sessions: 2 }] },
  transitions: {
    a: [
      { item: 'd', p: 0.75, sessions: 3 },
      { item: 'b', p: 0.25, sessions: 1 },
    ],
  },
};

beforeAll(async () => {
  await initNodeTf('wasm');
});

describe('ItemSpace', () => {
  it('aligns rows to items, normalises them and marks missing modalities', () => {
    const s = space();
    expect(s.modalities).toEqual(['text', 'image']);
    expect(Array.from(s.presence('image'))).toEqual([1, 1, 1, 1, 0]);
    expect(s.vector(4, 'image')).toBeUndefined();
    const d = s.vector(3, 'image')!;
    expect(d[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(() => s.dims('audio')).toThrow('has no audio vectors (it has: text, image)');
  });
});

describe('historyTokens', () => {
  it('merges events per item, newest first, with recency, dwell and event weights; dismiss is negative', () => {
    const s = space();
    const lookup = { catalogItem: catalogItemLookup(s), adhocItem: () => undefined };
    const tokens = historyTokens(
      [
        { type: 'view', itemId: 'a', at: 1, dwellMs: 20_000 },
        { type: 'view', itemId: 'b', at: 2 },
        { type: 'add-to-cart', itemId: 'a', at: 3 },
        { type: 'dismiss', itemId: 'c', at: 4 },
        { type: 'view', itemId: 'nope', at: 5 },
      ],
      lookup,
      { halfLife: 1 },
    );
    expect(tokens.map((t) => t.key)).toEqual(['c', 'a', 'b']);
    expect(tokens[0]!.weight).toBe(-1);
    expect(tokens[1]!.weight).toBeCloseTo((2 + 3) * 0.5, 6); // view with 2× dwell + cart, one position back
    expect(tokens[2]!.weight).toBeCloseTo(1 * 0.25, 6);
    expect(dwellFactor(1000)).toBe(0.5);
    expect(dwellFactor(undefined)).toBe(1);
  });
});

describe('contentFeatures and scoreItems', () => {
  it('late fusion: weighted mean cosine per modality, z-scored over items that have it; no tensor leaks', async () => {
    const s = space();
    const tokens = historyTokens([{ type: 'view', itemId: 'a', at: 1 }], { catalogItem: catalogItemLookup(s), adhocItem: () => undefined });
    const before = tf.memory().numTensors;
    s.matrix('text');
    s.matrix('image');
    const withMatrices = tf.memory().numTensors;
    const f = await contentFeatures(s, tokens, { head: 'late' });
    expect(tf.memory().numTensors).toBe(withMatrices);
    expect(Array.from(f.text!.raw).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([1, 0.8, 0, -1, 0.6]);
    expect(Array.from(f.image!.raw.slice(0, 4)).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([1, 0, 0, 0.7071]);
    expect(f.image!.z[4]).toBe(0); // item e has no image: neutral, not penalised
    expect(Array.from(standardise(new Float32Array([1, 3, 99]), new Uint8Array([1, 1, 0])))).toEqual([-1, 1, 0]);
    s.release();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('attention attends to the history item a candidate resembles most', async () => {
    const s = space();
    const lookup = { catalogItem: catalogItemLookup(s), adhocItem: () => undefined };
    const tokens = historyTokens(
      [
        { type: 'view', itemId: 'a', at: 1 },
        { type: 'view', itemId: 'c', at: 2 },
      ],
      lookup,
      { halfLife: 1000 },
    );
    const late = await contentFeatures(s, tokens, { head: 'late' });
    const attention = await contentFeatures(s, tokens, { head: 'attention', temperature: 0.05 });
    // Item a: late = mean(cos(a,a)=1, cos(a,c)=0) ≈ 0.5; attention ≈ 1 (it attends to itself).
    expect(late.text!.raw[0]).toBeCloseTo(0.5, 2);
    expect(attention.text!.raw[0]).toBeGreaterThan(0.99);
    s.release();
  });

  it('adds sequential, co-occurrence and popularity from the catalog signals', async () => {
    const s = space(SIGNALS);
    const signals = new CollaborativeSignals(5, (id) => s.indexOf(id), SIGNALS);
    const tokens = historyTokens([{ type: 'view', itemId: 'a', at: 1 }], { catalogItem: catalogItemLookup(s), adhocItem: () => undefined });
    const scored = await scoreItems(s, signals, tokens, PRIOR_FUSION_MODEL);
    expect(Array.from(scored.features.sequential)).toEqual(Array.from(new Float32Array([0, 0.25 / 0.75, 0, 1, 0])));
    expect(Array.from(scored.features.coOccurrence)).toEqual([0, 0, 1, 0, 0]);
    expect(Array.from(scored.features.popularity)).toEqual([0.5, 0, 1, 0, 0]);
    expect(scored.active).toEqual(['text', 'image', 'sequential', 'coOccurrence', 'popularity']);
    const expected = FEATURES.reduce((sum, f) => sum + PRIOR_FUSION_MODEL.weights[f] * scored.features[f][3]!, 0);
    expect(scored.scores[3]).toBeCloseTo(expected, 5);
    s.release();
  });
});

describe('business rules', () => {
  const items = manifest().items;
  const none = { seen: new Set<string>(), inCart: new Set<string>(), dismissed: new Set<string>() };

  it('filters by category path, numbers and ids; out of stock, cart, seen and dismissed are dropped', () => {
    expect(passesFilter(items[0]!, { field: 'category', in: ['fruit'] })).toBe(true);
    expect(passesFilter(items[2]!, { field: 'category', in: ['fruit'] })).toBe(false);
    expect(Array.from(allowedItems(items, { filters: [{ field: 'price', min: 2, max: 4 }] }, none))).toEqual([0, 1, 0, 1, 0]); // c is out of stock
    expect(
      Array.from(allowedItems(items, { excludeSeen: true }, { ...none, seen: new Set(['a']), inCart: new Set(['b']), dismissed: new Set(['d']) })),
    ).toEqual([0, 0, 0, 0, 1]);
    expect(Array.from(allowedItems(items, { filters: [{ field: 'category', in: ['meat'] }] }, none))).toEqual([0, 0, 0, 0, 0]);
    expect(() => checkFilters([{ field: 'price' }])).toThrow('filters[0] (price): give at least one of in, notIn, min, max');
  });

  it('boosts and buries by id or category on normalised scores', () => {
    const scores = standardise(new Float32Array([1, 2, 3, 4, 5]), new Uint8Array([1, 1, 1, 1, 1]));
    const touched = applyBoosts(items, scores, [{ category: 'veg', by: -10 }]);
    expect(scores[2]).toBeLessThan(-9);
    expect(touched.get(3)).toEqual(['buried (veg)']);
    expect(() => applyBoosts(items, scores, [{ by: 1 }])).toThrow('give an id or a category');
  });
});

describe('diversify (MMR)', () => {
  it('λ = 1 keeps the relevance order; lower λ skips near-duplicates; the cap limits a category', () => {
    const scores = [1, 0.99, 0.5, 0.4];
    const sim = (a: number, b: number) => (a + b === 1 ? 0.99 : 0); // items 0 and 1 are near-duplicates
    const base = { categoryOf: (i: number) => (i < 3 ? 'x' : 'y'), similarity: sim };
    expect(diversify([0, 1, 2, 3], scores, 3, { ...base, lambda: 1 })).toEqual([0, 1, 2]);
    expect(diversify([0, 1, 2, 3], scores, 3, { ...base, lambda: 0.5 })).toEqual([0, 2, 3]);
    expect(diversify([0, 1, 2, 3], scores, 3, { ...base, lambda: 1, perCategoryCap: 1 })).toEqual([0, 3]);
  });
});

describe('fitting and on-device learning', () => {
  const row = (text: number, sequential: number) => ({ text, image: 0, audio: 0, shared: 0, sequential, coOccurrence: 0, popularity: 0, graph: 0 });

  it('BPR raises the weight of the feature that separates positives from negatives', () => {
    // Positives are told apart by `sequential` only; `text` is noise.
    const cases = Array.from({ length: 40 }, (_, i) => ({ positive: row((i % 5) / 5, 1), negatives: [row(((i + 2) % 5) / 5, 0), row(((i + 3) % 5) / 5, 0)] }));
    const prior = { ...PRIOR_FUSION_MODEL.weights, sequential: 0.1 };
    const { weights, report } = fitLinear(cases, prior);
    expect(weights.sequential).toBeGreaterThan(1);
    expect(report.pairAccuracyAfter).toBe(1);
    expect(report.after).toBeGreaterThan(report.before);
    const frozen = fitLinear(cases, prior, { frozenAtZero: ['sequential'] });
    expect(frozen.weights.sequential).toBe(0);
    const mlp = fitMlp(cases, weights, { iterations: 5 });
    expect(mlp.report.pairAccuracyAfter).toBe(1);
    expect(mlpForward([1, 0, 0, 0, 1, 0, 0, 0], mlp.mlp.hidden, mlp.mlp.w1, mlp.mlp.b1, mlp.mlp.w2, mlp.mlp.b2)).toBeGreaterThan(
      mlpForward([1, 0, 0, 0, 0, 0, 0, 0], mlp.mlp.hidden, mlp.mlp.w1, mlp.mlp.b1, mlp.mlp.w2, mlp.mlp.b2),
    );
  });

  it('a click moves the personal weights towards what the clicked item had, within the bound', () => {
    const global = PRIOR_FUSION_MODEL.weights;
    let state = emptyPersonalState();
    for (let i = 0; i < 200; i++) state = learnFromFeedback(global, state, row(1, 0), [row(0, 1), row(0, 1)]);
    expect(state.updates).toBe(200);
    expect(state.offsets.text).toBe(DEFAULT_MAX_SHIFT);
    expect(state.offsets.sequential).toBe(-DEFAULT_MAX_SHIFT);
    expect(personalWeights(global, state).text).toBe(global.text + DEFAULT_MAX_SHIFT);
    expect(learnFromFeedback(global, state, row(1, 0), [])).toBe(state);
  });
});

describe('explainItem', () => {
  it('splits the score into modality and collaborative shares and names the source items', async () => {
    const s = space(SIGNALS);
    const signals = new CollaborativeSignals(5, (id) => s.indexOf(id), SIGNALS);
    const lookup = { catalogItem: catalogItemLookup(s), adhocItem: () => undefined };
    const tokens = historyTokens(
      [
        { type: 'view', itemId: 'c', at: 1 },
        { type: 'view', itemId: 'a', at: 2 },
      ],
      lookup,
    );
    const model = withHead(PRIOR_FUSION_MODEL, 'late');
    const scored = await scoreItems(s, signals, tokens, model);
    const e = explainItem(3, {
      space: s,
      signals,
      tokens,
      weights: model.weights,
      features: featureRow(scored.features, 3),
      recentItems: 3,
      recentDecay: 0.5,
      rules: [],
    });
    const total = Object.values(e.modalities).reduce((a, b) => a + b!, 0) + e.collaborative;
    expect(total).toBeCloseTo(1, 2);
    expect(e.signals.sequential).toBeGreaterThan(0); // a → d is the top transition
    expect(e.because[0]!.id).toBe('a');
    expect(e.summary).toMatch(/^Because of A/);
    expect(applyHead(scored.features, model)[3]).toBeCloseTo(scored.scores[3]!, 6);
    s.release();
  });
});

describe('diversify soft cap', () => {
  it('fills up past a soft cap when the categories run out, never past a hard one', () => {
    const options = { lambda: 1, perCategoryCap: 1, categoryOf: () => 'same', similarity: () => 0 };
    expect(diversify([0, 1, 2], [3, 2, 1], 3, options)).toEqual([0]);
    expect(diversify([0, 1, 2], [3, 2, 1], 3, { ...options, fillToK: true })).toEqual([0, 1, 2]);
  });
});

describe('topKRate', () => {
  it('counts cases whose positive (row 0) has fewer than k candidates above it', () => {
    const dims = FEATURES.length;
    const rows = (seq: number[]) => {
      const x = new Float32Array(seq.length * dims);
      seq.forEach((v, i) => (x[i * dims + FEATURES.indexOf('sequential')] = v));
      return x;
    };
    const none = { text: 0, image: 0, audio: 0, shared: 0, sequential: 0, coOccurrence: 0, popularity: 0, graph: 0 };
    const cases = [
      { positive: none, negatives: [], candidates: rows([0.9, 0.1, 0.2]) }, // first
      { positive: none, negatives: [], candidates: rows([0.1, 0.5, 0.6, 0.7]) }, // fourth
    ];
    const w = { ...PRIOR_FUSION_MODEL.weights, sequential: 1 };
    expect(topKRate(cases, w, 1)).toBe(0.5);
    expect(topKRate(cases, w, 3)).toBe(0.5);
    expect(topKRate(cases, w, 4)).toBe(1);
  });
});
