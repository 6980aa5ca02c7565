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
 * Only the int8 item vectors stay in memory (d + 4 bytes per item), and only once: where the
 * WASM SIMD kernel runs they are moved into its memory at load (it ranks them there without a
 * copy per call); a history item's float vector is decoded from its row when needed.
 */
import { itemAt } from '../../shared/item-at.ts';
import { l2NormalizeInPlace } from '../encoders/l2-normalize.ts';
import * as tf from '@tensorflow/tfjs';
import type { LoadedLearnedModelFiles } from '../catalog/fetch-catalog.ts';
import { towerModalities, type CatalogLearnedModel } from '../catalog/learned-model-format.ts';
import { CatalogFormatError } from '../catalog/vector-codec.ts';
import { modelConfig, type SequenceModelConfig } from '../model/model-config.ts';
import { ModelParameters } from '../model/model-parameters.ts';
import { checkWeights, type ModelWeights } from '../model/model-weights.ts';
import { historyRows, userStates } from '../model/user-model.ts';
import { itemVectors, type TowerInputs } from '../model/item-tower.ts';
import { weightSpecs } from '../model/model-weights.ts';
import { int8MatrixView, type Int8Matrix, type Int8Ranker, type RankedRows } from '../ranking/int8-matrix.ts';
import { referenceInt8Ranker } from '../ranking/rank-int8-reference.ts';
import { allocateInt8MatrixInWasm, wasmSimdAvailable } from '../ranking/wasm/rank-int8-wasm.ts';
import type { Modality } from '../../protocol/embedding.ts';

/** Temperature of the pooling fallback's attention (cosines of unit vectors). */
export const POOLING_TEMPERATURE = 0.1;

/**
 * One history event as the learned model reads it: the item's catalog row and the event's
 * weight, or, for an item the catalog lacks (issue 10 item 5), row -1, the item's tower
 * vector (`contentVector` of its stored content) and its profile key (the event's `adhocId`).
 */
export interface LearnedHistoryEvent {
  item: number;
  weight: number;
  vector?: Float32Array;
  key?: string;
}

/** A user's state in the learned model: the user vector and how much each history event weighs in it. */
export interface LearnedUserState {
  vector: Float32Array;
  /** The events the model read (the last maxLength), oldest first. */
  history: readonly LearnedHistoryEvent[];
  /**
   * Per event of `history`, summing to 1: the last position's attention weights in the last
   * block (`sequence`), or the pooling weights (`pooling`).
   */
  attention: Float32Array;
}

/** Why the learned model scores one item as it does (`LearnedRanker.explain`). */
export interface LearnedItemAttribution {
  /** The item's catalog row. */
  item: number;
  /** user · item, the item vector recomputed by the tower from its modality vectors. */
  score: number;
  /**
   * History item rows the score came from, with shares summing to 1 (best first; an item seen
   * twice counts once): attention weight × positive similarity to the item, normalised.
   */
  from: LearnedSource[];
  /**
   * Ablation shares: how much the score drops when the tower leaves out one modality (or the
   * item's learned id embedding, `id`); with `id` they sum to 1, or all are 0 when no part
   * raises the score.
   */
  modalities: Partial<Record<Modality, number>>;
  id: number;
}

/** A history item a learned score came from: a catalog row, or (row -1) an item the catalog lacks, by its profile key. */
export interface LearnedSource {
  item: number;
  key?: string;
  share: number;
}

