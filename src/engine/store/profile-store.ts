/**
 * The user's profile: events, ad-hoc items and the personal model, in IndexedDB inside the
 * engine worker and nowhere else. One ProfileStore per worker; other tabs have their own,
 * and IndexedDB transactions keep their concurrent writes whole.
 *
 * Connections are lazy and disposable: when another tab needs to upgrade or delete the
 * database, or the browser drops the connection, this store lets go at once and reopens
 * on the next call, so one tab never wedges the others.
 */
import { exportAdhocItem, fromStoredAdhocItem, toStoredAdhocItem, type StoredAdhocItem } from './adhoc-item-record.ts';
import { toModelStateRecord } from './model-state-record.ts';
import { deleteProfileDb, openProfileDb, type ProfileConnection } from './open-profile-db.ts';
import { PendingEvents } from './pending-events.ts';
import { DEFAULT_DB_NAME } from '../../protocol/profile.ts';
import { describeError, isQuotaError, ProfileStoreError } from './profile-store-error.ts';
import {
  EXPORT_FORMAT,
  type AdhocItem,
  type EventQuery,
  type ModelState,
  type NewAdhocItem,
  type NewModelState,
  type NewProfileEvent,
  type ProfileCounts,
  type ProfileEvent,
  type ProfileExport,
  type ProfileStoreOptions,
} from '../../protocol/profile.ts';
import { runTransaction } from './run-transaction.ts';
import { validateEvent, type EventRecord } from './validate-event.ts';
import { SerialQueue } from '../serial-queue.ts';

export { ProfileStoreError, profileStoreErrorCode, type ProfileStoreErrorCode } from './profile-store-error.ts';
export { MAX_MODEL_STATE_BYTES } from './model-state-record.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { DEFAULT_DB_NAME } from '../../protocol/profile.ts';
export type * from '../../protocol/profile.ts';
export { EVENT_TYPES, EXPORT_FORMAT } from '../../protocol/profile.ts';

export const DEFAULT_MAX_EVENTS = 5000;
export const DEFAULT_BLOCKED_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_PENDING_EVENTS = 1000;
/** Search examples kept (each is a vector of up to 8192 floats and a label): the newest 100. */
export const DEFAULT_MAX_ADHOC_ITEMS = 100;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`openProfileStore: ${name} must be an integer >= 1, got ${value}`);
  return value;
}

/** Opens (creating or migrating) the profile database; rejects with a ProfileStoreError it cannot. */
export async function openProfileStore(options: ProfileStoreOptions = {}): Promise<ProfileStore> {
  const store = new ProfileStore(options);
  await store.ready();
  return store;
}

export class ProfileStore {
  readonly dbName: string;
  readonly maxEvents: number;
  readonly blockedTimeoutMs: number;
  readonly maxAdhocItems: number;
  private readonly factory: IDBFactory | undefined;
  /** The open (or opening) connection; undefined means "open on next use". */
  private opening: Promise<ProfileConnection> | undefined;
  private connected: ProfileConnection | undefined;
  /** Set while forget() deletes the database: new work waits for it rather than recreating it midway. */
  private forgetting: Promise<void> | undefined;
  private closed = false;
  private skipped = 0;
  /** Writes of this store, one at a time, so the pending queue is flushed once and in order. */
  private readonly writes = new SerialQueue();
  private readonly pending: PendingEvents;

  constructor(options: ProfileStoreOptions = {}) {
    this.dbName = options.dbName ?? DEFAULT_DB_NAME;
    this.maxEvents = positiveInteger('maxEvents', options.maxEvents, DEFAULT_MAX_EVENTS);
    this.blockedTimeoutMs = positiveInteger('blockedTimeoutMs', options.blockedTimeoutMs, DEFAULT_BLOCKED_TIMEOUT_MS);
    this.factory = options.indexedDB;
    this.maxAdhocItems = positiveInteger('maxAdhocItems', options.maxAdhocItems, DEFAULT_MAX_ADHOC_ITEMS);
    this.pending = new PendingEvents(positiveInteger('maxPendingEvents', options.maxPendingEvents, DEFAULT_MAX_PENDING_EVENTS));
  }

