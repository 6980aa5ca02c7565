/**
 * The profile kept in this worker's memory only, for when IndexedDB cannot be used (a sandboxed
 * iframe, site data blocked, a profile database left at a newer version by another app, no
 * room to create it): the same API and the same validation as ProfileStore, nothing written
 * anywhere, everything gone with the worker. The engine says so in `ProfileSummary.notice`.
 */
import { exportAdhocItem, fromStoredAdhocItem, toStoredAdhocItem, type StoredAdhocItem } from './adhoc-item-record.ts';
import { toModelStateRecord } from './model-state-record.ts';
import { validateEvent } from './validate-event.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import { ProfileStore } from './profile-store.ts';
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

export class MemoryProfileStore extends ProfileStore {
  private eventList: ProfileEvent[] = [];
  private nextId = 1;
  private readonly adhoc = new Map<string, StoredAdhocItem>();
  private readonly models = new Map<string, ModelState>();
  private createdAt = Date.now();
  private readonly adopted = new Set<string>();

  constructor(
    options: ProfileStoreOptions,
    /** Why IndexedDB could not be used, for the notice. */
    readonly reason: string,
  ) {
    super(options);
  }

  override async ready(): Promise<void> {}

  override async addEvent(event: NewProfileEvent): Promise<ProfileEvent> {
    const stored = { ...validateEvent(event, Date.now()), id: this.nextId++ };
    this.eventList.push(stored);
    if (this.eventList.length > this.maxEvents) this.eventList = this.eventList.slice(-this.maxEvents);
    return { ...stored };
  }

  override async events(query: EventQuery = {}): Promise<ProfileEvent[]> {
    const { sinceId, sinceAt, limit, catalog, excludeTypes } = query;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`events: limit must be an integer >= 0, got ${limit}`);
    const found = this.eventList.filter(
      (e) =>
        (catalog === undefined || e.catalog === catalog) &&
        (excludeTypes === undefined || !excludeTypes.includes(e.type)) &&
        (sinceId === undefined || e.id > sinceId) &&
        (sinceAt === undefined || e.at >= sinceAt),
    );
    return (limit === undefined ? found : limit === 0 ? [] : found.slice(-limit)).map((e) => ({ ...e }));
  }

  /** As ProfileStore's, in memory (a profile that started in memory has no old keys, but the rule is the same). */
  override async adoptLegacyCatalogKey(oldKey: string, newKey: string): Promise<number> {
    if (oldKey === newKey || this.adopted.has(oldKey)) return 0;
    this.adopted.add(oldKey);
    const old = this.eventList.filter((e) => e.catalog === oldKey);
    for (const e of old) e.catalog = newKey;
    const model = this.models.get(`fusion:${oldKey}`);
    if (model && !this.models.has(`fusion:${newKey}`)) {
      this.models.set(`fusion:${newKey}`, { ...model, key: `fusion:${newKey}` });
      this.models.delete(`fusion:${oldKey}`);
    }
    return old.length;
  }

  override pendingCount(): number {
    return 0;
  }

  override dropPending(): void {}

  override async flushPending(): Promise<ProfileEvent[]> {
    return [];
  }

  override async putAdhocItem(item: NewAdhocItem): Promise<AdhocItem> {
    const stored = toStoredAdhocItem(item, Date.now());
    this.adhoc.delete(stored.id);
    this.adhoc.set(stored.id, stored);
    // As ProfileStore: the oldest examples beyond maxAdhocItems go (a Map keeps insertion order; ties by createdAt are rare).
    const byAge = [...this.adhoc.values()].filter((a) => a.id !== stored.id).sort((a, b) => a.createdAt - b.createdAt);
    for (const old of byAge.slice(0, this.adhoc.size - this.maxAdhocItems)) this.adhoc.delete(old.id);
    return fromStoredAdhocItem(stored);
  }

  override async deleteAdhocItems(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.adhoc.delete(id);
  }

  override async adhocItem(id: string): Promise<AdhocItem | undefined> {
    const stored = this.adhoc.get(id);
    return stored && fromStoredAdhocItem(stored);
  }

  override async adhocItems(): Promise<AdhocItem[]> {
    return [...this.adhoc.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map(fromStoredAdhocItem);
  }

  override async modelState(key: string): Promise<ModelState | undefined> {
    const state = this.models.get(key);
    return state && { ...state, weights: [...state.weights] };
  }

  override async putModelState(state: NewModelState): Promise<ModelState> {
    const record = toModelStateRecord(state, Date.now());
    this.models.set(record.key, record);
    return record;
  }

  override async counts(): Promise<ProfileCounts> {
    return { events: this.eventList.length, adhocItems: this.adhoc.size, modelStates: this.models.size };
  }

  override async exportData(): Promise<ProfileExport> {
    return {
      format: EXPORT_FORMAT,
      schemaVersion: SCHEMA_VERSION,
      exportedAt: Date.now(),
      createdAt: this.createdAt,
      events: this.eventList.map((e) => ({ ...e })),
      pendingEvents: [],
      adhocItems: [...this.adhoc.values()].map(exportAdhocItem),
      modelStates: [...this.models.values()],
    };
  }

  override async forget(): Promise<void> {
    this.eventList = [];
    this.adhoc.clear();
    this.models.clear();
    this.adopted.clear();
    this.createdAt = Date.now();
  }

  override async close(): Promise<void> {}
}
