import type { Browser, BrowserContext, Page, Request } from '@playwright/test';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serveShopPage, withoutWidget } from '../e2e/shop-page.ts';
import { formatTable } from './format-table.ts';
import { waitForRememberedChoice } from './catalog-load-benchmark.ts';
import { summarize } from '../src/engine/backends/timing-stats.ts';
import type { TimingStats } from '../src/protocol/engine-api.ts';
import { itemAt } from '../src/shared/item-at.ts';

/** One file of the widget's deployment, and when a shop page loads it. */
export interface WidgetFileRow {
  file: string;
  role: 'entry' | 'entry import' | 'worker' | 'worker chunk' | 'tfjs' | 'lazy worker chunk' | 'wasm';
  bytes: number;
  gzipBytes: number;
}

export interface WidgetVisitRow {
  visit: 'cold' | 'warm';
  /** From navigation start to the first `recs-update` (the first list on screen). */
  firstRecommendationMs: TimingStats;
  /** From navigation start to `recs-ready` (engine started, catalog loaded). */
  readyMs: TimingStats;
  /** The host page's `load` event (the engine starts after it). */
  loadEventMs: TimingStats;
  /** Response bodies received over HTTP until the first list, page and worker, as sent (compressed; median). */
  bytesFetched: number;
}

export interface WidgetPaintRow {
  page: 'without widget' | 'with widget';
  firstContentfulPaintMs: TimingStats;
  loadEventMs: TimingStats;
}

export interface WidgetBenchmark {
  files: WidgetFileRow[];
  /** The entry module and its static imports: what the snippet itself costs the shop page. */
  pageBytes: number;
  pageGzipBytes: number;
  visits: WidgetVisitRow[];
  paint: WidgetPaintRow[];
}

const ENTRY = 'ondevice-recs.js';

/**
 * The widget as a shop sees it (`BENCH_SECTIONS=widget`): the size of what the snippet loads
 * (the entry module and its static imports, from dist/) next to what the worker loads lazily;
 * the time from navigation to the first recommendation on the example shop, in a fresh
 * browser context (cold) and again in the same context (warm: HTTP cache, catalog Cache API);
 * and the shop page's first contentful paint with and without the snippet.
 */
export async function benchmarkWidget(browser: Browser, appUrl: string, runs: number, distDir = 'dist'): Promise<WidgetBenchmark | undefined> {
  if (!existsSync(join(distDir, ENTRY))) {
    console.log(`Widget: ${distDir}/${ENTRY} is not built (npm run build builds it)\n`);
    return undefined;
  }
  const files = widgetFiles(distDir);
  const onPage = files.filter((f) => f.role === 'entry' || f.role === 'entry import');
  const pageBytes = sum(onPage.map((f) => f.bytes));
  const pageGzipBytes = sum(onPage.map((f) => f.gzipBytes));
  console.log(
    `Widget files (${distDir}/): the page loads ${kB(pageBytes)} kB (${kB(pageGzipBytes)} kB gzip); everything else loads in the worker, after the page's load event`,
  );
  console.log(
    formatTable(
      ['file', 'loaded', 'kB', 'kB gzip'],
      files.map((f) => [f.file, f.role, f.bytes / 1000, f.gzipBytes / 1000]),
    ),
  );
  console.log('');

  const shopUrl = new URL('example-shop/', appUrl).href;
  const visits = await timeFirstRecommendation(browser, shopUrl, runs);
  const [cold, warm] = visits;
  console.log(`Example shop, time to the first recommendation (median of ${runs}; fresh context, then the same context again)`);
  console.log(
    formatTable(
      ['', 'cold ms', 'warm ms', 'cold ÷ warm'],
      [
        [
          'first recommendation',
          cold.firstRecommendationMs.medianMs,
          warm.firstRecommendationMs.medianMs,
          cold.firstRecommendationMs.medianMs / warm.firstRecommendationMs.medianMs,
        ],
        ['engine + catalog ready', cold.readyMs.medianMs, warm.readyMs.medianMs, cold.readyMs.medianMs / warm.readyMs.medianMs],
        ['page load event', cold.loadEventMs.medianMs, warm.loadEventMs.medianMs, cold.loadEventMs.medianMs / warm.loadEventMs.medianMs],
        ['kB transferred until then', cold.bytesFetched / 1000, warm.bytesFetched / 1000, warm.bytesFetched > 0 ? cold.bytesFetched / warm.bytesFetched : '–'],
      ],
    ),
  );
  console.log('');

  const paint = await timeFirstPaint(browser, shopUrl, runs);
  const [plain, withWidget] = paint;
  console.log(`Example shop, first contentful paint and load event without and with the snippet (median of ${runs} fresh contexts)`);
  console.log(
    formatTable(
      ['', 'without ms', 'with ms', 'with ÷ without'],
      [
        [
          'first contentful paint',
          plain.firstContentfulPaintMs.medianMs,
          withWidget.firstContentfulPaintMs.medianMs,
          withWidget.firstContentfulPaintMs.medianMs / plain.firstContentfulPaintMs.medianMs,
        ],
        ['load event', plain.loadEventMs.medianMs, withWidget.loadEventMs.medianMs, withWidget.loadEventMs.medianMs / plain.loadEventMs.medianMs],
      ],
    ),
  );
  console.log('');
  return { files, pageBytes, pageGzipBytes, visits, paint };
}

