import type { Page } from '@playwright/test';
import type { BackendReport } from '../src/protocol/engine-api.ts';
import type { Embedding } from '../src/protocol/embedding.ts';

/**
 * Wait for the demo's engine, and for its load of the default catalog to settle (so it cannot
 * replace a catalog the test loads), and return the backend report; throws with the page's
 * error if start-up failed.
 */
export async function readyReport(page: Page): Promise<BackendReport> {
  await page.waitForFunction(() => document.body.dataset.engine !== undefined);
  const state = await page.evaluate(() => document.body.dataset.engine);
  if (state !== 'ready') throw new Error(`engine failed: ${await page.getByTestId('engine-error').textContent()}`);
  await page.waitForFunction(() => document.body.dataset.catalog !== undefined);
  return page.evaluate(() => window.engine!.report);
}

export interface PlainEmbedding {
  encoder: Embedding['encoder'];
  vectors: number[][];
  backend: string;
}

/** Send file bytes from the test process into the page, embed them in the worker, and bring the vectors back. */
export async function embedFilesInPage(page: Page, method: 'embedImages' | 'embedAudio', files: Buffer[]): Promise<PlainEmbedding> {
  return page.evaluate(
    async ({ method, files }) => {
      const buffers = files.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer);
      const { encoder, vectors, backend } = await window.engine!.api[method](buffers);
      return { encoder, vectors: vectors.map((v) => Array.from(v)), backend };
    },
    { method, files: files.map((f) => f.toString('base64')) },
  );
}

export async function embedTextInPage(page: Page, texts: string[]): Promise<PlainEmbedding> {
  return page.evaluate(async (texts) => {
    const { encoder, vectors, backend } = await window.engine!.api.embedText(texts);
    return { encoder, vectors: vectors.map((v) => Array.from(v)), backend };
  }, texts);
}

/** The error a page-side call rejected with, as name + message (undefined if it resolved). */
export async function rejectionOf(page: Page, call: string, arg: unknown): Promise<{ name: string; message: string } | undefined> {
  return page.evaluate(
    async ({ call, arg }) => {
      const api = window.engine!.api as unknown as Record<string, (x: unknown) => Promise<unknown>>;
      let input = arg;
      if (arg && typeof arg === 'object' && 'base64' in arg) {
        input = [Uint8Array.from(atob((arg as { base64: string }).base64), (c) => c.charCodeAt(0)).buffer];
      }
      try {
        const method = api[call];
        if (method === undefined) throw new TypeError(`the engine API has no ${call}`);
        await method(input);
        return undefined;
      } catch (error) {
        return { name: (error as Error).name, message: (error as Error).message };
      }
    },
    { call, arg },
  );
}

/**
 * Events in the profile database `dbName`, read straight from IndexedDB in the page (same origin
 * as the worker), not through our API; 'no database' when it does not exist.
 */
export function idbEventCount(page: Page, dbName: string): Promise<number | 'no database'> {
  return page.evaluate(async (name) => {
    if (!(await indexedDB.databases()).some((d) => d.name === name)) return 'no database' as const;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => reject(open.error ?? new Error('IndexedDB request failed'));
      open.onsuccess = () => {
        const db = open.result;
        const request = db.transaction('events').objectStore('events').count();
        request.onsuccess = () => (db.close(), resolve(request.result));
        request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
      };
    });
  }, dbName);
}
