import type { BackendCandidate } from '../../protocol/engine-api.ts';
import { BACKEND_NAMES, isBackendName, type BackendName } from '../../protocol/backend-name.ts';
import { describeCandidate } from '../../protocol/describe-backend-candidate.ts';

export interface BackendChoice {
  backend: BackendName;
  mode: 'measured' | 'forced' | 'remembered';
  reason: string;
  notices: string[];
}

/** Started, produced the exact reference ranking, and was timed. */
export function isUsable(c: BackendCandidate): boolean {
  return c.available && c.correct === true && c.medianMs !== undefined;
}

/**
 * Pick the backend: a valid, usable override wins; otherwise the fastest candidate whose
 * probe ranking matched the exact reference. Pure, so the policy is unit-tested.
 */
export function chooseBackend(candidates: BackendCandidate[], override: string | undefined): BackendChoice {
  const notices: string[] = [];
  const ranked = candidates.filter(isUsable).sort((a, b) => a.medianMs! - b.medianMs!);
  const measuredSummary = candidates.map(describeCandidate).join('; ');
  if (override !== undefined && override !== '') {
    if (!isBackendName(override)) {
      notices.push(`Unknown backend "${override}": expected one of ${BACKEND_NAMES.join(', ')}. Choosing by measurement instead.`);
    } else {
      const forced = candidates.find((c) => c.name === override);
      if (forced && isUsable(forced)) {
        return { backend: forced.name, mode: 'forced', reason: `forced by configuration (${describeCandidate(forced)})`, notices };
      }
      notices.push(
        `Backend "${override}" was requested but cannot be used here (${forced ? describeCandidate(forced) : 'not probed'}). Choosing by measurement instead.`,
      );
    }
  }
  const best = ranked[0];
  if (!best) throw new Error(`No tfjs backend works in this browser: ${measuredSummary}`);
  return { backend: best.name, mode: 'measured', reason: `fastest correct backend on the ranking probe: ${measuredSummary}`, notices };
}
