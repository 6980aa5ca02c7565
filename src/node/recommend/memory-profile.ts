/**
 * One request line's profile, held in memory (Node has no IndexedDB, and a batch run must not
 * carry one user's history into the next line): the part of the worker's ProfileStore the
 * recommender uses (RecommenderProfile), with the store's own validation of events, ad-hoc
 * items and model states, so a history the worker would refuse is refused here too.
 * A new MemoryProfile per line; nothing is written anywhere.
 */
import type { RecommenderProfile } from '../../engine/recommend/on-device-recommender.ts';
import { toModelStateRecord } from '../../engine/store/model-state-record.ts';
import { fromStoredAdhocItem, toStoredAdhocItem } from '../../engine/store/adhoc-item-record.ts';
import { validateEvent } from '../../engine/store/validate-event.ts';
import type { AdhocItem, EventQuery, ModelState, NewAdhocItem, NewModelState, NewProfileEvent, ProfileEvent } from '../../protocol/profile.ts';

export class MemoryProfile implements RecommenderProfile {
  private readonly stored: ProfileEvent[] = [];
  private readonly adhoc = new Map<string, AdhocItem>();
  private readonly states = new Map<string, ModelState>();

  constructor(private readonly now: () => number = Date.now) {}

  async addEvent(event: NewProfileEvent): Promise<ProfileEvent> {
    const record: ProfileEvent = { ...validateEvent(event, this.now()), id: this.stored.length + 1 };
    this.stored.push(record);
    return { ...record };
  }

  /** Oldest→newest (recording order), filtered and limited as ProfileStore.events does. */
  async events(query: EventQuery = {}): Promise<ProfileEvent[]> {
    const { sinceId, sinceAt, limit, catalog } = query;
    const found = this.stored.filter((e) => (catalog === undefined || e.catalog === catalog) && (sinceId === undefined || e.id > sinceId) && (sinceAt === undefined || e.at >= sinceAt));
    const kept = limit === undefined ? found : limit === 0 ? [] : found.slice(-limit);
    return kept.map((e) => ({ ...e }));
  }

  /** Nothing ever waits: memory does not run out of quota. */
  pendingCount(): number {
    return 0;
  }

  async putAdhocItem(item: NewAdhocItem): Promise<AdhocItem> {
    const stored = fromStoredAdhocItem(toStoredAdhocItem(item, this.now()));
    this.adhoc.set(stored.id, stored);
    return stored;
  }

  async adhocItem(id: string): Promise<AdhocItem | undefined> {
    return this.adhoc.get(id);
  }

  async adhocItems(): Promise<AdhocItem[]> {
    return [...this.adhoc.values()];
  }

  async modelState(key: string): Promise<ModelState | undefined> {
    return this.states.get(key);
  }

  async putModelState(state: NewModelState): Promise<ModelState> {
    const record = toModelStateRecord(state, this.now());
    this.states.set(record.key, record);
    return record;
  }
}
