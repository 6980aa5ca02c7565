import { describe, expect, it } from 'vitest';
import { CatalogFormatError } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { PRIOR_FUSION_MODEL } from '../../src/engine/recommend/fusion-model.ts';
import { FEATURES } from '../../src/engine/catalog/fusion-features.ts';

/** A minimal valid manifest (one text vector) carrying a trained fusion model. */
function manifest(): Record<string, any> {
  return {
    schemaVersion: 1,
    name: 'fusion test',
    createdAt: '2025-01-01T00:00:00Z',
    encoders: { text: { modality: 'text', name: 't', version: '1', dims: 2 } },
    vectorFiles: { text: { path: 'vectors/text.f16', format: 'float16', count: 1, dims: 2, bytes: 4, sha256: '0'.repeat(64) } },
    items: [{ id: 'a', title: 'A', category: 'x', vectorRows: { text: 0 } }],
    fusion: {
      head: 'late',
      weights: { ...PRIOR_FUSION_MODEL.weights },
      temperature: 0.1,
      recentItems: 3,
      recentDecay: 0.5,
      halfLife: 8,
      training: { cases: 40, validationTop10Prior: 0.2, validationTop10Fitted: 0.25, keptFitted: true },
    },
  };
}

function parse(mutate: (m: Record<string, any>) => void): string | ReturnType<typeof parseCatalogManifest> {
  const m = manifest();
  mutate(m);
  try {
    return parseCatalogManifest(m, 'manifest.json');
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogFormatError);
    return (error as Error).message;
  }
}

describe('manifest fusion', () => {
  it('parses a trained model, with or without MLP weights', () => {
    const parsed = parse(() => undefined);
    expect(typeof parsed).toBe('object');
    expect((parsed as { fusion: unknown }).fusion).toEqual(manifest().fusion);
    const hidden = 2;
    const mlp = { hidden, w1: new Array(FEATURES.length * hidden).fill(0.1), b1: [0, 1], w2: [1, 0.5], b2: 0 };
    expect((parse((m) => Object.assign(m.fusion, { head: 'mlp', mlp })) as { fusion: { mlp: unknown } }).fusion.mlp).toEqual(mlp);
  });

  const cases: Array<[string, (m: Record<string, any>) => void, string]> = [
    ['unknown head', (m) => (m.fusion.head = 'transformer'), 'manifest.json: fusion: field "head" must be late, attention or mlp (got "transformer")'],
    ['a missing weight', (m) => delete m.fusion.weights.sequential, 'manifest.json: fusion.weights: missing field "sequential"'],
    ['an unknown weight', (m) => (m.fusion.weights.colour = 1), 'manifest.json: fusion.weights: unknown field "colour"'],
    ['a weight that is not a number', (m) => (m.fusion.weights.text = 'high'), 'manifest.json: fusion.weights: field "text" must be a number'],
    ['decay above 1', (m) => (m.fusion.recentDecay = 2), 'manifest.json: fusion: field "recentDecay" must be a number from 0 to 1 (got 2)'],
    ['mlp head without weights', (m) => (m.fusion.head = 'mlp'), 'manifest.json: fusion: field "head" is mlp but there is no "mlp" field with its weights'],
    [
      'mlp weights of the wrong size',
      (m) => (m.fusion.mlp = { hidden: 2, w1: [1], b1: [0, 0], w2: [1, 1], b2: 0 }),
      `manifest.json: fusion.mlp: field "w1" must be ${FEATURES.length * 2} finite numbers`,
    ],
    ['training without keptFitted', (m) => delete m.fusion.training.keptFitted, 'manifest.json: fusion.training: missing field "keptFitted"'],
  ];
  it.each(cases)('names the problem: %s', (_, mutate, message) => {
    expect(parse(mutate)).toContain(message);
  });
});
