import * as tf from '@tensorflow/tfjs';
import type { BackendCandidate, BackendReport } from '../protocol/engine-api.ts';
import { BACKEND_NAMES, type BackendName } from '../protocol/backend-name.ts';
import { describeCandidate } from '../protocol/describe-backend-candidate.ts';
import type { ProgressListener } from '../protocol/progress.ts';
import { activateBackend } from './backends/activate-backend.ts';
import { chooseBackend } from './backends/choose-backend.ts';
import { makeProbeData, probeBackend, type ProbeData } from './backends/probe-backend.ts';
import { chooseAtStartUp, mergeCandidates, rememberedRecord } from './backends/start-up-choice.ts';
import { chooseInt8Ranker } from './backends/probe-int8-rankers.ts';
import { rememberChoice } from './backends/remembered-choice.ts';
import { measureInBackground } from './backends/measure-in-background.ts';
import { int8Ranker, isInt8RankerName, type Int8RankerName } from './ranking/int8-rankers.ts';
import type { Int8Ranker } from './ranking/int8-matrix.ts';
import type { SerialQueue } from './serial-queue.ts';

/** Rows of the start-up probe (× 256 dims): enough to tell backends apart, small enough not to delay start-up. */
export const DEFAULT_PROBE_ITEMS = 10_000;

/**
 * What the engine holds on the current tfjs backend. The one list of backend resources: a
 * backend switch and a lost WebGPU device both release exactly these.
 */
export interface BackendResources {
  /** Release every tensor uploaded to the current backend (each is uploaded again on its next use). */
  release(): void;
  /** Dispose the encoders' models: their weights live on the backend that loaded them. */
  disposeEncoders(): Promise<void>;
}

/** How the backends are chosen at start-up (see `EngineConfig`). */
export interface BackendStartOptions {
  override: string | undefined;
  remember: boolean;
  probeItems: number;
  assetsBaseUrl: string;
}

/**
 * The tfjs backend and int8 kernel the engine runs on: chosen at start-up, measured again in the
 * background after the first recommendation, and replaced when the WebGPU device is lost. Every
 * state change runs on the engine's queue, so no call sees a backend change under it.
 */
export class BackendLifecycle {
  private report: BackendReport | undefined;
  private candidates: BackendCandidate[] = [];
  /** The int8 ranking kernel chosen by the start-up probe. */
  private int8: Int8Ranker | undefined;
  /** Set by the WebGPU device's `lost` promise, before the fallback runs. */
  private deviceLost: string | undefined;
  /** What to measure in the background after the first recommendation, and this browser's key for remembering. */
  private remeasure: { backends: BackendName[]; int8: Int8RankerName[]; key: string; remember: boolean } | undefined;
  private readonly probeData = new Map<number, ProbeData>();
  private probeItems = DEFAULT_PROBE_ITEMS;
  private assetsBaseUrl = '';

  constructor(
    private readonly queue: SerialQueue,
    private readonly resources: BackendResources,
  ) {}

  /** Whether `start` has finished. */
  get started(): boolean {
    return this.report !== undefined;
  }

  /** Choose the backend and int8 kernel (measured, remembered or forced) and switch to it. */
  async start(options: BackendStartOptions, progress: ProgressListener | undefined): Promise<BackendReport> {
    this.probeItems = options.probeItems;
    this.assetsBaseUrl = options.assetsBaseUrl;
    const started = await chooseAtStartUp({
      override: options.override,
      remember: options.remember,
      probeItems: this.probeItems,
      now: Date.now(),
      probeBackend: async (name, items, runs) => {
        const candidate = await probeBackend(name, this.probeDataOf(items), runs);
        progress?.({ stage: 'backends', label: `${name} backend`, loadedBytes: 0, done: true });
        return candidate;
      },
    });
    this.candidates = started.candidates;
    const kernel = await int8Ranker(started.int8Ranker);
    const int8 = 'problem' in kernel ? ((await int8Ranker('js')) as Int8Ranker) : kernel;
    this.int8 = int8;
    if (started.remeasure.backends.length + started.remeasure.int8.length > 0)
      this.remeasure = { ...started.remeasure, key: started.key, remember: options.remember };
    if (started.rememberNow)
      void rememberChoice(rememberedRecord(started.key, started.choice.backend, started.int8Ranker, started.candidates, started.int8Candidates, Date.now()));
    const choice = started.choice;
    await this.switchTo(choice.backend);
    this.report = { ...choice, candidates: this.candidates, int8: { ranker: int8.name, candidates: started.int8Candidates } };
    return this.report;
  }

  requireReport(): BackendReport {
    if (!this.report) throw new Error('engine is not initialised: call init() first');
    return this.report;
  }

  /** The int8 ranking kernel chosen at start-up (IVF partitions, int8 item vectors). */
  int8Ranker(): Int8Ranker {
    this.requireReport();
    if (!this.int8) throw new Error('engine: the int8 kernel is missing after start-up');
    return this.int8;
  }

  /** The backends measured available and correct: what a benchmark times by default. */
  usableBackends(): BackendName[] {
    return this.candidates.filter((c) => c.available && c.correct !== false).map((c) => c.name);
  }

