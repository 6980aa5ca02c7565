import { DwellTracker, type ObservedInteraction } from './dwell-tracker.ts';
import { allSessions } from './shared-engine-registry.ts';

/**
 * One dwell tracker per page, however many widgets it has: a view is stored once, in every
 * catalog on the page that has the item (a catalog without it refuses it, quietly). It runs
 * while at least one widget is connected; with several `dwell-ms` values the shortest applies.
 */
const DEFAULT_DWELL_MS = 1000;
const members = new Map<object, number>();
let tracker: DwellTracker | undefined;

export function joinPageTracking(member: object, dwellMs: number): void {
  members.set(member, validDwell(dwellMs));
  const shortest = Math.min(...members.values());
  if (!tracker) {
    tracker = new DwellTracker(document, shortest, forwardToSessions);
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

function forwardToSessions(interaction: ObservedInteraction): void {
  const extra = interaction.type === 'view' ? { dwellMs: interaction.dwellMs } : undefined;
  for (const session of allSessions()) {
    // Unknown items (another catalog's) and sessions that failed to start are not the host page's problem.
    session.track(interaction.type, interaction.itemId, extra).catch(() => undefined);
  }
}

function validDwell(dwellMs: number): number {
  return Number.isFinite(dwellMs) && dwellMs >= 0 ? dwellMs : DEFAULT_DWELL_MS;
}
