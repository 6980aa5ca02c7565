/**
 * The settings `npm run eval:privacy` compares: the minimum sessions K and the privacy budget ε
 * the catalog builder aggregates the training log with (private-aggregates.ts), and how a row
 * of the evaluation is named for each. The reference is K = 1, ε = ∞: every pair, exact
 * counts (the aggregation `npm run eval` tunes and reports).
 */
import type { AggregateOptions } from '../catalog/aggregate-interactions.ts';
import { MOVIE_SIGNAL_OPTIONS } from './movie-catalog.ts';

export interface PrivacySetting {
  minSessions: number;
  /** Infinity: exact counts. */
  epsilon: number;
}

export const DEFAULT_EPSILONS = [Infinity, 8, 4, 2, 1];
export const REFERENCE: PrivacySetting = { minSessions: 1, epsilon: Infinity };

/** `inf,8,4` → [∞, 8, 4]; each > 0, no repeats. */
export function parseEpsilons(raw: string): number[] {
  const out: number[] = [];
  for (const part of raw.split(',').map((s) => s.trim())) {
    const value = /^(inf|infinity|∞)$/i.test(part) ? Infinity : /^\d+(\.\d+)?$/.test(part) ? Number(part) : NaN;
    if (!(value > 0)) throw new Error(`--epsilons takes numbers > 0 or inf, comma-separated (got "${part}")`);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** K = 1 at ε = ∞ (the reference), then K at every ε. */
export function privacySettings(epsilons: readonly number[], minSessions: number): PrivacySetting[] {
  const out: PrivacySetting[] = [REFERENCE];
  for (const epsilon of epsilons) if (!(minSessions === REFERENCE.minSessions && epsilon === REFERENCE.epsilon)) out.push({ minSessions, epsilon });
  return out;
}

export const formatEpsilon = (epsilon: number): string => (Number.isFinite(epsilon) ? String(epsilon) : '∞');
export const settingLabel = (s: PrivacySetting): string => `K=${s.minSessions} ε=${formatEpsilon(s.epsilon)}`;
export const rowName = (row: string, s: PrivacySetting): string => `${row} · ${settingLabel(s)}`;

/** The evaluation's aggregation with this K and ε (noise seeded per setting, so a rerun repeats it). */
export function settingSignalOptions(s: PrivacySetting, noiseSeed: number): AggregateOptions {
  return {
    ...MOVIE_SIGNAL_OPTIONS,
    minSessions: s.minSessions,
    ...(Number.isFinite(s.epsilon) ? { privacy: { epsilon: s.epsilon, seed: (noiseSeed + Math.round(s.epsilon * 1000)) >>> 0 } } : {}),
  };
}
