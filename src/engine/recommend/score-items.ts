/**
 * Scores every catalog item for a user's history: content features on the backend
 * (content-features.ts), collaborative features from the catalog's signals, then the fusion
 * head. Returns the features too, so that explanations and on-device learning can use them.
 * The same function runs in the worker, in the catalog builder and in the evaluation.
 */
import type { Modality } from '../../protocol/embedding.ts';
import { CollaborativeSignals, type WeightedIndex } from './collaborative-signals.ts';
import { contentFeatures } from './content-features.ts';
import { type FusionModel } from './fusion-model.ts';
import { FEATURES, type FeatureName } from '../catalog/fusion-features.ts';
import type { HistoryToken } from './history-tokens.ts';
import type { ItemSpace } from './item-space.ts';

export interface ScoredItems {
  /** Final score per item. */
  scores: Float32Array;
  /** Feature values per item, FEATURES order (0 where a feature is absent). */
  features: Record<FeatureName, Float32Array>;
  /** Features that had any input (e.g. no `audio` when no history item has a sound). */
  active: FeatureName[];
}

export async function scoreItems(space: ItemSpace, signals: CollaborativeSignals, tokens: readonly HistoryToken[], model: FusionModel): Promise<ScoredItems> {
  const n = space.itemCount;
  const zero = () => new Float32Array(n);
  const features = Object.fromEntries(FEATURES.map((f) => [f, zero()])) as Record<FeatureName, Float32Array>;
  const active: FeatureName[] = [];

  const content = await contentFeatures(space, tokens, { head: model.head === 'attention' ? 'attention' : 'late', temperature: model.temperature });
  for (const name of Object.keys(content) as Array<Modality | 'shared'>) {
    features[name] = content[name]!.z;
    active.push(name);
  }

  if (signals.hasSignals) {
    const catalogTokens = tokens.filter((t) => t.itemIndex !== undefined && t.weight > 0);
    const recent: WeightedIndex[] = catalogTokens.slice(0, model.recentItems).map((t, i) => ({ index: t.itemIndex!, weight: model.recentDecay ** i }));
    const total = catalogTokens.reduce((s, t) => s + t.weight, 0) || 1;
    const history: WeightedIndex[] = catalogTokens.map((t) => ({ index: t.itemIndex!, weight: t.weight / total }));
    const collaborative = signals.features(recent, history);
    features.sequential = scaleToUnit(collaborative.sequential);
    features.coOccurrence = scaleToUnit(collaborative.coOccurrence);
    features.popularity = collaborative.popularity;
    if (recent.length) active.push('sequential');
    if (history.length) active.push('coOccurrence');
    active.push('popularity');
  }
  if (signals.graph) {
    // Seeds: every catalog item of the history with its recency weight (as co-occurrence).
    const seeds = tokens.filter((t) => t.itemIndex !== undefined && t.weight > 0).map((t) => ({ index: t.itemIndex!, weight: t.weight }));
    if (seeds.length) {
      features.graph = signals.graph.itemScores(seeds);
      active.push('graph');
    }
  }
  return { scores: applyHead(features, model), features, active };
}

/** The head's score for every item from its features. */
export function applyHead(features: Record<FeatureName, Float32Array>, model: FusionModel): Float32Array {
  const n = features.text.length;
  const scores = new Float32Array(n);
  if (model.head === 'mlp' && model.mlp) {
    const { hidden, w1, b1, w2, b2 } = model.mlp;
    const x = new Float32Array(FEATURES.length);
    for (let i = 0; i < n; i++) {
      FEATURES.forEach((f, k) => (x[k] = features[f][i]!));
      scores[i] = mlpForward(x, hidden, w1, b1, w2, b2);
    }
    return scores;
  }
  for (const f of FEATURES) {
    const w = model.weights[f];
    if (w === 0) continue;
    const values = features[f];
    for (let i = 0; i < n; i++) scores[i]! += w * values[i]!;
  }
  return scores;
}

/** One hidden ReLU layer: w1 is FEATURES × hidden, row-major. */
export function mlpForward(x: ArrayLike<number>, hidden: number, w1: readonly number[], b1: readonly number[], w2: readonly number[], b2: number): number {
  let out = b2;
  for (let h = 0; h < hidden; h++) {
    let a = b1[h]!;
    for (let k = 0; k < x.length; k++) a += x[k]! * w1[k * hidden + h]!;
    if (a > 0) out += a * w2[h]!;
  }
  return out;
}

function scaleToUnit(values: Float32Array): Float32Array {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  if (max === 0) return values;
  return values.map((v) => v / max);
}
