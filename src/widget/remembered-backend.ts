import type { BackendReport } from '../protocol/engine-api.ts';
import { isBackendName, type BackendName } from '../protocol/backend-name.ts';

/**
 * The engine measures every tfjs backend when it starts (seconds on a machine without a GPU,
 * most of a widget's start). The widget keeps the measured winner in this origin's
 * localStorage and asks for it directly on later visits, so a returning shopper's engine
 * probes one backend instead of four; it measures again after a week, and at once when the
 * remembered one stops working (the engine then falls back to measuring by itself).
 */
const KEY = 'ondevice-recs:backend';
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export function rememberedBackend(): BackendName | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as { backend?: unknown; measuredAt?: unknown } | null;
    if (!stored || !isBackendName(stored.backend) || typeof stored.measuredAt !== 'number') return undefined;
    return Date.now() - stored.measuredAt < MAX_AGE_MS ? stored.backend : undefined;
  } catch {
    // Storage disabled (privacy settings, sandboxed frame) or unreadable: just measure.
    return undefined;
  }
}

/** Keep the engine's choice when it came from measuring (not from a forced or a fallback start). */
export function rememberBackend(report: BackendReport): void {
  if (report.mode !== 'measured') return;
  try {
    localStorage.setItem(KEY, JSON.stringify({ backend: report.backend, measuredAt: Date.now() }));
  } catch {
    // Nothing to keep it in: the next visit measures again.
  }
}
