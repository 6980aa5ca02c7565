import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/chromium-launch-options.ts';

/**
 * `E2E_PORT` / `E2E_OUT_DIR` let two checkouts (or two people) run the suite side by side
 * without sharing a server or a build folder.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const OUT_DIR = process.env.E2E_OUT_DIR ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Two cores: one browser at a time keeps the backend probes honest and CI stable.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.test-reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: chromiumLaunchOptions(),
    trace: 'off',
  },
  webServer: {
    // Tests run against the production build (the app, then the shop widget into the same folder) with the default catalog, served by Vite's preview server.
    command: `npm run catalog:default && npx vite build --outDir ${OUT_DIR} && npx vite build -c vite.widget.config.ts --outDir ${OUT_DIR} && npx vite preview --port ${PORT} --outDir ${OUT_DIR}`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    // The first run builds the default catalog (about 10 minutes on 2 cores).
    timeout: 1_800_000,
  },
});
