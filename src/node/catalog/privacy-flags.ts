/**
 * The catalog CLI's privacy flags for the aggregated interaction log: `--min-sessions K`
 * (default 5), `--epsilon E` (a number > 0, or `inf` for exact counts) and `--noise-seed N`
 * (a reproducible build; without it the seed comes from the operating system and is never
 * written anywhere, since whoever knows it can remove the noise). See docs/privacy.md.
 */
import { randomInt } from 'node:crypto';
import type { AggregateOptions } from './aggregate-interactions.ts';

export const PRIVACY_FLAGS = ['min-sessions', 'epsilon', 'noise-seed'];

/** The flags → aggregation options; `fail` throws the CLI's usage error. */
export function privacyOptions(
  flags: { value(name: string): string | undefined },
  fail: (message: string) => never,
): Pick<AggregateOptions, 'minSessions' | 'privacy'> {
  const out: Pick<AggregateOptions, 'minSessions' | 'privacy'> = {};
  const k = flags.value('min-sessions');
  if (k !== undefined) {
    if (!/^\d+$/.test(k) || Number(k) < 1) fail(`--min-sessions must be an integer ≥ 1 (got "${k}")`);
    out.minSessions = Number(k);
  }
  const epsilon = flags.value('epsilon');
  const seed = flags.value('noise-seed');
  if (seed !== undefined && (!/^\d+$/.test(seed) || Number(seed) > 0xffffffff)) fail(`--noise-seed must be an integer from 0 to 4294967295 (got "${seed}")`);
  if (epsilon === undefined) {
    if (seed !== undefined) fail('--noise-seed seeds the noise of --epsilon: give --epsilon E');
    return out;
  }
  if (/^(inf|infinity|∞)$/i.test(epsilon)) return out;
  const value = /^\d+(\.\d+)?$/.test(epsilon) ? Number(epsilon) : NaN;
  if (!(value > 0)) fail(`--epsilon must be a number > 0, or inf for exact counts (got "${epsilon}")`);
  out.privacy = { epsilon: value, seed: seed !== undefined ? Number(seed) : randomInt(0, 0xffffffff) };
  return out;
}
