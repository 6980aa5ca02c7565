import type { BackendCandidate } from './engine-api.ts';

/** `webgpu 12.3 ms (software: swiftshader)` — one candidate in words. */
export function describeCandidate(c: BackendCandidate): string {
  const adapter = c.adapter ? ` (${c.adapter.software ? 'software adapter' : 'GPU'}: ${c.adapter.architecture || c.adapter.vendor || 'unknown'})` : '';
  if (!c.available) return `${c.name} unavailable: ${c.problem ?? 'unknown reason'}`;
  if (c.deferred !== undefined && c.medianMs === undefined) return `${c.name} not measured yet: ${c.deferred}`;
  if (c.correct === false) return `${c.name} wrong results: ${c.problem ?? ''}`.trim();
  return `${c.name} ${c.medianMs?.toFixed(1)} ms${adapter}`;
}
