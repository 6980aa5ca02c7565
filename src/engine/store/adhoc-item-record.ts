/**
 * Ad-hoc items as IndexedDB holds them: the vector as an ArrayBuffer copy (compact,
 * bit-exact, and never aliasing the caller's Float32Array, which may be transferred or
 * reused after the call).
 */
import type { Modality } from '../../protocol/embedding.ts';
import { ProfileStoreError } from './profile-store-error.ts';
import type { AdhocEncoder, AdhocItem, NewAdhocItem, ProfileExport } from '../../protocol/profile.ts';
import { MAX_ID_LENGTH } from './validate-event.ts';

/** Larger than any encoder this app ships (≤ 1024 dims); a bigger vector is a bug. */
export const MAX_ADHOC_DIMS = 8192;
const MAX_LABEL_LENGTH = 2048;

export interface StoredAdhocItem {
  id: string;
  modality: Modality;
  vector: ArrayBuffer;
  encoder: AdhocEncoder;
  label?: string;
  createdAt: number;
}

function fail(field: string, problem: string): never {
  throw new ProfileStoreError('invalid-record', `ad-hoc item field "${field}" ${problem}.`);
}

function nonEmpty(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string' || value.length === 0) fail(field, 'must be a non-empty string');
  if (value.length > max) fail(field, `must be at most ${max} characters`);
  return value;
}

/** Validates and copies; the stored vector shares no memory with `item.vector`. */
export function toStoredAdhocItem(item: NewAdhocItem, now: number): StoredAdhocItem {
  if (typeof item !== 'object' || item === null) fail('(item)', 'must be an object');
  const id = nonEmpty('id', item.id, MAX_ID_LENGTH);
  if (item.modality !== 'text' && item.modality !== 'image' && item.modality !== 'audio') {
    fail('modality', "must be 'text', 'image' or 'audio'");
  }
  const encoder = item.encoder as Partial<AdhocEncoder> | undefined;
  if (typeof encoder !== 'object' || encoder === null) fail('encoder', 'must be { name, version, dims }');
  const dims = encoder.dims;
  if (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1 || dims > MAX_ADHOC_DIMS) {
    fail('encoder.dims', `must be an integer 1…${MAX_ADHOC_DIMS}`);
  }
  const vector = item.vector;
  if (!(vector instanceof Float32Array)) fail('vector', 'must be a Float32Array');
  if (vector.length !== dims) fail('vector', `has ${vector.length} values but encoder.dims is ${dims}`);
  if (!vector.every(Number.isFinite)) fail('vector', 'must contain only finite numbers');
  const createdAt = item.createdAt ?? now;
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt) || createdAt < 0) fail('createdAt', 'must be a finite ms epoch >= 0');
  const stored: StoredAdhocItem = {
    id,
    modality: item.modality,
    // slice() copies exactly this view's bytes, even when the view is a window on a larger buffer.
    vector: vector.slice().buffer,
    encoder: {
      name: nonEmpty('encoder.name', encoder.name, 256),
      version: nonEmpty('encoder.version', encoder.version, 256),
      dims,
    },
    createdAt,
  };
  if (item.label !== undefined) {
    if (typeof item.label !== 'string') fail('label', 'must be a string');
    if (item.label.length > MAX_LABEL_LENGTH) fail('label', `must be at most ${MAX_LABEL_LENGTH} characters`);
    stored.label = item.label;
  }
  return stored;
}

export function fromStoredAdhocItem(stored: StoredAdhocItem): AdhocItem {
  return { ...stored, encoder: { ...stored.encoder }, vector: new Float32Array(stored.vector) };
}

/**
 * float32 → JSON number is exact, and Math.fround of it gives the same bits back. JSON has
 * no -0, so -0 is written as 0 here, which keeps the export equal to its own JSON round trip.
 */
export function exportAdhocItem(stored: StoredAdhocItem): ProfileExport['adhocItems'][number] {
  const vector = Array.from(new Float32Array(stored.vector), (x) => (x === 0 ? 0 : x));
  return { ...stored, encoder: { ...stored.encoder }, vector };
}