/** The item's modality vectors for the tower (the ItemSpace's unit rows); undefined = the item lacks it. */
export type ItemContent = (row: number, modality: Modality) => Float32Array | undefined;

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
  /** The item vectors' mean and second moment (d + d² float64), made on the first blended for-you. */
  private moments: { mean: Float64Array; second: Float64Array } | undefined;

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
    this.matrix = residentMatrix(int8MatrixView(files.itemVectors, entry.itemVectors.count, entry.dims));
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

  /**
   * The tower vector of an item from its content alone (no id embedding): how an item the
   * catalog lacks enters the history. `content`: unit vectors of the catalog's encoders; a
   * modality the tower lacks, or of other dims, is left out. Null when none is left.
   */
  contentVector(content: Partial<Record<Modality, Float32Array>>): Float32Array | null {
    const m = this.config.modalities.length;
    const present = new Float32Array(m);
    const matrices = this.config.modalities.map((shape, j) => {
      const v = content[shape.name as Modality];
      if (!v || v.length !== shape.dims) return new Float32Array(shape.dims);
      present[j] = 1;
      return l2NormalizeInPlace(v.slice());
    });
    if (!present.includes(1)) return null;
    const params = this.towerParameters();
    try {
      return tf.tidy(() =>
        Float32Array.from(
          itemVectors(params, {
            modalities: this.config.modalities.map((shape, j) => tf.tensor2d(matrices[j]!, [1, shape.dims])),
            present: tf.tensor2d(present, [1, m]),
          }).dataSync(),
        ),
      );
    } finally {
      params.dispose();
    }
  }

  /** The user vector for a history (oldest first); null for an empty history. */
  userVector(history: readonly LearnedHistoryEvent[]): Float32Array | null {
    return this.userState(history)?.vector ?? null;
  }

  /** The user vector and the history's weights in it (oldest first); null for an empty history. */
  userState(history: readonly LearnedHistoryEvent[]): LearnedUserState | null {
    const recent = history.slice(-this.config.maxLength);
    if (recent.length === 0) return null;
    return this.entry.userModel === 'sequence' ? this.sequenceState(recent) : this.pooledState(recent);
  }

  /**
   * Attributions of the learned score of `items` (catalog rows: the k shown, never the whole
   * catalog) for a user state.
   *
   * History ("came from"): attention weight a_i × max(0, h_i · v), normalised. For the pooling
   * model this is exactly each event's part of user · v (u is Σ a_i h_i, rescaled); for the
   * sequence model attention alone says which events built the user state whatever the item,
   * and the similarity makes it about this item (an event attended to but pointing away from
   * the item did not bring it). Where no event points towards the item, attention alone.
   *
   * Modalities: ablation through the real tower (item-tower.ts), whose gate renormalises over
   * the modalities left: drop_m = max(0, s − s without m), and the same for the id embedding;
   * shares = drops normalised. One tower batch of k × (modalities + 2) rows, on the active
   * backend, with only the k items' id rows uploaded.
   */
  explain(state: LearnedUserState, items: readonly number[], content: ItemContent): LearnedItemAttribution[] {
    if (items.length === 0) return [];
    const d = this.config.dims;
    const modalities = this.config.modalities.map((m) => m.name as Modality);
    const m = modalities.length;
    const withIds = this.config.idItems > 0;
    // Variants per item: full, each modality left out, the id left out.
    const variants = m + 2;
    const n = items.length * variants;
    const matrices = this.config.modalities.map((shape) => new Float32Array(n * shape.dims));
    const present = new Float32Array(n * m);
    const idMask = new Float32Array(n);
    const ids = new Int32Array(n);
    items.forEach((item, k) => {
      const vectors = modalities.map((name) => {
        const v = content(item, name);
        return v && v.length === this.config.modalities[modalities.indexOf(name)]!.dims ? v : undefined;
      });
      const hasId = withIds && item < this.config.idItems ? 1 : 0;
      for (let variant = 0; variant < variants; variant++) {
        const r = k * variants + variant;
        vectors.forEach((v, j) => {
          if (!v || variant === j + 1) return;
          matrices[j]!.set(v, r * this.config.modalities[j]!.dims);
          present[r * m + j] = 1;
        });
        idMask[r] = variant === m + 1 ? 0 : hasId;
        ids[r] = k;
      }
    });
    const idRows = new Float32Array(items.length * d);
    const table = this.weights.get('tower.id');
    if (withIds && table) items.forEach((item, k) => item < this.config.idItems && idRows.set(table.subarray(item * d, (item + 1) * d), k * d));
    const params = this.towerParameters(withIds ? idRows : undefined);
    let vectors = new Float32Array(0);
    try {
      tf.tidy(() => {
        const inputs: TowerInputs = {
          modalities: this.config.modalities.map((shape, j) => tf.tensor2d(matrices[j]!, [n, shape.dims])),
          present: tf.tensor2d(present, [n, m]),
          ...(withIds ? { idMask: tf.tensor2d(idMask, [n, 1]), ids: tf.tensor1d(ids, 'int32') } : {}),
        };
        vectors = Float32Array.from(itemVectors(params, inputs).dataSync());
      });
    } finally {
      params.dispose();
    }
    const user = state.vector;
    const scoreOf = (r: number) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += vectors[r * d + j]! * user[j]!;
      return dot;
    };
    return items.map((item, k) => {
      const base = k * variants;
      const score = scoreOf(base);
      const drops = modalities.map((_, j) => (present[base * m + j] === 1 ? Math.max(0, score - scoreOf(base + j + 1)) : 0));
      const idDrop = idMask[base] === 1 ? Math.max(0, score - scoreOf(base + m + 1)) : 0;
      const total = drops.reduce((a, b) => a + b, 0) + idDrop;
      const shares: Partial<Record<Modality, number>> = {};
      modalities.forEach((name, j) => {
        if (present[base * m + j] === 1) shares[name] = total > 0 ? drops[j]! / total : 0;
      });
      return { item, score, from: this.cameFrom(state, item), modalities: shares, id: total > 0 ? idDrop / total : 0 };
    });
  }

  /**
   * History items' shares in item `row`'s learned score (see `explain`); an item the catalog
   * lacks is named by its profile key.
   */
  private cameFrom(state: LearnedUserState, row: number): LearnedSource[] {
    const v = this.itemVector(row);
    const parts = state.history.map((e, i) => {
      const h = this.eventVector(e);
      let dot = 0;
      for (let j = 0; j < h.length; j++) dot += h[j]! * v[j]!;
      return state.attention[i]! * Math.max(0, dot);
    });
    const weighed = parts.some((p) => p > 0) ? parts : Array.from(state.attention);
    // An item seen twice counts once: catalog items by row, the others by key.
    const byItem = new Map<number | string, LearnedSource>();
    state.history.forEach((e, i) => {
      const id = e.item >= 0 ? e.item : (e.key ?? '');
      const source = byItem.get(id) ?? { item: e.item, ...(e.item < 0 && e.key !== undefined ? { key: e.key } : {}), share: 0 };
      source.share += weighed[i]!;
      byItem.set(id, source);
    });
    const total = [...byItem.values()].reduce((a, b) => a + b.share, 0);
    if (!(total > 0)) return [];
    return [...byItem.values()]
      .map((source) => ({ ...source, share: source.share / total }))
      .filter((x) => x.share > 0)
      .sort((a, b) => b.share - a.share || a.item - b.item);
  }

  /** user · item for every item (int8 codes × scale), in item order: an O(N·d) scan (the builder's blend fit; for-you ranks with topK). */
  scores(user: Float32Array): Float32Array {
    const out = new Float32Array(this.matrix.count);
    for (let r = 0; r < out.length; r++) out[r] = this.score(user, r);
    return out;
  }

  /** user · item `row`, summed as the int8 rankers sum it (float64 over codes, then × scale). */
  score(user: Float32Array, row: number): number {
    const { dims, scales, codes } = this.matrix;
    let dot = 0;
    const base = row * dims;
    for (let j = 0; j < dims; j++) dot += codes[base + j]! * user[j]!;
    return dot * scales[row]!;
  }

  /**
   * Mean and standard deviation of user · item over all items without scoring them: u · μ and
   * √(uᵀ M u − (u · μ)²) from the items' mean vector μ and second moment M (itemMoments).
   */
  learnedStats(user: Float32Array): { mean: number; std: number } {
    const { mean, second } = (this.moments ??= itemMoments(this.matrix));
    const d = this.matrix.dims;
    let m = 0;
    let quadratic = 0;
    for (let a = 0; a < d; a++) {
      m += user[a]! * mean[a]!;
      let row = 0;
      for (let b = 0; b < d; b++) row += second[a * d + b]! * user[b]!;
      quadratic += user[a]! * row;
    }
    return { mean: m, std: Math.sqrt(Math.max(0, quadratic - m * m)) || 1 };
  }

  /** The k best items for a user vector among `mask`ed rows, with an int8 ranking kernel (default the exact JS one). */
  async topK(user: Float32Array, k: number, mask?: Uint8Array, ranker: Int8Ranker = referenceInt8Ranker): Promise<RankedRows> {
    return ranker.rank(this.matrix, user, k, mask);
  }

  /**
   * The item tower's parameters for one batch (the user part zeroed: the tower never reads it).
   * `idRows`: the id table of the batch's items (k × d, row i for batch item i); none without it.
   */
  private towerParameters(idRows?: Float32Array): ModelParameters {
    const idItems = idRows ? idRows.length / this.config.dims : 0;
    const towerConfig = { ...this.config, maxLength: 1, blocks: 1, idItems };
    const towerWeights = new Map<string, Float32Array>();
    for (const spec of weightSpecs(towerConfig)) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      towerWeights.set(spec.name, spec.name === 'tower.id' ? idRows! : spec.name.startsWith('tower.') ? this.weights.get(spec.name)! : new Float32Array(size));
    }
    return ModelParameters.fromWeights(towerConfig, towerWeights);
  }

  /** A history event's item vector: the shipped row, or the tower vector an item the catalog lacks carries. */
  private eventVector(event: LearnedHistoryEvent): Float32Array {
    if (event.vector) {
      if (event.vector.length !== this.config.dims)
        throw new RangeError(`learned model: a history vector has ${event.vector.length} dims, expected ${this.config.dims}`);
      return event.vector;
    }
    return this.itemVector(event.item);
  }

  private sequenceState(history: readonly LearnedHistoryEvent[]): LearnedUserState {
    const d = this.config.dims;
    const l = this.config.maxLength;
    const n = history.length;
    const rows = new Float32Array(n * d);
    history.forEach((e, i) => rows.set(this.eventVector(e), i * d));
    const params = ModelParameters.fromWeights(this.userConfig, this.userWeights);
    let vector = new Float32Array(0);
    let row = new Float32Array(0);
    try {
      tf.tidy(() => {
        let weights: tf.Tensor3D | undefined;
        const rowsIn = tf.tensor2d(historyRows([history.map((_, i) => i)], l), [1, l], 'int32');
        const states = userStates(params, tf.tensor2d(rows, [n, d]), rowsIn, { attention: (w) => (weights = w) });
        try {
          vector = Float32Array.from(tf.slice(states, [0, l - 1, 0], [1, 1, d]).dataSync());
          // The last position's row of the last block; the history sits right-aligned in its last n columns.
          row = Float32Array.from(tf.slice(weights!, [0, l - 1, l - n], [1, 1, n]).dataSync());
        } finally {
          weights?.dispose();
        }
      });
    } finally {
      params.dispose();
    }
    const total = row.reduce((a, b) => a + b, 0) || 1;
    return { vector, history, attention: row.map((w) => w / total) };
  }

  private pooledState(history: readonly LearnedHistoryEvent[]): LearnedUserState {
    const d = this.config.dims;
    const vectors = history.map((e) => this.eventVector(e));
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
    const total = weights.reduce((a, b) => a + b, 0);
    return { vector: out, history, attention: Float32Array.from(weights, (w) => w / total) };
  }
}

