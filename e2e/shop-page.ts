import type { BrowserContext, Locator, Page } from '@playwright/test';
import type { OnDeviceRecsElement } from '../src/widget/ondevice-recs-element.ts';
import type { ProfileEvent } from '../src/protocol/profile.ts';

/**
 * The example shop (public/example-shop/) as the widget's tests and benchmark drive it: what
 * the page logged, which widget events fired, its variants (snippet changed or removed), and
 * the widget's state read through its public element API.
 */
export const SHOP = '/example-shop/';
export const PRODUCT = '/example-shop/product.html';

/** The snippet exactly as the shop pages carry it. */
const SNIPPET_SCRIPT = '<script type="module" src="/ondevice-recs.js"></script>';
const SNIPPET_ELEMENT = /<ondevice-recs\b[^>]*><\/ondevice-recs>/g;

export interface PageWatch {
  /** Console errors of the page and of its workers, and uncaught exceptions. */
  consoleErrors: string[];
  pageErrors: string[];
  /** `securitypolicyviolation` events the page saw. */
  violations(): Promise<string[]>;
  /** The widget events that reached `document`, in order, with their details. */
  events(): Promise<Array<{ type: string; detail: unknown }>>;
}

/** Start recording before the page loads (call before `goto`). */
export async function watchShopPage(page: Page): Promise<PageWatch> {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`page: ${message.text()}`);
  });
  page.on('worker', (worker) =>
    worker.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(`worker: ${message.text()}`);
    }),
  );
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.addInitScript(() => {
    const record = { violations: [] as string[], events: [] as Array<{ type: string; detail: unknown }> };
    (window as unknown as { shopWatch: typeof record }).shopWatch = record;
    document.addEventListener('securitypolicyviolation', (event) => record.violations.push(`${event.effectiveDirective}: ${event.blockedURI}`));
    for (const type of ['recs-ready', 'recs-update', 'recs-error', 'recs-select']) {
      document.addEventListener(type, (event) => record.events.push({ type, detail: JSON.parse(JSON.stringify((event as CustomEvent).detail)) }));
    }
  });
  const read = <T>(pick: (record: { violations: string[]; events: Array<{ type: string; detail: unknown }> }) => T) =>
    page.evaluate((key) => (window as unknown as Record<string, unknown>)[key], 'shopWatch').then((record) => pick(record as never));
  return {
    consoleErrors,
    pageErrors,
    violations: () => read((record) => record.violations),
    events: () => read((record) => record.events),
  };
}

/** The Content-Security-Policy header of every response of the context, by URL. */
export function recordCspHeaders(context: BrowserContext): Map<string, string | undefined> {
  const headers = new Map<string, string | undefined>();
  context.on('response', (response) => headers.set(response.url(), response.headers()['content-security-policy']));
  return headers;
}

/**
 * Serve `path` (a shop page) with its HTML changed by `edit`: the same file, headers (CSP
 * included) and everything else. Throws when `edit` changed nothing, so a variant cannot
 * silently test the original page.
 */
export async function serveShopVariant(page: Page, path: string, edit: (html: string) => string): Promise<void> {
  await serveShopPage(page, path, (html) => {
    const body = edit(html);
    if (body === html) throw new Error(`serveShopVariant: the edit did not change ${path}`);
    return body;
  });
}

/** Serve `path` through the page's router with its HTML passed through `edit` (which may keep it as is, for a like-for-like comparison). */
export async function serveShopPage(page: Page, path: string, edit: (html: string) => string): Promise<void> {
  await page.route(
    (url) => url.pathname === path,
    async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: edit(await response.text()) });
    },
  );
}

/** The shop page exactly as it is, minus the widget's snippet (script and element). */
export function withoutWidget(html: string): string {
  if (!html.includes(SNIPPET_SCRIPT)) throw new Error('withoutWidget: the page does not carry the snippet');
  return html.replace(SNIPPET_SCRIPT, '').replace(SNIPPET_ELEMENT, '');
}

export interface ShownItem {
  id: string;
  title: string;
  category: string;
  imageUrl?: string;
  summary: string;
  because: string[];
}

/** The list the widget shows now (its `recommendations`). */
export function shownItems(widget: Locator): Promise<ShownItem[]> {
  return widget.evaluate((element) =>
    (element as OnDeviceRecsElement).recommendations.map((item) => ({
      id: item.id,
      title: item.title,
      category: item.category,
      imageUrl: item.imageUrl,
      summary: item.explanation.summary,
      because: item.explanation.because.map((b) => b.id),
    })),
  );
}

/** The stored profile events, through the widget's shared recommender. */
export function storedEvents(widget: Locator): Promise<ProfileEvent[]> {
  return widget.evaluate(async (element) => (await (await (element as OnDeviceRecsElement).recommender()).exportData()).events);
}

export const topCategory = (category: string) => category.split('/')[0];
