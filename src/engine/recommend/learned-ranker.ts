/**
 * The catalog's learned model at run time (issue 10 items 2 and 4): the user vector from the
 * history's item vectors, and scores in the model's d-dimensional space over the shipped int8
 * item vectors. Runs the same in the worker and in Node (batch recommend, catalog build).
 *
 * - `sequence` (a catalog built with an interaction log): the trained causal self-attention
 *   user model (src/engine/model/user-model.ts) as a tfjs graph on the active backend. Its
 *   parameters (user part only, ~0.03 M floats at d = 64) are made for each call and disposed
 *   with it: cheap next to tracking backend switches, and nothing outlives a call.
 * - `pooling` (no log, no user model to train): attention pooling over the history, query =
 *   the latest item, logits = cosine / τ + log(event weight), in JS.
 *
 * Only the int8 item vectors stay in memory (d + 4 bytes per item); a history item's float
 * vector is decoded from its row when needed.
 */
import { itemAt } from '../../shared/item-at.ts';
import * as tf from '@tensorflow/tfjs';
import type { LoadedLearnedModelFiles } from '../catalog/fetch-catalog.ts';
import { towerModalities, type CatalogLearnedModel } from '../catalog/learned-model-format.ts';
import { CatalogFormatError } from '../catalog/vector-codec.ts';
import { modelConfig, type SequenceModelConfig } from '../model/model-config.ts';
import { ModelParameters } from '../model/model-parameters.ts';
import { checkWeights, type ModelWeights } from '../model/model-weights.ts';
import { userVectors } from '../model/user-model.ts';
import { int8MatrixView, type Int8Matrix, type Int8Ranker, type RankedRows } from '../ranking/int8-matrix.ts';
import { referenceInt8Ranker } from '../ranking/rank-int8-reference.ts';
import type { Modality } from '../../protocol/embedding.ts';

/** Temperature of the pooling fallback's attention (cosines of unit vectors). */
export const POOLING_TEMPERATURE = 0.1;

/** One history event as the learned model reads it: the item's row and the event's weight. */
export interface LearnedHistoryEvent {
  item: number;
  weight: number;
}

export class LearnedRanker {
  readonly entry: CatalogLearnedModel;
  readonly config: SequenceModelConfig;
  /** The items' tower vectors, int8 with a scale per row: what ranking reads. */
  readonly matrix: Int8Matrix;
  private readonly weights: ModelWeights;
  /**
   * The user model alone: the same config with a 1-d stand-in tower (userStates reads only
   * `user.*`), so a call uploads ~0.03 M floats instead of the whole tower's kernels.
   */
  private readonly userConfig: SequenceModelConfig;
  private readonly userWeights: ModelWeights;

  /** Throws CatalogFormatError when the weights do not fit the manifest's config. */
  constructor(files: LoadedLearnedModelFiles, encoderDims: Partial<Record<Modality, number>>) {
    const { entry } = files;
    this.entry = entry;
    this.config = modelConfig({
      modalities: towerModalities(entry, encoderDims),
      dims: entry.dims,
      maxLength: entry.maxLength,
      blocks: entry.blocks,
      idItems: entry.idItems,
    });
    this.weights = files.weights;
    if (entry.userModel === 'sequence') {
      try {
        checkWeights(this.config, this.weights);
      } catch (error) {
        throw new CatalogFormatError(`learned model ${entry.path}: ${(error as Error).message}`);
      }
    }
    this.matrix = int8MatrixView(files.itemVectors, entry.itemVectors.count, entry.dims);
    this.userConfig = { ...this.config, modalities: [{ name: 'none', dims: 1 }], idItems: 0 };
    this.userWeights = new Map([...this.weights].filter(([name]) => name.startsWith('user.')));
    for (const [name, size] of [
      ['tower.none.kernel', entry.dims],
      ['tower.none.bias', entry.dims],
      ['tower.gate.kernel', entry.dims],
      ['tower.gate.bias', 1],
    ] as const)
      this.userWeights.set(name, new Float32Array(size));
  }

  get itemCount(): number {
    return this.matrix.count;
  }

  get blendWeight(): number {
    return this.entry.blendWeight;
  }

  /** Item `row`'s tower vector, decoded from int8. */
  itemVector(row: number): Float32Array {
    const { dims, scales, codes } = this.matrix;
    if (!(row >= 0 && row < this.matrix.count)) throw new RangeError(`learned model: item row ${row} is out of range`);
    const out = new Float32Array(dims);
    const scale = scales[row]!;
    for (let j = 0; j < dims; j++) out[j] = codes[row * dims + j]! * scale;
    return out;
  }