  /** Resolves once the database is open (and migrated). */
  async ready(): Promise<void> {
    await this.connection();
  }

  // ---- events ----

  /**
   * Stores one event (after any pending ones) and trims the oldest beyond maxEvents in the
   * same transaction. On a full disk it rejects with 'quota-exceeded' but keeps the event
   * in memory (see pendingCount) and writes it with the next successful write.
   */
  async addEvent(event: NewProfileEvent): Promise<ProfileEvent> {
    const record = validateEvent(event, Date.now());
    return this.writes.run(async () => {
      const batch = [...this.pending.items(), record];
      try {
        const stored = await this.writeEvents(batch);
        this.pending.removeFirst(batch.length - 1);
        return stored[stored.length - 1]!;
      } catch (error) {
        if (!isQuotaError(error)) throw this.storeError(error, 'save the event');
        const dropped = this.pending.push(record);
        throw new ProfileStoreError(
          'quota-exceeded',
          `storage is full, so the event could not be saved yet. It is kept in memory (${this.pending.size} waiting` +
            `${dropped > 0 ? `; the ${dropped} oldest waiting were dropped` : ''}) and is saved with the next successful write. ` +
            "Free up disk space or clear other sites' data; forget() clears this profile.",
          { cause: error },
        );
      }
    });
  }

