/**
 * How a catalog's collaborative `signals` were protected when the builder aggregated the
 * shop's interaction log (src/node/catalog/private-aggregates.ts; the accounting is in
 * docs/privacy.md). Recorded in the manifest as `signals.privacy`, shown by the demo's privacy
 * panel. No Node APIs here: the worker parses it with the rest of the manifest.
 */
import { CatalogFormatError } from './vector-codec.ts';
import { describe, isObject, type Json } from './json-checks.ts';
import type { ShopperDataPrivacy } from '../../protocol/engine-api.ts';

/** Calibrated noise on every shipped count: (ε, δ)-differential privacy per session. */
export interface SignalsNoise {
  mechanism: 'laplace';
  /** Total privacy budget ε over every released statistic (basic composition). */
  epsilon: number;
  /** Chance the pair lists reveal a pair only one session had (0 < δ < 1); popularity alone is pure ε. */
  delta: number;
  /** A session counts at most this many distinct items (its first ones, in time order). */
  maxItemsPerSession: number;
  /** A session adds at most this many co-occurrence pairs, and at most this many transitions. */
  maxPairsPerSession: number;
}

export interface SignalsPrivacy {
  /** K: items and pairs seen in fewer distinct sessions are not shipped (with noise: fewer noisy sessions). */
  minSessions: number;
  /** Absent: exact counts (ε = ∞). */
  noise?: SignalsNoise;
}

/** `signals.privacy` of a manifest; throws CatalogFormatError naming the field. */
export function parseSignalsPrivacy(source: string, json: unknown): SignalsPrivacy {
  const fail = (where: string, problem: string): never => {
    throw new CatalogFormatError(`${source}: signals.privacy${where}: ${problem}`);
  };
  if (!isObject(json)) return fail('', `must be an object (got ${describe(json)})`);
  only(json, ['minSessions', 'noise'], (key) => fail('', `unknown field "${key}"`));
  const minSessions = json.minSessions;
  if (typeof minSessions !== 'number' || !Number.isSafeInteger(minSessions) || minSessions < 1) {
    fail('', `field "minSessions" must be an integer ≥ 1 (got ${describe(minSessions)})`);
  }
  const out: SignalsPrivacy = { minSessions: minSessions as number };
  if (json.noise === undefined) return out;
  const noise = json.noise;
  if (!isObject(noise)) return fail('.noise', `must be an object (got ${describe(noise)})`);
  only(noise, ['mechanism', 'epsilon', 'delta', 'maxItemsPerSession', 'maxPairsPerSession'], (key) => fail('.noise', `unknown field "${key}"`));
  if (noise.mechanism !== 'laplace') fail('.noise', `field "mechanism" must be "laplace" (got ${describe(noise.mechanism)})`);
  const positive = (key: string, integer: boolean, below?: number): number => {
    const value = noise[key];
    const ok =
      typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isSafeInteger(value)) && (below === undefined || value < below);
    if (!ok)
      fail(
        '.noise',
        `field "${key}" must be ${integer ? 'an integer ≥ 1' : below === undefined ? 'a finite number > 0' : `a number > 0 and < ${below}`} (got ${describe(value)})`,
      );
    return value as number;
  };
  out.noise = {
    mechanism: 'laplace',
    epsilon: positive('epsilon', false),
    delta: positive('delta', false, 1),
    maxItemsPerSession: positive('maxItemsPerSession', true),
    maxPairsPerSession: positive('maxPairsPerSession', true),
  };
  return out;
}

function only(json: Json, keys: readonly string[], unknown: (key: string) => void): void {
  for (const key of Object.keys(json)) if (!keys.includes(key)) unknown(key);
}

/** The load summary's `shopperPrivacy` field (spread into it; nothing when the catalog has no record). */
export function shopperPrivacy(privacy: SignalsPrivacy | undefined): { shopperPrivacy?: ShopperDataPrivacy } {
  if (!privacy) return {};
  return { shopperPrivacy: { minSessions: privacy.minSessions, ...(privacy.noise ? { epsilon: privacy.noise.epsilon, delta: privacy.noise.delta } : {}) } };
}
