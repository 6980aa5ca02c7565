/**
 * The fusion model's input features, by name. They are part of the catalog format (a
 * manifest's fusion weights are keyed by them), so they live with the catalog; the
 * recommender's fusion model (recommend/fusion-model.ts) scores with them.
 */
export const FEATURES = ['text', 'image', 'audio', 'shared', 'sequential', 'coOccurrence', 'popularity', 'graph'] as const;
export type FeatureName = (typeof FEATURES)[number];