/** The entry, its static imports, the worker, its static imports (tfjs), its lazy chunks, and the tfjs wasm binaries it may fetch. */
function widgetFiles(distDir: string): WidgetFileRow[] {
  const row = (file: string, role: WidgetFileRow['role']): WidgetFileRow => {
    const bytes = readFileSync(join(distDir, file));
    return { file, role, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  };
  const entryImports = staticImports(distDir, ENTRY);
  const entryCode = readFileSync(join(distDir, ENTRY), 'utf8');
  const worker = /["'`](?:\.\/)?(ondevice-recs\/engine-worker-[\w-]+\.js)["'`]/.exec(entryCode)?.[1];
  if (!worker) throw new Error(`${ENTRY} names no engine worker file`);
  const workerImports = staticImports(distDir, worker);
  const lazy = dynamicImports(distDir, [worker, ...workerImports]);
  const wasm = existsSync(join(distDir, 'tfjs-wasm'))
    ? readdirSync(join(distDir, 'tfjs-wasm'))
        .filter((n) => n.endsWith('.wasm'))
        .map((n) => `tfjs-wasm/${n}`)
    : [];
  return [
    row(ENTRY, 'entry'),
    ...entryImports.map((file) => row(file, 'entry import')),
    row(worker, 'worker'),
    ...workerImports.map((file) => row(file, /\/tfjs-[\w-]+\.js$/.test(file) ? 'tfjs' : 'worker chunk')),
    ...lazy.map((file) => row(file, 'lazy worker chunk')),
    ...wasm.filter((file) => statSync(join(distDir, file)).isFile()).map((file) => row(file, 'wasm')),
  ];
}

/** Chunks these modules load with `import()` (and what those import), as dist-relative paths. */
function dynamicImports(distDir: string, files: string[]): string[] {
  const found = new Set<string>();
  const queue = [...files];
  const known = new Set(files);
  while (queue.length > 0) {
    const file = queue.shift()!;
    const code = readFileSync(join(distDir, file), 'utf8');
    for (const match of code.matchAll(/\bimport\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g)) {
      const target = posix.normalize(posix.join(posix.dirname(file), itemAt(match, 1)));
      for (const chunk of [target, ...staticImports(distDir, target)]) {
        if (known.has(chunk)) continue;
        known.add(chunk);
        found.add(chunk);
        queue.push(chunk);
      }
    }
  }
  return [...found];
}

/** Files a module imports statically (transitively), as dist-relative paths; dynamic `import()`s are left out. */
function staticImports(distDir: string, file: string, seen = new Set<string>()): string[] {
  const code = readFileSync(join(distDir, file), 'utf8');
  const found: string[] = [];
  for (const match of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'`](\.{1,2}\/[^"'`]+)["'`]/g)) {
    const target = posix.normalize(posix.join(posix.dirname(file), itemAt(match, 1)));
    if (seen.has(target)) continue;
    seen.add(target);
    found.push(target, ...staticImports(distDir, target, seen));
  }
  return found;
}

