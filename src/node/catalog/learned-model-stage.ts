/**
 * The catalog builder's learned-model stage (issue 10 items 1–3): writes `model/weights.bin`
 * and `model/item-vectors.int8` and returns the manifest's `learnedModel` entry
 * (src/engine/catalog/learned-model-format.ts).
 *
 * - With an interaction log: the item tower and the sequence user model are trained together
 *   (trainSequenceModel, fixed seed, bounded epochs) on each session's events except its last;
 *   those last events (sessions with ≥ 3 distinct items) are the validation split on which the
 *   blend weight w in  z(fusion) + w · z(learned)  is chosen from a small grid by top-10 hits.
 *   w stays 0 unless a weight beats the fusion score alone on that split: the learned model does
 *   not yet beat the collaborative signals (docs/recommender.md), so it must not make lists worse.
 * - Without a log: there are no sessions to learn a user model from, so the tower's projections
 *   come from the shared-space objective (cross-modal contrastive + categories,
 *   train-shared-space.ts) trained at the model's width, the gate is uniform over the modalities
 *   an item has, and the user vector is attention pooling over the history (`pooling`). Nothing
 *   is fitted for the blend (w = 0): for-you ranks as before; the vectors serve the d-dim path.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Modality } from '../../protocol/embedding.ts';
import { catalogModalities, type CatalogManifest } from '../../engine/catalog/catalog-manifest.ts';
import {
  decodeLearnedItemVectors,
  decodeLearnedWeights,
  encodeLearnedWeights,
  shippedWeights,
  towerModalities,
  type CatalogLearnedModel,
} from '../../engine/catalog/learned-model-format.ts';
import { encodeVectors, sha256Hex } from '../../engine/catalog/vector-codec.ts';
import { contentInputs, disposeTowerInputs, towerTensors } from '../../engine/model/item-content-inputs.ts';
import { itemVectors } from '../../engine/model/item-tower.ts';
import { DEFAULT_MODEL_DIMS, modelConfig, type SequenceModelConfig } from '../../engine/model/model-config.ts';
import { ModelParameters } from '../../engine/model/model-parameters.ts';
import { initialWeights, type ModelWeights } from '../../engine/model/model-weights.ts';
import { trainSequenceModel } from '../../engine/model/train-sequence-model.ts';
import { CollaborativeSignals } from '../../engine/recommend/collaborative-signals.ts';
import { catalogFusionModel } from '../../engine/recommend/fusion-model.ts';
import { historyTokens } from '../../engine/recommend/history-tokens.ts';
import { catalogItemLookup, type ItemSpace } from '../../engine/recommend/item-space.ts';
import { LearnedRanker } from '../../engine/recommend/learned-ranker.ts';
import { blendScores } from '../../engine/recommend/learned-blend.ts';
import { scoreItems } from '../../engine/recommend/score-items.ts';
import { mulberry32 } from '../../shared/seeded-random.ts';
import { aggregateInteractions, timestampSeconds, type AggregateOptions, type InteractionRow } from './aggregate-interactions.ts';
import { sharedSpaceDataFromCatalog, trainSharedSpace } from './train-shared-space.ts';

export const LEARNED_MODEL_DIR = 'model';
export const LEARNED_WEIGHTS_PATH = `${LEARNED_MODEL_DIR}/weights.bin`;
export const LEARNED_VECTORS_PATH = `${LEARNED_MODEL_DIR}/item-vectors.int8`;
/** Blend weights tried on the validation split (0 = the fusion score alone). */
export const BLEND_GRID = [0, 0.1, 0.25, 0.5, 1, 2] as const;

export interface LearnedModelBuildOptions {
  /** Seed of initialisation, batches, dropout and the validation sample (default 1). */
  seed?: number;
  /** Most training epochs with a log (default 5: bounds build time; early stopping may end sooner). */
  epochs?: number;
  /** Width of the space (default 64). */
  dims?: number;
  /** Validation sessions used to fit the blend weight (default 300, seeded sample). */
  blendCases?: number;
  /** Shared-space steps of the no-log tower (default 200, as the shared space). */
  towerSteps?: number;
  onEpoch?: (epoch: number, trainLoss: number, validationLoss: number) => void;
}