  /** The user vector for a history (oldest first); null for an empty history. */
  userVector(history: readonly LearnedHistoryEvent[]): Float32Array | null {
    const recent = history.slice(-this.config.maxLength);
    if (recent.length === 0) return null;
    return this.entry.userModel === 'sequence' ? this.sequenceVector(recent) : this.pooledVector(recent);
  }

  /** user · item for every item (int8 codes × scale), in item order. */
  scores(user: Float32Array): Float32Array {
    const { count, dims, scales, codes } = this.matrix;
    const out = new Float32Array(count);
    for (let r = 0; r < count; r++) {
      let dot = 0;
      const base = r * dims;
      for (let j = 0; j < dims; j++) dot += codes[base + j]! * user[j]!;
      out[r] = dot * scales[r]!;
    }
    return out;
  }

  /** The k best items for a user vector among `mask`ed rows, with an int8 ranking kernel (default the exact JS one). */
  async topK(user: Float32Array, k: number, mask?: Uint8Array, ranker: Int8Ranker = referenceInt8Ranker): Promise<RankedRows> {
    return ranker.rank(this.matrix, user, k, mask);
  }

  private sequenceVector(history: readonly LearnedHistoryEvent[]): Float32Array {
    const d = this.config.dims;
    const rows = new Float32Array(history.length * d);
    history.forEach((e, i) => rows.set(this.itemVector(e.item), i * d));
    const params = ModelParameters.fromWeights(this.userConfig, this.userWeights);
    try {
      const user = tf.tidy(() => userVectors(params, tf.tensor2d(rows, [history.length, d]), [history.map((_, i) => i)]));
      try {
        return Float32Array.from(user.dataSync());
      } finally {
        user.dispose();
      }
    } finally {
      params.dispose();
    }
  }

  private pooledVector(history: readonly LearnedHistoryEvent[]): Float32Array {
    const d = this.config.dims;
    const vectors = history.map((e) => this.itemVector(e.item));
    const query = vectors[vectors.length - 1]!;
    const logits = vectors.map((v, i) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += v[j]! * query[j]!;
      return dot / POOLING_TEMPERATURE + Math.log(Math.max(history[i]!.weight, 1e-6));
    });
    const max = Math.max(...logits);
    const weights = logits.map((l) => Math.exp(l - max));
    const out = new Float32Array(d);
    vectors.forEach((v, i) => {
      for (let j = 0; j < d; j++) out[j] = itemAt(out, j) + itemAt(weights, i) * itemAt(v, j);
    });
    let norm = 0;
    for (let j = 0; j < d; j++) norm += out[j]! * out[j]!;
    norm = Math.sqrt(norm) || 1;
    for (let j = 0; j < d; j++) out[j] = out[j]! / norm;
    return out;
  }
}

/** Event weights of the learned history (purchases count more than views in the pooling fallback). */
const EVENT_WEIGHTS: Readonly<Record<string, number>> = { view: 1, click: 1.5, 'add-to-cart': 3, purchase: 4 };

/** A profile's catalog events → the learned model's history (oldest first; dismissals and unknown items left out). */
export function learnedHistory(
  events: ReadonlyArray<{ type: string; itemId?: string; at: number }>,
  indexOf: (id: string) => number | undefined,
): LearnedHistoryEvent[] {
  const out: Array<LearnedHistoryEvent & { at: number; order: number }> = [];
  events.forEach((e, order) => {
    const weight = EVENT_WEIGHTS[e.type];
    const item = e.itemId === undefined ? undefined : indexOf(e.itemId);
    if (weight === undefined || item === undefined) return;
    out.push({ item, weight, at: e.at, order });
  });
  // Stable by time: equal timestamps keep the profile's order (as the builder keeps the log's).
  out.sort((a, b) => a.at - b.at || a.order - b.order);
  return out.map(({ item, weight }) => ({ item, weight }));
}

/** z(fusion) + w · z(learned) over all items: the blend the builder fitted (learned-model-format.ts). */
export function blendScores(fusion: Float32Array, learned: Float32Array, weight: number): Float32Array {
  const z = (values: Float32Array): Float32Array => {
    let mean = 0;
    for (const v of values) mean += v;
    mean /= values.length || 1;
    let variance = 0;
    for (const v of values) variance += (v - mean) ** 2;
    const std = Math.sqrt(variance / (values.length || 1)) || 1;
    return values.map((v) => (v - mean) / std);
  };
  const a = z(fusion);
  const b = z(learned);
  return a.map((v, i) => v + weight * b[i]!);
}
