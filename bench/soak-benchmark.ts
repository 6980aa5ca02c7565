import type { Browser } from '@playwright/test';
import { formatTable } from './format-table.ts';
import { openJsHeapProbe } from './js-heap-probe.ts';

/** One sample, taken every `sampleEvery` recommend calls. */
export interface SoakSample {
  events: number;
  calls: number;
  /** tf.memory().numTensors in the engine worker. */
  tensors: number;
  pageHeapBytes: number;
  /** The engine worker's JS heap (tfjs wasm memory is outside it). */
  workerHeapBytes: number;
  /** navigator.storage.estimate().usageDetails.indexedDB (Chromium), the origin's IndexedDB bytes. */
  indexedDbBytes: number;
  /** What the profile holds (recs.profile()). */
  profileEvents: number;
}

export interface SoakLatency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SoakBenchmark {
  events: number;
  calls: number;
  backend: string;
  catalogItems: number;
  modes: Record<string, number>;
  samples: SoakSample[];
  /** recommend() latency of the first and the last hundred calls. */
  first: SoakLatency;
  last: SoakLatency;
  trackMs: SoakLatency;
  /** Every recommend() call's time, in call order. */
  recommendMs: number[];
  seconds: number;
}

const percentile = (times: number[], p: number) => {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const latency = (times: number[]): SoakLatency => ({ p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: Math.max(...times) });

/**
 * Issue 11's soak run: one demo page, `events` tracked events and `calls` recommend calls through
 * the public API (`window.recs`, the Recommender the demo built), interleaved as a long visit
 * would be (seeded, so every run is the same sequence). Not a timed test: the bench shows whether
 * tensors, heaps and IndexedDB stay bounded and whether the last calls are slower than the first.
 */
export async function benchmarkSoak(browser: Browser, appUrl: string, events = 10_000, calls = 1_000, sampleEvery = 100): Promise<SoakBenchmark> {
  const context = await browser.newContext();
  const started = performance.now();
  try {
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[soak page] ${msg.text()}`);
    });
    await page.goto(appUrl);
    await page.waitForFunction(() => document.body.dataset.catalog !== undefined, undefined, { timeout: 300_000 });
    if ((await page.evaluate(() => document.body.dataset.catalog)) !== 'ready') throw new Error('soak: the demo catalog did not load');
    // tsx (esbuild, keepNames) wraps named functions inside the evaluated callbacks in __name().
    await page.evaluate('globalThis.__name ??= (f) => f');
    const probe = await openJsHeapProbe(page);
    const { backend, catalogItems } = await page.evaluate(async () => ({
      backend: (await window.recs!.backend()).backend,
      catalogItems: (await window.recs!.items()).length,
    }));
    const samples: SoakSample[] = [];
    const sample = async (eventsDone: number, callsDone: number) => {
      const heap = await probe.sample();
      const inPage = await page.evaluate(async () => {
        const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
        return {
          tensors: await window.engine!.api.tensorCount(),
          indexedDbBytes: estimate.usageDetails?.indexedDB ?? NaN,
          profileEvents: (await window.recs!.profile()).events,
        };
      });
      samples.push({
        events: eventsDone,
        calls: callsDone,
        ...inPage,
        pageHeapBytes: heap.pageUsedBytes,
        workerHeapBytes: heap.workerUsedBytes.reduce((a, b) => a + b, 0),
      });
    };
    await sample(0, 0);
    const recommendTimes: number[] = [];
    const trackTimes: number[] = [];
    const modes: Record<string, number> = {};
    const eventsPerCall = events / calls;
    for (let done = 0; done < calls; done += sampleEvery) {
      const batch = await page.evaluate(
        async ({ from, count, eventsPerCall }) => {
          // Seeded per call index so the run is the same each time (mulberry32).
          const rng = (seed: number) => () => {
            seed = (seed + 0x6d2b79f5) | 0;
            let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          };
          const recs = window.recs!;
          const ids = (await recs.items()).map((item) => item.id);
          const types = ['view', 'view', 'view', 'view', 'click', 'click', 'add-to-cart', 'remove-from-cart', 'purchase', 'dismiss'] as const;
          const recommendMs: number[] = [];
          const trackMs: number[] = [];
          const modes: string[] = [];
          for (let call = from; call < from + count; call++) {
            const random = rng(call + 1);
            for (let e = Math.round(call * eventsPerCall); e < Math.round((call + 1) * eventsPerCall); e++) {
              const type = types[Math.floor(random() * types.length)]!;
              const id = ids[Math.floor(random() * ids.length)]!;
              const start = performance.now();
              await recs.track(type, id, type === 'view' ? { dwellMs: Math.round(1000 + random() * 20_000) } : undefined);
              trackMs.push(performance.now() - start);
            }
            // Mostly the personal ranking, as a shop page calls it; some item pages and popular lists.
            const pick = random();
            const request =
              pick < 0.7
                ? { mode: 'for-you' as const, k: 8 }
                : pick < 0.9
                  ? { mode: 'similar' as const, k: 8, itemId: ids[Math.floor(random() * ids.length)]! }
                  : { mode: 'popular' as const, k: 8 };
            const start = performance.now();
            const items = await recs.recommend(request);
            recommendMs.push(performance.now() - start);
            if (items.length === 0) throw new Error(`soak: recommend(${JSON.stringify(request)}) returned nothing at call ${call}`);
            modes.push(request.mode);
          }
          return { recommendMs, trackMs, modes };
        },
        { from: done, count: Math.min(sampleEvery, calls - done), eventsPerCall },
      );
      recommendTimes.push(...batch.recommendMs);
      trackTimes.push(...batch.trackMs);
      for (const mode of batch.modes) modes[mode] = (modes[mode] ?? 0) + 1;
      await sample(trackTimes.length, recommendTimes.length);
    }
    await probe.close();
    const result: SoakBenchmark = {
      events: trackTimes.length,
      calls: recommendTimes.length,
      backend,
      catalogItems,
      modes,
      samples,
      first: latency(recommendTimes.slice(0, 100)),
      last: latency(recommendTimes.slice(-100)),
      trackMs: latency(trackTimes),
      recommendMs: recommendTimes,
      seconds: (performance.now() - started) / 1000,
    };
    printSoak(result);
    return result;
  } finally {
    await context.close();
  }
}

export function printSoak(s: SoakBenchmark): void {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  console.log(
    `Soak: one demo page, ${s.events.toLocaleString('en')} tracked events and ${s.calls.toLocaleString('en')} recommend calls through the public API (${Object.entries(
      s.modes,
    )
      .map(([m, n]) => `${m} ${n}`)
      .join(', ')}; catalog of ${s.catalogItems} items; engine on ${s.backend}; ${s.seconds.toFixed(0)} s). Heaps after a forced GC.`,
  );
  console.log(
    formatTable(
      ['events', 'calls', 'tensors', 'worker heap MiB', 'page heap MiB', 'IndexedDB MiB', 'profile events'],
      s.samples.map((r) => [r.events, r.calls, r.tensors, mb(r.workerHeapBytes), mb(r.pageHeapBytes), mb(r.indexedDbBytes), r.profileEvents]),
    ),
  );
  console.log(
    formatTable(
      ['recommend()', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['first 100 calls', s.first.p50Ms, s.first.p99Ms, s.first.maxMs],
        ['last 100 calls', s.last.p50Ms, s.last.p99Ms, s.last.maxMs],
        ['track() (all)', s.trackMs.p50Ms, s.trackMs.p99Ms, s.trackMs.maxMs],
      ],
    ),
  );
  console.log('');
}