export interface LearnedModelStageInput {
  outDir: string;
  manifest: CatalogManifest;
  /** The vectors as stored (decoded), per modality, row-major. */
  stored: Partial<Record<Modality, Float32Array>>;
  /** The engine's item space over the same vectors (for the blend fit's fusion scores). */
  space?: ItemSpace;
  interactions?: { rows: readonly InteractionRow[]; options?: AggregateOptions };
}

export interface LearnedModelSummary {
  userModel: CatalogLearnedModel['userModel'];
  dims: number;
  bytes: { weights: number; itemVectors: number; perItem: number };
  blendWeight: number;
  seconds: number;
  training: CatalogLearnedModel['training'];
}

/** Why the stage cannot run for this catalog, or undefined. */
export function learnedModelSkipReason(manifest: CatalogManifest, hasLog: boolean): string | undefined {
  if (manifest.items.length < 2) return 'fewer than 2 items';
  if (!hasLog && catalogModalities(manifest).length < 2)
    return 'no interaction log and fewer than 2 modalities (no cross-modal objective to train the tower on)';
  return undefined;
}

export function removeLearnedModelFiles(outDir: string): void {
  rmSync(join(outDir, LEARNED_MODEL_DIR), { recursive: true, force: true });
}

export async function buildLearnedModel(
  input: LearnedModelStageInput,
  options: LearnedModelBuildOptions = {},
): Promise<{ entry: CatalogLearnedModel; summary: LearnedModelSummary }> {
  const started = performance.now();
  const { manifest, stored } = input;
  const seed = options.seed ?? 1;
  const modalities = catalogModalities(manifest);
  const encoderDims = Object.fromEntries(modalities.map((m) => [m, manifest.encoders[m]!.dims])) as Partial<Record<Modality, number>>;
  const n = manifest.items.length;
  const rowsOf = modalities.map((m) =>
    manifest.items.map((item) => {
      const row = item.vectorRows[m];
      const dims = encoderDims[m]!;
      return row === undefined ? undefined : stored[m]!.subarray(row * dims, (row + 1) * dims);
    }),
  );

  const sessions = input.interactions ? sessionSequences(input.interactions.rows, manifest) : undefined;
  const hasLog = sessions !== undefined && sessions.some((s) => s.length >= 2);
  const dims = options.dims ?? DEFAULT_MODEL_DIMS;
  let config: SequenceModelConfig;
  let weights: ModelWeights;
  let userModel: CatalogLearnedModel['userModel'];
  const training: CatalogLearnedModel['training'] = { seed };
  const heldOut: Array<{ history: number[]; target: number; rows: InteractionRow[] }> = [];

  if (hasLog) {
    userModel = 'sequence';
    config = modelConfig({ modalities: modalities.map((m) => ({ name: m, dims: encoderDims[m]! })), dims, idItems: n });
    // Each session's last event (≥ 3 distinct items) is held out for the blend fit.
    const trainSeqs: number[][] = [];
    for (const s of sessions) {
      const items = s.map((r) => r.index);
      if (new Set(items).size >= 3) {
        heldOut.push({ history: items.slice(0, -1), target: items[items.length - 1]!, rows: s.slice(0, -1).map((r) => r.row) });
        trainSeqs.push(items.slice(0, -1));
      } else trainSeqs.push(items);
    }
    const warm = new Uint8Array(n);
    for (const s of trainSeqs) for (const i of s) warm[i] = 1;
    const content = contentInputs(config, rowsOf, n, warm);
    // A fixed epoch count and no wall-clock budget: the same log and seed give the same files on any machine.
    const result = await trainSequenceModel(config, content, trainSeqs, {
      seed,
      epochs: options.epochs ?? 5,
      timeBudgetMs: Infinity,
      ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    });
    weights = result.weights;
    Object.assign(training, {
      source: 'interaction-log',
      sequences: trainSeqs.length,
      epochs: result.epochs,
      bestEpoch: result.bestEpoch,
      validationLoss: round4(result.validationLoss),
    });
  } else {
    userModel = 'pooling';
    config = modelConfig({ modalities: modalities.map((m) => ({ name: m, dims: encoderDims[m]! })), dims });
    const shared = await trainSharedSpace(sharedSpaceDataFromCatalog(manifest, stored), {
      dims,
      seed,
      ...(options.towerSteps !== undefined ? { steps: options.towerSteps } : {}),
    });
    weights = initialWeights(config, seed);
    for (const m of modalities) {
      const p = shared.weights.projections[m]!;
      weights.set(`tower.${m}.kernel`, p.kernel);
      weights.set(`tower.${m}.bias`, p.bias);
    }
    // A uniform gate over the modalities an item has (the shared space averages them too).
    weights.set('tower.gate.kernel', new Float32Array(dims));
    weights.set('tower.gate.bias', new Float32Array(modalities.length));
    Object.assign(training, { source: 'shared-space-contrastive+categories', steps: shared.stats.steps ?? 0 });
  }

  // The catalog's tower vectors, as int8 rows.
  const warmIds = userModel === 'sequence' ? Uint8Array.from({ length: n }, () => 1) : undefined;
  const content = contentInputs(config, rowsOf, n, warmIds);
  const params = ModelParameters.fromWeights(config, weights);
  const towerIn = towerTensors(config, content);
  let vectors: Float32Array;
  try {
    const out = itemVectors(params, towerIn);
    vectors = Float32Array.from(out.dataSync());
    out.dispose();
  } finally {
    disposeTowerInputs(towerIn);
    params.dispose();
  }
  const rowList = Array.from({ length: n }, (_, i) => vectors.subarray(i * dims, (i + 1) * dims));
  const vectorBytes = encodeVectors(rowList, 'int8');

  const partial = { dims, maxLength: config.maxLength, blocks: config.blocks, idItems: config.idItems, userModel };
  const layout = shippedWeights(partial, towerModalities({ modalities }, encoderDims));
  const weightBytes = encodeLearnedWeights(weights, layout);
  const entry: CatalogLearnedModel = {
    path: LEARNED_WEIGHTS_PATH,
    bytes: weightBytes.byteLength,
    sha256: await sha256Hex(weightBytes),
    ...partial,
    modalities,
    itemVectors: { path: LEARNED_VECTORS_PATH, format: 'int8', count: n, dims, bytes: vectorBytes.byteLength, sha256: await sha256Hex(vectorBytes) },
    blendWeight: 0,
    training,
  };

  if (hasLog && input.space && heldOut.length > 0) {
    // The ranker is built from the bytes as shipped (decoded and checked as the worker does).
    const ranker = new LearnedRanker(
      {
        entry,
        weights: await decodeLearnedWeights(weightBytes, entry, layout, LEARNED_WEIGHTS_PATH),
        itemVectors: await decodeLearnedItemVectors(vectorBytes, entry.itemVectors, LEARNED_VECTORS_PATH),
      },
      encoderDims,
    );
    const fit = await fitBlendWeight(input.space, manifest, ranker, heldOut, input.interactions!, options.blendCases ?? 300, seed);
    entry.blendWeight = fit.weight;
    Object.assign(training, {
      blendCases: fit.cases,
      validationTop10Fusion: round4(fit.top10[0]!),
      validationTop10Blended: round4(fit.top10[BLEND_GRID.indexOf(fit.weight as (typeof BLEND_GRID)[number])]!),
    });
  }
  // Build time goes in the summary only: the manifest must be the same bytes for the same inputs (sharded = single build).
  const seconds = Math.round((performance.now() - started) / 100) / 10;

  for (const [path, bytes] of [
    [LEARNED_WEIGHTS_PATH, weightBytes],
    [LEARNED_VECTORS_PATH, vectorBytes],
  ] as const) {
    const file = join(input.outDir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, bytes);
    renameSync(`${file}.tmp`, file);
  }
  return {
    entry,
    summary: {
      userModel,
      dims,
      bytes: { weights: weightBytes.byteLength, itemVectors: vectorBytes.byteLength, perItem: vectorBytes.byteLength / n },
      blendWeight: entry.blendWeight,
      seconds,
      training,
    },
  };
}

