/**
 * Schema upgrades, one step per version, run in order inside IndexedDB's versionchange
 * transaction (all or nothing: a failed step leaves the old database untouched).
 * To change the layout, append a step; never edit a shipped one, because users' databases
 * were built by exactly that code.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { describeError } from './profile-store-error.ts';

/** Raw handles: a step sees the layout of its own time, not the current typed schema. */
type AnyDb = IDBPDatabase<unknown>;
type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

export interface Migration {
  /** The version this step produces (from version - 1). */
  version: number;
  what: string;
  migrate(db: AnyDb, tx: UpgradeTx): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'events, ad-hoc items (vectors as number[]), model states, meta',
    async migrate(db, tx) {
      db.createObjectStore('events', { keyPath: 'id', autoIncrement: true });
      db.createObjectStore('adhoc-items', { keyPath: 'id' });
      db.createObjectStore('model-states', { keyPath: 'key' });
      db.createObjectStore('meta', { keyPath: 'key' });
      await tx.objectStore('meta').put({ key: 'createdAt', value: Date.now() });
    },
  },
  {
    version: 2,
    // number[] cost ~9 bytes per value in structured clone and was not bit-exact by type;
    // an ArrayBuffer costs 4. The index makes "events since time t" a range read.
    what: 'events by-at index; ad-hoc vectors stored as ArrayBuffer',
    async migrate(_db, tx) {
      tx.objectStore('events').createIndex('by-at', 'at');
      let cursor = await tx.objectStore('adhoc-items').openCursor();
      while (cursor) {
        const item = cursor.value as { vector: unknown };
        if (Array.isArray(item.vector)) {
          await cursor.update({ ...item, vector: Float32Array.from(item.vector as number[]).buffer });
        }
        cursor = await cursor.continue();
      }
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

// Steps are numbered 1…n without gaps: a gap would skip an upgrade for someone.
MIGRATIONS.forEach((step, i) => {
  if (step.version !== i + 1) throw new Error(`migrations.ts: step ${i} has version ${step.version}, expected ${i + 1}`);
});

/** Runs the steps after `oldVersion`, then records the version in meta. */
export async function runMigrations(db: AnyDb, oldVersion: number, tx: UpgradeTx): Promise<void> {
  for (const step of MIGRATIONS) {
    if (step.version <= oldVersion) continue;
    try {
      await step.migrate(db, tx);
    } catch (error) {
      throw new Error(`profile schema upgrade to v${step.version} (${step.what}) failed: ${describeError(error)}`, { cause: error });
    }
  }
  await tx.objectStore('meta').put({ key: 'schemaVersion', value: SCHEMA_VERSION });
}
