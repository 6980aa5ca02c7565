/**
 * The global fusion model a catalog ships (or the documented prior when it ships none): which
 * head aggregates the history, and the weight of every feature of a candidate.
 *
 * Features of a candidate (see score-items.ts):
 *   text, image, audio   z-scored content similarity to the history in that modality
 *   shared               z-scored similarity in the shared cross-modal space (when the catalog has one)
 *   sequential           P(next = candidate | the last few items), scaled to [0, 1] over the catalog
 *   coOccurrence         co-occurrence with the history, scaled to [0, 1]
 *   popularity           the catalog's popularity score in [0, 1]
 *   graph                personalised PageRank from the history over the catalog's item graph
 *                        (src/engine/graph), scaled to [0, 1]; 0 when the catalog ships no graph
 *
 * THE PRIOR (no interactions to learn from): text and image 0.05 each, audio and the shared
 * space 0.025 (sound tells least about what a thing is, see the encoder quality table); in a
 * catalog without interactions only these ratios matter. The collaborative features weigh
 * 1.5 / 0.3 / 0.1 — sequential first, because what the user did last matters most — so
 * content only breaks their ties. Set on MovieLens dev users (protocol B, HR@10): sequential
 * alone 0.173; content at 1 per modality drags a hybrid to 0.07 on held-out sessions, at 0.2
 * to 0.143, at 0.05 the hybrid reaches 0.176. With interactions, the builder fits the weights
 * with a BPR loss (train-fusion-model.ts) and keeps them only if they beat these on held-out
 * sessions; the device then nudges them from the user's own clicks.
 */
import type { FusionHeadName } from '../../protocol/recommend.ts';
import type { FeatureName } from '../catalog/fusion-features.ts';

export const CONTENT_FEATURES: readonly FeatureName[] = ['text', 'image', 'audio', 'shared'];
export const COLLABORATIVE_FEATURES: readonly FeatureName[] = ['sequential', 'coOccurrence', 'popularity'];
/** Off by default (weight 0 in the prior; the builder fits it only when asked): see docs/evaluation.md "Item graph". */
export const GRAPH_FEATURES: readonly FeatureName[] = ['graph'];

export type FeatureWeights = Record<FeatureName, number>;

export interface FusionModel {
  head: FusionHeadName;
  weights: FeatureWeights;
  /** Attention temperature. */
  temperature: number;
  /** Distinct recent items the sequential feature starts from, and how fast older ones fade. */
  recentItems: number;
  recentDecay: number;
  /** History recency half-life in positions. */
  halfLife: number;
  /** `mlp` head: a hidden layer over the feature vector (weights row-major, FEATURES order). */
  mlp?: { hidden: number; w1: number[]; b1: number[]; w2: number[]; b2: number };
  /** Where the weights come from. */
  source: 'prior' | 'trained';
}

export const PRIOR_FUSION_MODEL: FusionModel = {
  head: 'late',
  weights: { text: 0.05, image: 0.05, audio: 0.025, shared: 0.025, sequential: 1.5, coOccurrence: 0.3, popularity: 0.1, graph: 0 },
  temperature: 0.1,
  recentItems: 3,
  recentDecay: 0.5,
  halfLife: 8,
  source: 'prior',
};

export function withHead(model: FusionModel, head: FusionHeadName): FusionModel {
  return { ...model, head };
}

/**
 * The model the engine runs: the catalog's trained one if it ships one, else the prior; a
 * configured head overrides the catalog's (the `mlp` head needs the catalog's MLP weights,
 * without them it runs as `late`).
 */
export function catalogFusionModel(shipped: Omit<FusionModel, 'source'> | undefined, head: FusionHeadName | undefined): FusionModel {
  const model: FusionModel = shipped
    ? {
        head: shipped.head,
        weights: { ...shipped.weights },
        temperature: shipped.temperature,
        recentItems: shipped.recentItems,
        recentDecay: shipped.recentDecay,
        halfLife: shipped.halfLife,
        ...(shipped.mlp ? { mlp: shipped.mlp } : {}),
        source: 'trained',
      }
    : { ...PRIOR_FUSION_MODEL };
  const wanted = head ?? model.head;
  return { ...model, head: wanted === 'mlp' && !model.mlp ? 'late' : wanted };
}
