/**
 * How the engine picks its backends at start-up without making the page wait for slow probes:
 *
 * 1. A choice remembered for this browser, WebGPU adapter and engine version (remembered-choice.ts)
 *    is used after one small correctness check of that backend and kernel (mode `remembered`); when
 *    it is older than a day it is measured again in the background after the first recommendation.
 * 2. Otherwise every backend is measured now, except those behind a software adapter or renderer
 *    (SwiftShader and the like: their probe takes seconds and they lose anyway) and tfjs's plain-JS
 *    `cpu` backend where WASM works: these are measured in the background after the first
 *    recommendation (probe-worker.ts), and win then if they are faster.
 * 3. A forced backend (`?backend=`) is probed alone, as before.
 *
 * The int8 kernels (probe-int8-rankers.ts) are chosen the same way, by the same rules.
 */
import type { BackendCandidate, Int8RankerCandidate } from '../../protocol/engine-api.ts';
import { BACKEND_NAMES, isBackendName, type BackendName } from '../../protocol/backend-name.ts';
import { INT8_RANKER_NAMES, int8Ranker, isInt8RankerName, type Int8RankerName } from '../ranking/int8-rankers.ts';
import { chooseBackend, isUsable, type BackendChoice } from './choose-backend.ts';
import { describeCandidate } from '../../protocol/describe-backend-candidate.ts';
import { describeWebGlRenderer } from './describe-webgl-renderer.ts';
import { describeWebGpuAdapter } from './describe-webgpu-adapter.ts';
import { chooseInt8Ranker, makeInt8ProbeData, probeInt8Ranker, type Int8ProbeData } from './probe-int8-rankers.ts';
import { choiceKey, readRememberedChoice, REMEASURE_AFTER_MS, type RememberedChoice } from './remembered-choice.ts';

/** Rows of the quick check of a remembered backend (the full probe uses the engine's probeItems). */
export const CHECK_ITEMS = 2_000;
/** Rows of the int8 kernels' probe (int8 is cheap: the JS reference takes ~10 ms here). */
export const INT8_PROBE_ITEMS = 8_000;

export interface StartUpChoice {
  choice: BackendChoice;
  candidates: BackendCandidate[];
  int8Ranker: Int8RankerName;
  int8Candidates: Int8RankerCandidate[];
  /** Backends and kernels to measure in the background after the first recommendation (empty: none). */
  remeasure: { backends: BackendName[]; int8: Int8RankerName[] };
  /** Key of this browser's remembered choice. */
  key: string;
  /** Whether the choice should be stored now (a complete measurement made at start-up). */
  rememberNow: boolean;
}

export interface StartUpOptions {
  override: string | undefined;
  remember: boolean;
  probeBackend: (name: BackendName, items: number, runs: number) => Promise<BackendCandidate>;
  probeItems: number;
  now: number;
}

const SOFTWARE_NOTE = 'measured in the background after the first recommendation';

