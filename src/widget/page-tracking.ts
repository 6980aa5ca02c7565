import { VisibilityTracker, type SeenInteraction, type TrackedElements } from './visibility-tracker.ts';
import { allSessions } from './shared-engine-registry.ts';

/**
 * One tracker of catalog items per page, however many widgets it has: host elements marked
 * `data-rec-item-id`; a view is stored once, in every catalog on the page that has the item
 * (a catalog without it refuses it, quietly). It runs while at least one widget is connected;
 * with several `dwell-ms` values the shortest applies.
 */
const DEFAULT_DWELL_MS = 1000;
const members = new Map<object, number>();
let tracker: VisibilityTracker<string> | undefined;

/** Host elements marked with a catalog item id: the id is the item. */
export const CATALOG_ITEM_ELEMENTS: TrackedElements<string> = {
  selector: '[data-rec-item-id]',
  attributes: ['data-rec-item-id'],
  read(element) {
    const id = element.getAttribute('data-rec-item-id');
    return id ? { key: id, item: id } : undefined;
  },
};

export function joinPageTracking(member: object, dwellMs: number): void {
  members.set(member, validDwell(dwellMs));
  const shortest = Math.min(...members.values());
  if (!tracker) {
    tracker = new VisibilityTracker(document, shortest, CATALOG_ITEM_ELEMENTS, forwardToSessions);
    tracker.start();
  } else {
    tracker.setDwellMs(shortest);
  }
}

export function leavePageTracking(member: object): void {
  members.delete(member);
  if (members.size > 0) {
    tracker?.setDwellMs(Math.min(...members.values()));
    return;
  }
  tracker?.stop();
  tracker = undefined;
}

function forwardToSessions(interaction: SeenInteraction<string>): void {
  const extra = interaction.type === 'view' ? { dwellMs: interaction.dwellMs } : undefined;
  for (const session of allSessions()) {
    // Unknown items (another catalog's) and sessions that failed to start are not the host page's problem.
    session.track(interaction.type, interaction.item, extra).catch(() => undefined);
  }
}

/** A `dwell-ms` the trackers can use: the default for a missing or negative one. */
export function validDwell(dwellMs: number): number {
  return Number.isFinite(dwellMs) && dwellMs >= 0 ? dwellMs : DEFAULT_DWELL_MS;
}