  /** Events oldest→newest (by id, i.e. recording order); `limit` keeps the newest N of the matches. */
  async events(query: EventQuery = {}): Promise<ProfileEvent[]> {
    const { sinceId, sinceAt, limit, catalog, excludeTypes } = query;
    if (sinceId !== undefined && !Number.isFinite(sinceId)) throw new RangeError(`events: sinceId must be a number, got ${sinceId}`);
    if (sinceAt !== undefined && !Number.isFinite(sinceAt)) throw new RangeError(`events: sinceAt must be a number, got ${sinceAt}`);
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`events: limit must be an integer >= 0, got ${limit}`);
    if (limit === 0) return [];
    const matches = (e: ProfileEvent): boolean =>
      (catalog === undefined || e.catalog === catalog) &&
      (excludeTypes === undefined || !excludeTypes.includes(e.type)) &&
      (sinceId === undefined || e.id > sinceId) &&
      (sinceAt === undefined || e.at >= sinceAt);
    return this.run('read events', (db) =>
      runTransaction(db, ['events'], 'readonly', async (tx) => {
        const store = tx.objectStore('events');
        if (sinceAt !== undefined) {
          // A time window: the index finds it; the ids put it back in recording order.
          const inWindow = (await store.index('by-at').getAll(IDBKeyRange.lowerBound(sinceAt))).flatMap(this.readEvent);
          const found = inWindow.filter(matches).sort((a, b) => a.id - b.id);
          return limit === undefined ? found : found.slice(-limit);
        }
        const range = sinceId === undefined ? null : IDBKeyRange.lowerBound(sinceId, true);
        if (limit === undefined) return (await store.getAll(range)).flatMap(this.readEvent).filter(matches);
        // Newest first until `limit` matches, so a small limit reads few records.
        const newest: ProfileEvent[] = [];
        for (let cursor = await store.openCursor(range, 'prev'); cursor && newest.length < limit; cursor = await cursor.continue()) {
          const [event] = this.readEvent(cursor.value);
          if (event && matches(event)) newest.push(event);
        }
        return newest.reverse();
      }),
    );
  }

  /**
   * Moves the events and personal model recorded under an old catalog key (the manifest's
   * `name`, used before catalogs were keyed by origin + path) to `newKey`, once per old key:
   * a marker in `meta` says it was done, so a later catalog that declares the same name gets
   * nothing. One transaction: all moved or none. Returns how many events moved.
   */
  async adoptLegacyCatalogKey(oldKey: string, newKey: string): Promise<number> {
    if (oldKey === newKey) return 0;
    const marker = `legacy-catalog:${oldKey}` as const;
    return this.writes.run(() =>
      this.run('move the old catalog history', (db) =>
        runTransaction(db, ['events', 'model-states', 'meta'], 'readwrite', async (tx) => {
          if (await tx.objectStore('meta').get(marker)) return 0;
          let moved = 0;
          for (let cursor = await tx.objectStore('events').openCursor(); cursor; cursor = await cursor.continue()) {
            if ((cursor.value as { catalog?: unknown }).catalog !== oldKey) continue;
            await cursor.update({ ...cursor.value, catalog: newKey });
            moved += 1;
          }
          const models = tx.objectStore('model-states');
          const oldModel = await models.get(`fusion:${oldKey}`);
          if (oldModel && !(await models.get(`fusion:${newKey}`))) {
            await models.put({ ...oldModel, key: `fusion:${newKey}` });
            await models.delete(`fusion:${oldKey}`);
          }
          await tx.objectStore('meta').put({ key: marker, value: Date.now() });
          return moved;
        }),
      ),
    );
  }

  /** Events waiting in memory because storage was full. */
  pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Stored records that failed validation on read (changed by hand, another program, a damaged
   * disk) and were skipped, since this store opened.
   */
  get skippedRecords(): number {
    return this.skipped;
  }

  /** A stored event, checked as a new one would be: `[event]`, or `[]` (counted) when it is not valid. */
  private readonly readEvent = (value: unknown): ProfileEvent[] => {
    try {
      const { id, ...rest } = (value ?? {}) as { id?: unknown };
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof (rest as { at?: unknown }).at !== 'number') throw new TypeError('no id or time');
      return [{ ...validateEvent(rest, Number.NaN), id }];
    } catch {
      this.skipped += 1;
      return [];
    }
  };

  /** A stored ad-hoc item, checked as a new one would be: `[item]`, or `[]` (counted) when it is not valid. */
  private readonly readAdhocItem = (value: StoredAdhocItem): AdhocItem[] => {
    try {
      if (!(value?.vector instanceof ArrayBuffer)) throw new TypeError('no vector');
      const checked = toStoredAdhocItem({ ...value, vector: new Float32Array(value.vector) } as NewAdhocItem, value.createdAt);
      return [fromStoredAdhocItem(checked)];
    } catch {
      this.skipped += 1;
      return [];
    }
  };

  /** Drop the events waiting in memory (the profile was forgotten in another tab: they must not be written back). */
  dropPending(): void {
    this.pending.clear();
  }

  /** Writes the pending events now (in order); returns them as stored. Rejects 'quota-exceeded' while still full. */
  flushPending(): Promise<ProfileEvent[]> {
    return this.writes.run(() => this.flushPendingNow());
  }

  // ---- ad-hoc items ----

  /**
   * Stores (or replaces) an ad-hoc item; the vector is copied, bit for bit. Beyond
   * maxAdhocItems the oldest (by createdAt) are deleted in the same transaction; events that
   * name a deleted example simply no longer find it.
   */
  async putAdhocItem(item: NewAdhocItem): Promise<AdhocItem> {
    const stored = toStoredAdhocItem(item, Date.now());
    return this.writes.run(async () => {
      await this.run('save the ad-hoc item', (db) =>
        runTransaction(db, ['adhoc-items'], 'readwrite', async (tx) => {
          const store = tx.objectStore('adhoc-items');
          await store.put(stored);
          if ((await store.count()) <= this.maxAdhocItems) return;
          const all = await store.getAll();
          const oldest = all.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)).filter((a) => a.id !== stored.id);
          for (const old of oldest.slice(0, all.length - this.maxAdhocItems)) await store.delete(old.id);
        }),
      );
      await this.flushPendingQuietly();
      return fromStoredAdhocItem(stored);
    });
  }

  /** Deletes these ad-hoc items (unknown ids are ignored); events that named them are then skipped by the history. */
  async deleteAdhocItems(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.writes.run(() =>
      this.run('delete ad-hoc items', (db) =>
        runTransaction(db, ['adhoc-items'], 'readwrite', async (tx) => {
          const items = tx.objectStore('adhoc-items');
          for (const id of ids) await items.delete(id);
        }),
      ),
    );
  }

  async adhocItem(id: string): Promise<AdhocItem | undefined> {
    const stored = await this.run('read the ad-hoc item', (db) =>
      runTransaction(db, ['adhoc-items'], 'readonly', (tx) => tx.objectStore('adhoc-items').get(id)),
    );
    return stored && this.readAdhocItem(stored)[0];
  }

  /** All ad-hoc items, by id. */
  async adhocItems(): Promise<AdhocItem[]> {
    const stored = await this.run('read the ad-hoc items', (db) =>
      runTransaction(db, ['adhoc-items'], 'readonly', (tx) => tx.objectStore('adhoc-items').getAll()),
    );
    return stored.flatMap(this.readAdhocItem);
  }

  // ---- personal model ----

  async modelState(key: string): Promise<ModelState | undefined> {
    return this.run('read the model state', (db) => runTransaction(db, ['model-states'], 'readonly', (tx) => tx.objectStore('model-states').get(key)));
  }

  /** Stores (or replaces) the model state of `state.key`; rejects 'too-large' above 64 KiB of JSON. */
  async putModelState(state: NewModelState): Promise<ModelState> {
    const record = toModelStateRecord(state, Date.now());
    return this.writes.run(async () => {
      await this.run('save the model state', (db) =>
        runTransaction(db, ['model-states'], 'readwrite', async (tx) => {
          await tx.objectStore('model-states').put(record);
        }),
      );
      await this.flushPendingQuietly();
      return record;
    });
  }

  // ---- the whole profile ----

  async counts(): Promise<ProfileCounts> {
    return this.run('count the profile', (db) =>
      runTransaction(db, ['events', 'adhoc-items', 'model-states'], 'readonly', async (tx) => {
        const [events, adhocItems, modelStates] = await Promise.all([
          tx.objectStore('events').count(),
          tx.objectStore('adhoc-items').count(),
          tx.objectStore('model-states').count(),
        ]);
        return { events, adhocItems, modelStates };
      }),
    );
  }

  /** Everything stored, as plain JSON-serialisable data, read in one transaction (a consistent snapshot). */
  async exportData(): Promise<ProfileExport> {
    return this.run('export the profile', (db) =>
      runTransaction(db, ['events', 'adhoc-items', 'model-states', 'meta'], 'readonly', async (tx) => {
        const [events, adhocItems, modelStates, createdAt] = await Promise.all([
          tx.objectStore('events').getAll(),
          tx.objectStore('adhoc-items').getAll(),
          tx.objectStore('model-states').getAll(),
          tx.objectStore('meta').get('createdAt'),
        ]);
        return {
          format: EXPORT_FORMAT,
          schemaVersion: db.version,
          exportedAt: Date.now(),
          createdAt: createdAt?.value ?? null,
          events: events.flatMap(this.readEvent),
          pendingEvents: this.pending.items(),
          adhocItems: adhocItems.map(exportAdhocItem),
          modelStates,
        };
      }),
    );
  }

  /**
   * Deletes the whole profile (database and pending events) and resolves once IndexedDB
   * reports it gone. The store stays usable: the next call starts an empty profile.
   * Rejects 'upgrade-blocked' if another tab holds the database past blockedTimeoutMs;
   * the deletion then completes when that tab lets go.
   */
  forget(): Promise<void> {
    return this.writes.run(async () => {
      this.pending.clear();
      const deleting = (async () => {
        this.dropConnection();
        await deleteProfileDb(this.factory, this.dbName, this.blockedTimeoutMs);
      })();
      this.forgetting = deleting;
      try {
        await deleting;
      } finally {
        if (this.forgetting === deleting) this.forgetting = undefined;
      }
    });
  }

  /** Closes the connection after the writes already asked for; later calls reject 'unavailable'. */
  async close(): Promise<void> {
    await this.writes.run(async () => {
      this.closed = true;
      this.dropConnection();
    });
  }

  // ---- internals ----

  private connection(): Promise<ProfileConnection> {
    if (this.closed) {
      return Promise.reject(new ProfileStoreError('unavailable', 'the profile store was closed; open a new one with openProfileStore().'));
    }
    if (this.forgetting) {
      const again = (): Promise<ProfileConnection> => this.connection();
      return this.forgetting.then(again, again);
    }
    if (!this.opening) {
      const opening = openProfileDb(this.factory, this.dbName, this.blockedTimeoutMs, {
        onBlocking: (db) => this.release(db),
        onTerminated: (db) => this.release(db),
      });
      this.opening = opening;
      opening.then(
        (db) => {
          if (this.opening === opening) this.connected = db;
          else db.close(); // closed or forgotten while opening
        },
        () => {
          if (this.opening === opening) this.opening = undefined; // let the next call try again
        },
      );
    }
    return this.opening;
  }

  /** Another tab needs the database, or the browser dropped it: let go, reopen on next use. */
  private release(db: ProfileConnection): void {
    db.close();
    if (this.connected === db) {
      this.connected = undefined;
      this.opening = undefined;
    }
  }

  private dropConnection(): void {
    this.connected?.close();
    this.connected = undefined;
    this.opening = undefined; // a still-pending open closes itself when it lands
  }

  /**
   * Runs `body` on the current connection. If that connection was released between being
   * handed out and use (db.transaction() throws InvalidStateError), retries once on a new one.
   */
  private async withConnection<T>(body: (db: ProfileConnection) => Promise<T>): Promise<T> {
    const db = await this.connection();
    try {
      return await body(db);
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'InvalidStateError' && this.connected !== db) {
        return body(await this.connection());
      }
      throw error;
    }
  }

  /** withConnection, with every failure turned into a ProfileStoreError that says what failed. */
  private async run<T>(what: string, body: (db: ProfileConnection) => Promise<T>): Promise<T> {
    try {
      return await this.withConnection(body);
    } catch (error) {
      throw this.storeError(error, what);
    }
  }

  private storeError(error: unknown, what: string): ProfileStoreError {
    if (error instanceof ProfileStoreError) return error;
    if (isQuotaError(error)) {
      return new ProfileStoreError('quota-exceeded', `storage is full, so could not ${what}. Free up disk space or clear other sites' data.`, { cause: error });
    }
    return new ProfileStoreError('unavailable', `could not ${what} (${describeError(error)}). Reload the page and try again.`, { cause: error });
  }

  /** Adds the events in order and trims the oldest beyond maxEvents, all in one transaction. */
  private writeEvents(batch: EventRecord[]): Promise<ProfileEvent[]> {
    return this.withConnection((db) =>
      runTransaction(db, ['events'], 'readwrite', async (tx) => {
        const store = tx.objectStore('events');
        const ids = await Promise.all(batch.map((event) => store.add(event)));
        const excess = (await store.count()) - this.maxEvents;
        if (excess > 0) {
          // Ids grow with insertion, so the first `excess` keys are the oldest events.
          const oldest = await store.getAllKeys(null, excess);
          await store.delete(IDBKeyRange.upperBound(oldest[oldest.length - 1]!));
        }
        return batch.map((event, i) => ({ ...event, id: ids[i]! }));
      }),
    );
  }

  private async flushPendingNow(): Promise<ProfileEvent[]> {
    const batch = this.pending.items();
    if (batch.length === 0) return [];
    try {
      const stored = await this.writeEvents(batch);
      this.pending.removeFirst(batch.length);
      return stored;
    } catch (error) {
      if (!isQuotaError(error)) throw this.storeError(error, 'save the pending events');
      throw new ProfileStoreError(
        'quota-exceeded',
        `storage is still full: ${batch.length} events stay in memory and are saved with the next successful write. Free up disk space.`,
        { cause: error },
      );
    }
  }

  /** After another successful write, try the pending events too; if still full they simply keep waiting. */
  private async flushPendingQuietly(): Promise<void> {
    if (this.pending.size === 0) return;
    try {
      await this.flushPendingNow();
    } catch {
      // Still waiting; pendingCount() says so.
    }
  }
}