export async function chooseAtStartUp(options: StartUpOptions): Promise<StartUpChoice> {
  const gpu = await describeWebGpuAdapter();
  const adapterText = 'adapter' in gpu ? `${gpu.adapter.vendor} ${gpu.adapter.architecture} ${gpu.adapter.description}` : 'no webgpu';
  const key = choiceKey(typeof navigator === 'undefined' ? 'node' : navigator.userAgent, adapterText);
  const { override } = options;
  const int8Probe = makeInt8ProbeData(INT8_PROBE_ITEMS);

  if (isBackendName(override)) {
    const candidates = [await options.probeBackend(override, options.probeItems, 3)];
    if (!isUsable(candidates[0]!))
      candidates.push(
        ...(await probeAll(
          BACKEND_NAMES.filter((b) => b !== override),
          options,
        )),
      );
    const int8Candidates = await probeInt8All(INT8_RANKER_NAMES, int8Probe);
    return {
      choice: chooseBackend(candidates, override),
      candidates,
      int8Ranker: chooseInt8(int8Candidates),
      int8Candidates,
      remeasure: { backends: [], int8: [] },
      key,
      rememberNow: false,
    };
  }

  const remembered = options.remember ? await readRememberedChoice(key) : undefined;
  if (remembered && isInt8RankerName(remembered.int8Ranker)) {
    const checked = await options.probeBackend(remembered.backend, CHECK_ITEMS, 1);
    const kernel = await probeInt8One(remembered.int8Ranker, makeInt8ProbeData(CHECK_ITEMS), 1);
    if (isUsable(checked) && kernel.correct === true) {
      const age = options.now - remembered.measuredAt;
      const stale = age > REMEASURE_AFTER_MS;
      const candidates = remembered.candidates.map((c) => (c.name === checked.name ? { ...c, correct: true } : c));
      const summary = remembered.candidates.map(describeCandidate).join('; ');
      const choice: BackendChoice = {
        backend: remembered.backend,
        mode: 'remembered',
        reason: `measured on this browser and adapter ${describeAge(age)} (${summary}); checked now${stale ? ', measuring again in the background' : ''}`,
        notices:
          override !== undefined && override !== ''
            ? [`Unknown backend "${override}": expected one of ${BACKEND_NAMES.join(', ')}. Using the measured choice instead.`]
            : [],
      };
      return {
        choice,
        candidates,
        int8Ranker: remembered.int8Ranker,
        int8Candidates: remembered.int8Candidates,
        remeasure: stale ? { backends: [...BACKEND_NAMES], int8: [...INT8_RANKER_NAMES] } : { backends: [], int8: [] },
        key,
        rememberNow: false,
      };
    }
  }

  // Measure now, except behind software adapters.
  const deferred = new Map<BackendName, string>();
  if ('adapter' in gpu && gpu.adapter.software)
    deferred.set('webgpu', `software adapter (${gpu.adapter.architecture || gpu.adapter.description || 'unknown'}): ${SOFTWARE_NOTE}`);
  const gl = describeWebGlRenderer();
  if ('renderer' in gl && gl.software) deferred.set('webgl', `software renderer (${gl.renderer}): ${SOFTWARE_NOTE}`);
  const candidates = await probeAll(
    BACKEND_NAMES.filter((b) => !deferred.has(b) && b !== 'cpu'),
    options,
  );
  // tfjs's plain-JS backend does WASM's arithmetic without SIMD: where WASM works it is measured later.
  const wasm = candidates.find((c) => c.name === 'wasm');
  if (wasm && isUsable(wasm)) deferred.set('cpu', `plain JS, slower than WebAssembly wherever that works: ${SOFTWARE_NOTE}`);
  else candidates.push(...(await probeAll(['cpu'], options)));
  for (const [name, why] of deferred)
    candidates.push({ name, available: true, deferred: why, ...(name === 'webgpu' && 'adapter' in gpu ? { adapter: gpu.adapter } : {}) });
  const int8Deferred: Int8RankerName[] = deferred.has('webgpu') ? ['webgpu'] : [];
  const int8Candidates = await probeInt8All(
    INT8_RANKER_NAMES.filter((n) => !int8Deferred.includes(n)),
    int8Probe,
  );
  for (const name of int8Deferred) int8Candidates.push({ name, available: true, deferred: deferred.get('webgpu')! });
  const choice = chooseBackend(candidates, override);
  return {
    choice,
    candidates,
    int8Ranker: chooseInt8(int8Candidates),
    int8Candidates,
    remeasure: { backends: [...deferred.keys()], int8: int8Deferred },
    key,
    rememberNow: options.remember && deferred.size === 0,
  };
}

async function probeAll(names: readonly BackendName[], options: StartUpOptions): Promise<BackendCandidate[]> {
  const out: BackendCandidate[] = [];
  for (const name of names) out.push(await options.probeBackend(name, options.probeItems, 3));
  return out;
}

export async function probeInt8One(name: Int8RankerName, probe: Int8ProbeData, runs = 3): Promise<Int8RankerCandidate> {
  const ranker = await int8Ranker(name);
  if ('problem' in ranker) return { name, available: false, problem: ranker.problem };
  return probeInt8Ranker(ranker, probe, runs);
}

async function probeInt8All(names: readonly Int8RankerName[], probe: Int8ProbeData): Promise<Int8RankerCandidate[]> {
  const out: Int8RankerCandidate[] = [];
  for (const name of names) out.push(await probeInt8One(name, probe, 7));
  return out;
}

function chooseInt8(candidates: Int8RankerCandidate[]): Int8RankerName {
  const name = chooseInt8Ranker(candidates);
  return isInt8RankerName(name) ? name : 'js';
}

/** Merge background measurements into the start-up ones (a re-measured name replaces its entry). */
export function mergeCandidates<T extends { name: string }>(before: T[], after: T[]): T[] {
  const names = new Set(after.map((c) => c.name));
  return [...before.filter((c) => !names.has(c.name)), ...after];
}

export function rememberedRecord(
  key: string,
  backend: BackendName,
  int8: Int8RankerName,
  candidates: BackendCandidate[],
  int8Candidates: Int8RankerCandidate[],
  now: number,
): RememberedChoice {
  return { key, backend, int8Ranker: int8, measuredAt: now, candidates, int8Candidates };
}

function describeAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}