/** The matrix in the WASM SIMD kernel's memory where that kernel runs (one copy, none per call), else as it is. */
function residentMatrix(view: Int8Matrix): Int8Matrix {
  if (!wasmSimdAvailable()) return view;
  const resident = allocateInt8MatrixInWasm(view.count, view.dims);
  resident.scales.set(view.scales);
  resident.codes.set(view.codes);
  return { count: resident.count, dims: resident.dims, scales: resident.scales, codes: resident.codes };
}

/**
 * The mean μ and second moment M = (1/N) Σ v vᵀ of the decoded item vectors: O(N·d²) once per
 * catalog (the upper triangle, mirrored), so each call's z statistics cost O(d²) instead of O(N·d).
 */
function itemMoments(matrix: Int8Matrix): { mean: Float64Array; second: Float64Array } {
  const { count, dims: d, scales, codes } = matrix;
  const mean = new Float64Array(d);
  const second = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let r = 0; r < count; r++) {
    const scale = scales[r]!;
    const base = r * d;
    for (let j = 0; j < d; j++) v[j] = codes[base + j]! * scale;
    for (let a = 0; a < d; a++) {
      const va = v[a]!;
      mean[a]! += va;
      for (let b = a; b < d; b++) second[a * d + b]! += va * v[b]!;
    }
  }
  const n = count || 1;
  for (let a = 0; a < d; a++) {
    mean[a] = mean[a]! / n;
    for (let b = a; b < d; b++) second[b * d + a] = second[a * d + b] = second[a * d + b]! / n;
  }
  return { mean, second };
}

