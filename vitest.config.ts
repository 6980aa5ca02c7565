import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './e2e/chromium-launch-options.ts';
import { clearIndexedDb, setStorageQuota } from './test/browser/storage-commands.ts';

// The browser tests run in a persistent Chromium profile, because DevTools' storage quota
// override only reaches a persistent profile's storage, not Playwright's default in-memory
// contexts. A fresh folder per run keeps runs independent; it is removed on exit.
const browserProfileDir = mkdtempSync(join(tmpdir(), 'ondevice-recs-vitest-'));
process.once('exit', () => rmSync(browserProfileDir, { recursive: true, force: true }));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: model-heavy test files run one at a time.
          fileParallelism: false,
        },
      },
      {
        // Real Chromium, real IndexedDB: storage behaviour (quota, other tabs, migrations) cannot be faked faithfully.
        // idb is pre-bundled up front, so a first-time dependency scan cannot reload the page mid-run.
        optimizeDeps: { include: ['idb', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink'] },
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // One file at a time: quota overrides and site-data clearing act on the whole origin.
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            // Debian's Chromium (chromiumLaunchOptions); Playwright never downloads a browser here.
            provider: playwright({ launchOptions: chromiumLaunchOptions(), persistentContext: browserProfileDir }),
            instances: [{ browser: 'chromium' }],
            commands: { setStorageQuota, clearIndexedDb },
          },
        },
      },
    ],
  },
});