async function timeFirstRecommendation(browser: Browser, shopUrl: string, runs: number): Promise<[WidgetVisitRow, WidgetVisitRow]> {
  const samples = { cold: [] as VisitSample[], warm: [] as VisitSample[] };
  for (let run = 0; run < runs; run++) {
    // At this size no product is in view, so no dwell event refreshes the list while it is timed.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      await recordWidgetTimes(context);
      const page = await context.newPage();
      samples.cold.push(await visit(context, page, shopUrl));
      // A returning shopper: the engine has kept its measured backend (after the first list).
      await waitForRememberedChoice(page);
      samples.warm.push(await visit(context, page, shopUrl));
    } finally {
      await context.close();
    }
  }
  const row = (visitName: 'cold' | 'warm', list: VisitSample[]): WidgetVisitRow => ({
    visit: visitName,
    firstRecommendationMs: summarize(list.map((s) => s.firstRecommendationMs)),
    readyMs: summarize(list.map((s) => s.readyMs)),
    loadEventMs: summarize(list.map((s) => s.loadEventMs)),
    bytesFetched: summarize(list.map((s) => s.bytesFetched)).medianMs,
  });
  return [row('cold', samples.cold), row('warm', samples.warm)];
}

interface VisitSample {
  firstRecommendationMs: number;
  readyMs: number;
  loadEventMs: number;
  bytesFetched: number;
}

/** Navigate to the shop and wait for the widget's first list; times are from navigation start. */
async function visit(context: BrowserContext, page: Page, shopUrl: string): Promise<VisitSample> {
  const sizes: Array<Promise<number>> = [];
  const count = (request: Request) => {
    sizes.push(
      request.sizes().then(
        (s) => s.responseBodySize,
        () => 0,
      ),
    );
  };
  context.on('requestfinished', count);
  try {
    await page.goto('about:blank');
    await page.goto(shopUrl);
    const handle = await page.waitForFunction(
      () => (window as unknown as { widgetTimes?: WidgetTimes }).widgetTimes?.done && (window as unknown as { widgetTimes: WidgetTimes }).widgetTimes,
      undefined,
      { timeout: 300_000 },
    );
    const times = (await handle.jsonValue()) as WidgetTimes;
    if (times.error) throw new Error(`the widget failed on ${shopUrl}: ${times.error}`);
    return { firstRecommendationMs: times.first, readyMs: times.ready, loadEventMs: times.load, bytesFetched: sum(await Promise.all(sizes)) };
  } finally {
    context.off('requestfinished', count);
  }
}

interface WidgetTimes {
  done: boolean;
  ready: number;
  first: number;
  load: number;
  error?: string;
}

/** Records, from the very start of every page of the context, when the widget was ready and showed its first list. */
async function recordWidgetTimes(context: BrowserContext): Promise<void> {
  // No named inner functions: tsx would wrap them in a helper the page does not have.
  await context.addInitScript(() => {
    const times: WidgetTimes = { done: false, ready: NaN, first: NaN, load: NaN };
    (window as unknown as { widgetTimes: WidgetTimes }).widgetTimes = times;
    document.addEventListener('recs-ready', () => void (times.ready = performance.now()), { once: true });
    document.addEventListener(
      'recs-update',
      () => {
        times.first = performance.now();
        times.load = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd;
        times.done = true;
      },
      { once: true },
    );
    document.addEventListener(
      'recs-error',
      (event) => {
        times.error = (event as CustomEvent<{ message: string }>).detail.message;
        times.done = true;
      },
      { once: true },
    );
  });
}

async function timeFirstPaint(browser: Browser, shopUrl: string, runs: number): Promise<[WidgetPaintRow, WidgetPaintRow]> {
  const samples = { plain: [] as Array<{ fcp: number; load: number }>, widget: [] as Array<{ fcp: number; load: number }> };
  // Alternate, so both pages share whatever else the machine is doing.
  for (let run = 0; run < runs; run++) {
    for (const withWidget of [false, true]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      try {
        const page = await context.newPage();
        // Both pages go through the same interception, so only the snippet differs.
        await serveShopPage(page, new URL(shopUrl).pathname, withWidget ? (html) => html : withoutWidget);
        await page.goto(shopUrl, { waitUntil: 'load' });
        const sample = await page.evaluate(async () => {
          const fcp = await new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const entry = list.getEntriesByName('first-contentful-paint')[0];
              if (entry) resolve(entry.startTime);
            }).observe({ type: 'paint', buffered: true });
          });
          const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          return { fcp, load: navigation.loadEventEnd };
        });
        (withWidget ? samples.widget : samples.plain).push(sample);
      } finally {
        await context.close();
      }
    }
  }
  const row = (page: WidgetPaintRow['page'], list: Array<{ fcp: number; load: number }>): WidgetPaintRow => ({
    page,
    firstContentfulPaintMs: summarize(list.map((s) => s.fcp)),
    loadEventMs: summarize(list.map((s) => s.load)),
  });
  return [row('without widget', samples.plain), row('with widget', samples.widget)];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const kB = (bytes: number) => (bytes / 1000).toFixed(1);