/** Event weights of the learned history (purchases count more than views in the pooling fallback). */
const EVENT_WEIGHTS: Readonly<Record<string, number>> = { view: 1, click: 1.5, 'add-to-cart': 3, purchase: 4 };

/**
 * A profile's events → the learned model's history (oldest first; dismissals and unknown items
 * left out). `offCatalog`: the tower vector of an item the catalog lacks, by the event's
 * `adhocId`; without it (or when it has none) such events are left out too.
 */
export function learnedHistory(
  events: ReadonlyArray<{ type: string; itemId?: string; adhocId?: string; at: number }>,
  indexOf: (id: string) => number | undefined,
  offCatalog: (adhocId: string) => Float32Array | undefined = () => undefined,
): LearnedHistoryEvent[] {
  const out: Array<LearnedHistoryEvent & { at: number; order: number }> = [];
  events.forEach((e, order) => {
    const weight = EVENT_WEIGHTS[e.type];
    if (weight === undefined) return;
    const item = e.itemId === undefined ? undefined : indexOf(e.itemId);
    if (item !== undefined) {
      out.push({ item, weight, at: e.at, order });
      return;
    }
    const vector = e.adhocId === undefined ? undefined : offCatalog(e.adhocId);
    if (vector) out.push({ item: -1, weight, vector, key: e.adhocId!, at: e.at, order });
  });
  // Stable by time: equal timestamps keep the profile's order (as the builder keeps the log's).
  out.sort((a, b) => a.at - b.at || a.order - b.order);
  return out.map(({ item, weight, vector, key }) => (vector ? { item, weight, vector, ...(key !== undefined ? { key } : {}) } : { item, weight }));
}