  /** Activate `name` and release what the previous backend held. */
  async switchTo(name: BackendName): Promise<void> {
    const problem = await activateBackend(name);
    if (problem) throw new Error(`could not switch to backend ${name}: ${problem}`);
    this.resources.release();
    if (name === 'webgpu') this.watchDeviceLoss();
  }

  /**
   * Run a call on the current backend; if it failed because the WebGPU device was lost under
   * it, fall back right away and run it once more, so the caller never sees the loss.
   */
  async servingThroughDeviceLoss<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (error) {
      if (this.report?.backend !== 'webgpu') throw error;
      // A GPU call fails first; the device's `lost` promise settles a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!this.deviceLost) throw error;
      await this.fallBackFromLostDevice();
      return task();
    }
  }

  /**
   * After the first recommendation: measure what start-up skipped (software adapters) or what was
   * remembered too long ago, in a worker of its own (probe-worker.ts) so no call waits for it;
   * switch if another backend won, and remember the result.
   */
  startBackgroundRemeasure(): void {
    const plan = this.remeasure;
    if (!plan) return;
    this.remeasure = undefined;
    void (async () => {
      const { candidates: measured, int8Candidates: int8Measured } = await measureInBackground({
        assetsBaseUrl: this.assetsBaseUrl,
        backends: plan.backends,
        int8: plan.int8,
        probeItems: this.probeItems,
      });
      await this.queue.run(async () => {
        const report = this.requireReport();
        if (report.mode === 'forced' || report.mode === 'fallback') return;
        this.candidates = mergeCandidates(this.candidates, measured);
        const choice = chooseBackend(this.candidates, undefined);
        const int8Candidates = mergeCandidates(report.int8?.candidates ?? [], int8Measured);
        const int8Name = chooseInt8RankerName(int8Candidates);
        const kernel = await int8Ranker(int8Name);
        if (!('problem' in kernel)) this.int8 = kernel;
        if (choice.backend !== report.backend) await this.switchTo(choice.backend);
        this.report = {
          ...report,
          ...(choice.backend !== report.backend ? choice : {}),
          candidates: this.candidates,
          int8: { ranker: this.int8Ranker().name, candidates: int8Candidates },
        };
        if (plan.remember) await rememberChoice(rememberedRecord(plan.key, this.report.backend, int8Name, this.candidates, int8Candidates, Date.now()));
      });
    })().catch(() => {
      // A failed background measurement leaves the working choice as it is.
    });
  }

  private probeDataOf(items: number): ProbeData {
    let data = this.probeData.get(items);
    if (!data) {
      data = makeProbeData(items);
      this.probeData.set(items, data);
    }
    return data;
  }

  /** Probe each backend in turn; `progress` hears of each one once it is measured (stage `backends`). */
  private async probe(names: readonly BackendName[], progress?: ProgressListener): Promise<BackendCandidate[]> {
    const probeData = makeProbeData(this.probeItems);
    const out: BackendCandidate[] = [];
    for (const name of names) {
      out.push(await probeBackend(name, probeData));
      progress?.({ stage: 'backends', label: `${name} backend`, loadedBytes: 0, done: true });
    }
    return out;
  }

  private watchDeviceLoss(): void {
    const device = webGpuDevice();
    if (!device) return;
    void device.lost.then((info) => {
      this.deviceLost = `${info.reason}: ${info.message || 'no message'}`;
      void this.queue.run(() => this.fallBackFromLostDevice());
    });
  }

  /** The GPU went away (driver reset, tab backgrounded too long, destroy()): keep serving on the next best backend. */
  private async fallBackFromLostDevice(): Promise<void> {
    if (this.report?.backend !== 'webgpu') return;
    const why = this.deviceLost ?? 'unknown reason';
    this.resources.release();
    await this.resources.disposeEncoders();
    try {
      tf.removeBackend('webgpu');
    } catch {
      // The backend may already be half torn down with its device; it is unusable either way.
    }
    const webgpu = this.candidates.find((c) => c.name === 'webgpu');
    if (!webgpu) throw new Error('engine: running on WebGPU without a WebGPU candidate');
    const lost: BackendCandidate = { ...webgpu, available: false, problem: `device lost (${why})` };
    const others = this.candidates.filter((c) => c.name !== 'webgpu');
    const unprobed = BACKEND_NAMES.filter((b) => b !== 'webgpu' && !others.some((c) => c.name === b));
    this.candidates = [lost, ...others, ...(await this.probe(unprobed))];
    const choice = chooseBackend(this.candidates, undefined);
    await this.switchTo(choice.backend);
    const chosen = this.candidates.find((c) => c.name === choice.backend);
    if (!chosen) throw new Error(`engine: chose backend ${choice.backend}, which is not among the candidates`);
    this.report = {
      backend: choice.backend,
      mode: 'fallback',
      reason: `WebGPU device lost (${why}); now on ${describeCandidate(chosen)}, the fastest remaining backend`,
      candidates: this.candidates,
      notices: [...(this.report?.notices ?? []), `The WebGPU device was lost (${why}); recommendations continue on ${choice.backend}.`],
    };
  }
}

/** The WebGPU device of the active tfjs backend, when that backend is WebGPU. */
export function webGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GPUDevice }).device;
}

function chooseInt8RankerName(candidates: Parameters<typeof chooseInt8Ranker>[0]): Int8RankerName {
  const name = chooseInt8Ranker(candidates);
  return isInt8RankerName(name) ? name : 'js';
}
