/**
 * The for-you blend through the int8 kernel's top-C (blendWithLearned) gives the same best items,
 * in the same order, as the exact all-items blend (blendScores over LearnedRanker.scores): on a
 * real learned catalog built by the catalog builder (the 48-item fixture, with its trained
 * sequence model and the engine's real fusion scores), and on 10,000 synthetic items ranked by
 * the WASM SIMD int8 kernel. The candidate path is forced with a small first candidate count, so
 * both the proof (threshold bound) and the widening are exercised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedCatalogFiles } from '../../src/engine/catalog/fetch-catalog.ts';
import type { CatalogLearnedModel } from '../../src/engine/catalog/learned-model-format.ts';
import { encodeVectors } from '../../src/engine/catalog/vector-codec.ts';
import { wasmInt8Ranker } from '../../src/engine/ranking/wasm/rank-int8-wasm.ts';
import { referenceInt8Ranker } from '../../src/engine/ranking/rank-int8-reference.ts';
import { historyTokens } from '../../src/engine/recommend/history-tokens.ts';
import { catalogItemLookup } from '../../src/engine/recommend/item-space.ts';
import { blendScores, blendWithLearned } from '../../src/engine/recommend/learned-blend.ts';
import { LearnedRanker } from '../../src/engine/recommend/learned-ranker.ts';
import { recommenderCatalog } from '../../src/engine/recommend/recommender-catalog.ts';
import { scoreItems } from '../../src/engine/recommend/score-items.ts';
import { mulberry32 } from '../../src/shared/seeded-random.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { buildInto } from '../learned-model-fixture.ts';
import { loadCatalogFolder } from '../load-catalog-folder.ts';

/** The `depth` best allowed rows by score, equal scores by lower row (as the recommender's pick orders them). */
function best(scores: Float32Array, allowed: Uint8Array, depth: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < scores.length; i++) if (allowed[i]) rows.push(i);
  return rows.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, depth);
}

describe('learned blend through the int8 top-C equals the exact all-items blend', () => {
  const temp = mkdtempSync(join(tmpdir(), 'learned-blend-'));
  let files: LoadedCatalogFiles;

  beforeAll(async () => {
    await initNodeTf('wasm');
    await buildInto(temp, true);
    files = await loadCatalogFolder(temp);
  }, 300_000);

  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('on a real learned catalog (trained sequence model, real fusion scores), for every history and weight', async () => {
    const catalog = recommenderCatalog(files, undefined);
    const learned = catalog.learned!;
    const lookup = catalogItemLookup(catalog.space);
    let compared = 0;
    for (let start = 0; start < 12; start++) {
      const viewed = [start, start + 4, start + 8, start + 13].map((i) => i % catalog.space.itemCount);
      const tokens = historyTokens(
        viewed.map((i, t) => ({ type: 'view', itemId: catalog.space.items[i]!.id, at: 1000 + t })),
        { catalogItem: lookup, adhocItem: () => undefined },
        { halfLife: catalog.model.halfLife },
      );
      const fusion = (await scoreItems(catalog.space, catalog.signals, tokens, catalog.model)).scores;
      const user = learned.userVector(viewed.map((item) => ({ item, weight: 1 })))!;
      const allowed = new Uint8Array(catalog.space.itemCount).fill(1);
      for (const i of viewed) allowed[i] = 0;
      for (const weight of [0.25, 1, 2]) {
        const exact = blendScores(fusion, learned.scores(user), weight);
        for (const [depth, candidates] of [
          [5, 2],
          [10, 6],
        ] as const) {
          const fast = await blendWithLearned({ fusion, ranker: learned, user, weight, int8: wasmInt8Ranker, allowed, depth, candidates });
          expect(best(fast, allowed, depth)).toEqual(best(exact, allowed, depth));
          // The proven top carries the exact blend values.
          for (const i of best(exact, allowed, depth)) expect(fast[i]).toBeCloseTo(exact[i]!, 4);
          compared++;
        }
      }
    }
    expect(compared).toBe(12 * 3 * 2);
    catalog.space.release(true);
  });

  it('on 10,000 synthetic items with the WASM SIMD kernel, with seen items masked and boosts scored exactly', async () => {
    const n = 10_000;
    const d = 64;
    const random = mulberry32(11);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // Clustered unit vectors (a catalog has categories), and a fusion score correlated with them.
    const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: d }, gauss));
    const rows = Array.from({ length: n }, (_, i) => {
      const v = Float32Array.from(centres[i % 40]!, (c) => c + 0.8 * gauss());
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    const bytes = encodeVectors(rows, 'int8');
    const entry: CatalogLearnedModel = {
      path: 'model/weights.bin',
      bytes: 0,
      sha256: '0'.repeat(64),
      dims: d,
      maxLength: 50,
      blocks: 1,
      idItems: 0,
      modalities: ['text'],
      userModel: 'pooling',
      itemVectors: { path: 'model/item-vectors.int8', format: 'int8', count: n, dims: d, bytes: bytes.byteLength, sha256: '0'.repeat(64) },
      blendWeight: 1,
      training: { source: 'synthetic' },
    };
    const ranker = new LearnedRanker({ entry, weights: new Map(), itemVectors: bytes }, { text: 16 });
    let compared = 0;
    for (let u = 0; u < 6; u++) {
      const history = Array.from({ length: 5 }, (_, t) => ({ item: (u * 997 + t * 131) % n, weight: 1 }));
      const user = ranker.userVector(history)!;
      const learned = ranker.scores(user);
      // The moments give the scores' mean and standard deviation without scoring every item.
      const mean = learned.reduce((s, v) => s + v, 0) / n;
      const std = Math.sqrt(learned.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
      const stats = ranker.learnedStats(user);
      expect(stats.mean).toBeCloseTo(mean, 5);
      expect(stats.std / std).toBeCloseTo(1, 5);
      const fusion = Float32Array.from(learned, (v) => 0.5 * v + 0.2 * gauss());
      const allowed = new Uint8Array(n).fill(1);
      for (const { item } of history) allowed[item] = 0;
      for (let i = 0; i < n; i += 97) allowed[i] = 0; // a filter
      const boosted = [3, 4242, 9001];
      for (const weight of [0.5, 1, 3]) {
        const exact = blendScores(fusion, learned, weight);
        for (const candidates of [undefined, 8]) {
          for (const int8 of [wasmInt8Ranker, referenceInt8Ranker]) {
            const fast = await blendWithLearned({ fusion, ranker, user, weight, int8, allowed, depth: 50, boosted, ...(candidates ? { candidates } : {}) });
            expect(best(fast, allowed, 50)).toEqual(best(exact, allowed, 50));
            for (const i of boosted) expect(fast[i]).toBeCloseTo(exact[i]!, 4);
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(6 * 3 * 2 * 2);
  }, 120_000);
});
