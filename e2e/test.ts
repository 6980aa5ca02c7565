import { expect, test as base } from '@playwright/test';

/** Our own server: every request of every page and worker must go here (or be data:/blob:). */
export const OWN_ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT ?? 4173}/`;

/**
 * Playwright's `test`, with the privacy promise checked in every test: all requests of the
 * browser context (pages and their workers) are recorded, and after the test none may have
 * gone anywhere but our own loopback origin. `requests` gives the test the list.
 */
export const test = base.extend<{ requests: string[] }>({
  requests: [
    async ({ context }, use) => {
      const requests: string[] = [];
      context.on('request', (request) => requests.push(request.url()));
      await use(requests);
      expect(
        requests.filter((url) => !url.startsWith(OWN_ORIGIN) && !/^(data|blob):/.test(url)),
        'requests that left the origin',
      ).toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Where tests save screenshots for people to look at (git-ignored). Not under test-results/,
 * which Playwright empties at the start of every run; the README's pictures are copied from here.
 */
export const SCREENSHOTS = 'screenshots';
