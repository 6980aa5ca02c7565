/**
 * The personal model is a handful of fusion weights. A hard size cap keeps a buggy learner
 * from filling the user's disk one update at a time.
 */
import { ProfileStoreError } from './profile-store-error.ts';
import type { ModelState, NewModelState } from '../../protocol/profile.ts';
import { MAX_ID_LENGTH } from '../../protocol/limits.ts';

export const MAX_MODEL_STATE_BYTES = 64 * 1024;
/** A model key is a short prefix (`fusion:`) and a profile key, which MAX_ID_LENGTH bounds. */
const MAX_MODEL_KEY_LENGTH = MAX_ID_LENGTH + 32;

function fail(field: string, problem: string): never {
  throw new ProfileStoreError('invalid-record', `model state field "${field}" ${problem}.`);
}

function nonNegativeInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) fail(field, 'must be an integer >= 0');
  return value;
}

/** Validates, copies and measures (UTF-8 bytes of its JSON, the form it is exported in). */
export function toModelStateRecord(input: NewModelState, now: number): ModelState {
  if (typeof input !== 'object' || input === null) fail('(state)', 'must be an object');
  if (typeof input.key !== 'string' || input.key.length === 0 || input.key.length > MAX_MODEL_KEY_LENGTH) {
    fail('key', `must be a non-empty string of at most ${MAX_MODEL_KEY_LENGTH} characters`);
  }
  if (!Array.isArray(input.weights)) fail('weights', 'must be an array of numbers');
  const weights = input.weights.map((w, i) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) fail(`weights[${i}]`, 'must be a finite number');
    return w;
  });
  const updatedAt = input.updatedAt ?? now;
  if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt) || updatedAt < 0) fail('updatedAt', 'must be a finite ms epoch >= 0');
  const state: ModelState = {
    key: input.key,
    version: nonNegativeInteger('version', input.version),
    weights,
    updates: nonNegativeInteger('updates', input.updates),
    updatedAt,
  };
  const bytes = new TextEncoder().encode(JSON.stringify(state)).byteLength;
  if (bytes > MAX_MODEL_STATE_BYTES) {
    throw new ProfileStoreError(
      'too-large',
      `model state "${state.key}" is ${bytes} bytes as JSON (${weights.length} weights); the limit is ` +
        `${MAX_MODEL_STATE_BYTES} bytes (64 KiB). It was not saved: keep the personal model to a few weights.`,
    );
  }
  return state;
}
