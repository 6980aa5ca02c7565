import type { ProgressStage, ProgressUpdate } from '../protocol/progress.ts';

/** The latest state of one step (one backend probe, one file), as the loading view lists it: its last update. */
export type ProgressStep = ProgressUpdate;

/** Stage names for people, in the order they happen. */
export const STAGE_NAMES: Record<ProgressStage, string> = {
  backends: 'Measuring backends',
  assets: 'Asset manifest',
  catalog: 'Catalog',
  'shared-space': 'Shared space',
  model: 'Search models',
};

/** Most browsers offer all four tfjs backends (a forced one probes fewer; the engine's start then completes the part). */
const USUAL_BACKEND_COUNT = 4;
/** How much of the start-up bar each part takes: probing is slow, the catalog is most of the bytes. */
const ENGINE_WEIGHT = 0.35;

/**
 * Collects the engine's `ProgressUpdate`s into one step per (stage, label) and turns them into
 * the numbers a loading view shows: steps, bytes, and an overall fraction that never goes back.
 */
export class ProgressLog {
  private readonly byKey = new Map<string, ProgressStep>();
  private highWater = 0;

  add(update: ProgressUpdate): void {
    const key = `${update.stage}\u0000${update.label}`;
    const previous = this.byKey.get(key);
    this.byKey.set(key, {
      stage: update.stage,
      label: update.label,
      // Updates cross a worker boundary asynchronously; a late one must not move bytes backwards.
      loadedBytes: Math.max(previous?.loadedBytes ?? 0, update.loadedBytes),
      ...(update.totalBytes !== undefined ? { totalBytes: update.totalBytes } : previous?.totalBytes !== undefined ? { totalBytes: previous.totalBytes } : {}),
      done: update.done || (previous?.done ?? false),
      ...(update.fromCache !== undefined ? { fromCache: update.fromCache } : previous?.fromCache !== undefined ? { fromCache: previous.fromCache } : {}),
    });
  }

  /** Every step so far, in the order they started. */
  get steps(): ProgressStep[] {
    return [...this.byKey.values()];
  }

  stageSteps(stage: ProgressStage): ProgressStep[] {
    return this.steps.filter((s) => s.stage === stage);
  }

  /** Bytes loaded and expected over the steps of these stages (expected only where a step knows its size). */
  bytes(stages: readonly ProgressStage[]): { loaded: number; total: number } {
    let loaded = 0;
    let total = 0;
    for (const step of this.steps) {
      if (!stages.includes(step.stage)) continue;
      loaded += step.loadedBytes;
      total += step.totalBytes ?? step.loadedBytes;
    }
    return { loaded, total };
  }

  /**
   * How far start-up is, 0…1: the engine part (asset manifest and backend probes, complete once
   * the engine says it started) and, when a catalog is loading, its bytes.
   */
  fraction(withCatalog: boolean, engineStarted: boolean): number {
    const backends = this.stageSteps('backends');
    const assets = this.stageSteps('assets');
    const probed = backends.filter((s) => s.done).length / Math.max(backends.length, USUAL_BACKEND_COUNT);
    const assetsDone = assets.length > 0 && assets.every((s) => s.done) ? 1 : 0;
    const engine = engineStarted ? 1 : 0.15 * assetsDone + 0.85 * probed;
    let value = engine;
    if (withCatalog) {
      const { loaded, total } = this.bytes(['catalog', 'shared-space']);
      const catalog = total > 0 ? loaded / total : 0;
      value = ENGINE_WEIGHT * engine + (1 - ENGINE_WEIGHT) * catalog;
    }
    this.highWater = Math.max(this.highWater, Math.min(1, value));
    return this.highWater;
  }
}