/** Per session, its catalog events oldest first (equal timestamps keep the log's order). */
function sessionSequences(rows: readonly InteractionRow[], manifest: CatalogManifest): Array<Array<{ index: number; row: InteractionRow }>> {
  const index = new Map(manifest.items.map((item, i) => [item.id, i]));
  const sessions = new Map<string, Array<{ index: number; row: InteractionRow }>>();
  for (const row of rows) {
    const i = index.get(row.item);
    if (i === undefined) continue;
    const list = sessions.get(row.session) ?? [];
    list.push({ index: i, row });
    sessions.set(row.session, list);
  }
  const out = [...sessions.keys()].sort().map((key) => sessions.get(key)!);
  for (const list of out) list.sort((a, b) => timestampSeconds(a.row.timestamp) - timestampSeconds(b.row.timestamp));
  return out;
}

/**
 * Top-10 hit rate of the held-out items for each blend weight of BLEND_GRID, with the signals
 * aggregated without the held-out events (the situation on the device); the smallest weight
 * with the best rate wins, so 0 is kept unless the learned score adds hits.
 */
async function fitBlendWeight(
  space: ItemSpace,
  manifest: CatalogManifest,
  ranker: LearnedRanker,
  heldOut: ReadonlyArray<{ history: number[]; target: number; rows: InteractionRow[] }>,
  interactions: NonNullable<LearnedModelStageInput['interactions']>,
  maxCases: number,
  seed: number,
): Promise<{ weight: number; cases: number; top10: number[] }> {
  const keptRows = heldOut.flatMap((h) => h.rows);
  const heldSessions = new Set(heldOut.map((h) => h.rows[0]?.session));
  for (const row of interactions.rows) if (!heldSessions.has(row.session)) keptRows.push(row);
  const signals = new CollaborativeSignals(
    space.itemCount,
    (id) => space.indexOf(id),
    aggregateInteractions(
      keptRows,
      space.items.map((i) => i.id),
      interactions.options,
    ).signals,
  );
  const fusion = catalogFusionModel(manifest.fusion, undefined);
  const random = mulberry32(seed ^ 0xb1e4d);
  const order = heldOut.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const lookup = catalogItemLookup(space);
  const hits: number[] = BLEND_GRID.map(() => 0);
  let cases = 0;
  for (const c of order.slice(0, maxCases).map((i) => heldOut[i]!)) {
    if (c.history.includes(c.target)) continue;
    const tokens = historyTokens(
      c.rows.map((r) => ({ type: 'view', itemId: r.item, at: timestampSeconds(r.timestamp) * 1000 })),
      { catalogItem: lookup, adhocItem: () => undefined },
      { halfLife: fusion.halfLife },
    );
    const scored = await scoreItems(space, signals, tokens, fusion);
    const user = ranker.userVector(c.history.map((item) => ({ item, weight: 1 })));
    if (!user) continue;
    const learned = ranker.scores(user);
    const seen = new Set(c.history);
    cases++;
    BLEND_GRID.forEach((w, g) => {
      const s = w === 0 ? scored.scores : blendScores(scored.scores, learned, w);
      const target = s[c.target]!;
      let better = 0;
      for (let i = 0; i < s.length && better < 10; i++) if (i !== c.target && !seen.has(i) && s[i]! > target) better++;
      if (better < 10) hits[g]!++;
    });
  }
  const top10 = hits.map((h) => (cases ? h / cases : 0));
  let best = 0;
  top10.forEach((r, g) => {
    if (r > top10[best]!) best = g;
  });
  return { weight: BLEND_GRID[best]!, cases, top10 };
}

function round4(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : 0;
}
