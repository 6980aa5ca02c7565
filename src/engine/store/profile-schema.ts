/**
 * The current IndexedDB layout (see migrations.ts for how older layouts reach it).
 * Store names are part of the on-disk format: never rename one without a migration.
 */
import type { DBSchema } from 'idb';
import type { StoredAdhocItem } from './adhoc-item-record.ts';
import type { ModelState } from '../../protocol/profile.ts';
import type { EventRecord } from './validate-event.ts';

/** Small facts about the database itself. */
export interface MetaRecord {
  /** `legacy-catalog:<name>`: when the events of that old, name-based catalog key were moved (ProfileStore.adoptLegacyCatalogKey). */
  key: 'createdAt' | 'schemaVersion' | `legacy-catalog:${string}`;
  value: number;
}

export interface ProfileDb extends DBSchema {
  /** Auto-increment id: insertion order survives clock changes; `by-at` serves time windows. */
  events: { key: number; value: EventRecord & { id?: number }; indexes: { 'by-at': number } };
  'adhoc-items': { key: string; value: StoredAdhocItem };
  'model-states': { key: string; value: ModelState };
  meta: { key: MetaRecord['key']; value: MetaRecord };
}
