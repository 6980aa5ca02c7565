/**
 * On-device learning from this user's own feedback: a small, bounded BPR step on the linear
 * fusion weights. A clicked (or viewed, added, bought) item should score above the items that
 * were shown next to it and skipped:
 *
 *   Δw = η · Σ_skipped σ(−(s_pos − s_skip)) · (f_pos − f_skip) / |skipped|
 *
 * Each weight stays within ±`maxShift` of the catalog's global weight, so one user's clicks
 * can re-balance modalities and signals but never turn the model into something else; the
 * state is a handful of numbers, stored in IndexedDB (model state) and forgotten with it.
 */
import { type FeatureWeights } from './fusion-model.ts';
import { FEATURES, type FeatureName } from '../catalog/fusion-features.ts';

export interface PersonalState {
  /** Offsets added to the global weights. */
  offsets: FeatureWeights;
  updates: number;
}

export interface LearningOptions {
  learningRate?: number;
  maxShift?: number;
}

export const DEFAULT_LEARNING_RATE = 0.05;
export const DEFAULT_MAX_SHIFT = 0.5;

export function emptyPersonalState(): PersonalState {
  return { offsets: Object.fromEntries(FEATURES.map((f) => [f, 0])) as FeatureWeights, updates: 0 };
}

export function personalWeights(global: FeatureWeights, state: PersonalState | undefined): FeatureWeights {
  if (!state) return global;
  return Object.fromEntries(FEATURES.map((f) => [f, global[f] + state.offsets[f]])) as FeatureWeights;
}

export type FeatureRow = Record<FeatureName, number>;

const dot = (w: FeatureWeights, x: FeatureRow) => FEATURES.reduce((s, f) => s + w[f] * x[f], 0);

/** One bounded step; returns a new state. No skipped items → no change. */
export function learnFromFeedback(
  global: FeatureWeights,
  state: PersonalState,
  positive: FeatureRow,
  skipped: readonly FeatureRow[],
  options: LearningOptions = {},
): PersonalState {
  if (skipped.length === 0) return state;
  const eta = options.learningRate ?? DEFAULT_LEARNING_RATE;
  const bound = options.maxShift ?? DEFAULT_MAX_SHIFT;
  const w = personalWeights(global, state);
  const gradient = Object.fromEntries(FEATURES.map((f) => [f, 0])) as FeatureWeights;
  const sPos = dot(w, positive);
  for (const neg of skipped) {
    const g = 1 / (1 + Math.exp(sPos - dot(w, neg))); // σ(−(s_pos − s_neg))
    for (const f of FEATURES) gradient[f] += (g * (positive[f] - neg[f])) / skipped.length;
  }
  const offsets = { ...state.offsets };
  for (const f of FEATURES) offsets[f] = Math.max(-bound, Math.min(bound, offsets[f] + eta * gradient[f]));
  return { offsets, updates: state.updates + 1 };
}

export function featureRow(features: Record<FeatureName, Float32Array>, index: number): FeatureRow {
  return Object.fromEntries(FEATURES.map((f) => [f, features[f][index] ?? 0])) as FeatureRow;
}
