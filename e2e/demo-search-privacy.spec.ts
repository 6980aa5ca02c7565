import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { encodeWav } from '../src/shared/audio/encode-wav.ts';
import { decodeAudioBytes } from '../src/engine/encoders/audio/decode-audio.ts';
import type { ProfileExport } from '../src/protocol/profile.ts';
import { idbEventCount, readyReport } from './engine-page.ts';
import { stampBytes } from './stamp-fixtures.ts';
import { SCREENSHOTS, expect, test } from './test.ts';

/**
 * The demo page's search by example, privacy panel and catalog map, as the page places them
 * (`<example-search>`, `<privacy-panel>`, `<embedding-map>` inside `<demo-app>`), on the real
 * default catalog with the real encoders, the worker's real IndexedDB and Chromium's fake
 * microphone. `?backend=wasm` skips the slow software-WebGPU probe.
 */
const APP = '/?backend=wasm';
const DB = 'ondevice-recs-profile';
const CATALOG_AUDIO = 'public/catalogs/tuxpaint/media/audio';
/**
 * A first search waits for its encoder to load and run on wasm; on a busy 2-core machine that
 * has taken over a minute, so result waits get room (this checks behaviour, not speed).
 */
const SEARCH_TIMEOUT = 150_000;

async function openDemo(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(APP);
  await readyReport(page);
  await page.waitForFunction(() => window.recs !== undefined);
  await expect(page.locator('privacy-panel [data-testid="privacy-events"]')).toHaveText('0');
  // Everything example-search sends and gets back, as the page sees it.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { exampleResults: string[] }).exampleResults = seen;
    document.addEventListener('example-results', (event) => seen.push((event as CustomEvent<{ label: string }>).detail.label));
  });
}

const exampleResults = (page: Page) => page.evaluate(() => (window as unknown as { exampleResults: string[] }).exampleResults);
const profile = (page: Page) => page.evaluate(() => window.recs!.profile());
const resultsRail = (page: Page) => page.locator('example-search rec-rail');
const expectResultsFor = (page: Page, heading: string | RegExp) => expect(resultsRail(page).locator('h3')).toHaveText(heading, { timeout: SEARCH_TIMEOUT });
const resultIds = (page: Page) =>
  resultsRail(page)
    .locator('li[data-item-id]')
    .evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.itemId!));
const searchError = (page: Page) => page.locator('example-search [data-testid="search-error"]');
const topCategory = (id: string) => id.split('/')[0];

/** axe-core's serious and critical WCAG A/AA findings inside these three elements, in their current state. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .include('example-search')
    .include('privacy-panel')
    .include('embedding-map')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

/**
 * A 40-second WAV made from a real stamp sound: the crow's own samples (decoded by the engine's
 * decoder), repeated end to end until 40 s, written as 16-bit PCM. Longer than any example may be.
 */
async function fortySecondCrow(): Promise<Buffer> {
  const crow = await decodeAudioBytes(readFileSync(`${CATALOG_AUDIO}/animals/birds/crow.ogg`), 'crow.ogg');
  const frames = 40 * crow.sampleRate;
  const channels = crow.channels.map((samples) => Float32Array.from({ length: frames }, (_, i) => samples[i % samples.length]!));
  return Buffer.from(encodeWav({ sampleRate: crow.sampleRate, channels }));
}

/** Records from the (fake) microphone until the running time shows `seconds`, then stops. */
async function record(page: Page, seconds: number): Promise<void> {
  const search = page.locator('example-search');
  await search.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(search.getByRole('button', { name: 'Stop recording' })).toHaveAttribute('aria-pressed', 'true');
  await expect(search.getByTestId('record-time')).toContainText(`Recording 0:0${seconds}`, { timeout: (seconds + 5) * 1000 });
  await search.getByRole('button', { name: 'Stop recording' }).click();
  await expect(search.getByRole('button', { name: 'Record', exact: true })).toHaveAttribute('aria-pressed', 'false');
}

test('a stamp picture and a stamp sound, given through the pickers, find that stamp and its kind; both become examples in the profile', async ({ page }) => {
  test.slow();
  await openDemo(page);
  const search = page.locator('example-search');
  // Merely shown, the element loads nothing; reached for (pointer over it), it loads its encoders ahead of the first search.
  await search.scrollIntoViewIfNeeded();
  await expect(search).not.toHaveAttribute('data-warm', /.+/);
  await search.hover();
  await expect(search).toHaveAttribute('data-warm', /loading|ready/);
  await expect(search).toHaveAttribute('data-warm', 'ready', { timeout: SEARCH_TIMEOUT });

  // The drop zone is also a button that opens the file picker from the keyboard. (Pressed once the
  // downloads are done: a page kept busy past the browser's few seconds of user activation would not open it.)
  const chooserOpened = page.waitForEvent('filechooser', { timeout: 30_000 });
  await search.getByRole('button', { name: 'Drop a picture here, or choose a file' }).press('Enter');
  const chooser = await chooserOpened;
  expect(chooser.isMultiple()).toBe(false);
  // The original Tux Paint PNG of the sedan (the catalog itself holds a re-encoded WebP of it).
  await chooser.setFiles({ name: 'sedan.png', mimeType: 'image/png', buffer: stampBytes('vehicles/auto/sedan.png') });
  await expectResultsFor(page, 'Results for your picture “sedan.png”');
  const byPicture = await resultIds(page);
  console.log('sedan.png →', byPicture.join(', '));
  expect(byPicture).toHaveLength(8);
  expect(byPicture[0]).toBe('vehicles/auto/sedan');
  expect(byPicture.filter((id) => topCategory(id) === 'vehicles').length).toBeGreaterThanOrEqual(5);
  await expect(page.locator('privacy-panel [data-testid="privacy-examples"]')).toHaveText('1');
  await search.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: `${SCREENSHOTS}/demo-search.png` });

  // The crow's own call: measured with the real engine, the crow comes first and 7 of 8 are animals, 3 of them birds.
  await search
    .locator('#sound-file')
    .setInputFiles({ name: 'crow.ogg', mimeType: 'audio/ogg', buffer: readFileSync(`${CATALOG_AUDIO}/animals/birds/crow.ogg`) });
  await expectResultsFor(page, 'Results for the sound “crow.ogg”');
  const bySound = await resultIds(page);
  console.log('crow.ogg →', bySound.join(', '));
  expect(bySound[0]).toBe('animals/birds/crow');
  expect(bySound.filter((id) => topCategory(id) === 'animals').length).toBeGreaterThanOrEqual(6);
  expect(bySound.filter((id) => id.startsWith('animals/birds/')).length).toBeGreaterThanOrEqual(2);

  expect(await exampleResults(page)).toEqual(['your picture “sedan.png”', 'the sound “crow.ogg”']);
  await expect(searchError(page)).toHaveCount(0);
  await expect(page.locator('privacy-panel [data-testid="privacy-examples"]')).toHaveText('2');
  const exported = await page.evaluate(() => window.recs!.exportData());
  expect(exported.adhocItems.map((a) => a.modality)).toEqual(['image', 'audio']);
});

test('a recording from the microphone is searched end to end; one past the limit is refused on stop, with a warning while recording', async ({ page }) => {
  test.slow();
  await openDemo(page);
  const search = page.locator('example-search');

  // Chromium's fake microphone (a beep every second) records WebM/Opus; the page sends it as WAV.
  await record(page, 2);
  await expectResultsFor(page, /^Results for your \d-second recording$/);
  const byRecording = await resultIds(page);
  console.log('fake-microphone recording →', byRecording.join(', '));
  expect(byRecording).toHaveLength(8);
  await expect(searchError(page)).toHaveCount(0);
  expect((await profile(page)).adhocItems).toBe(1);
  const [example] = (await page.evaluate(() => window.recs!.exportData())).adhocItems;
  expect(example).toMatchObject({ modality: 'audio' });
  expect(example!.vector).toHaveLength(316);

  // A 2-second limit, so a too-long recording takes 3 s, not 31. The recorder warns past the limit but does not cut off.
  await search.evaluate((element) => ((element as HTMLElementTagNameMap['example-search']).maxSoundSeconds = 2));
  await search.getByRole('button', { name: 'Record', exact: true }).click();
  await expect(search.getByRole('status').filter({ hasText: 'Past 2 s' })).toHaveText(
    'Past 2 s: this recording is too long to use. Stop and record a shorter one.',
    { timeout: 8000 },
  );
  await expect(search.getByTestId('record-time')).toContainText('Recording 0:03', { timeout: 8000 });
  await search.getByRole('button', { name: 'Stop recording' }).click();
  await expect(searchError(page)).toHaveText(/^That recording is (\d|2\.\d) s long; an example can be at most 2 s\. Record a shorter one\.$/);
  await expect(searchError(page)).toHaveAttribute('role', 'alert');
  expect((await profile(page)).adhocItems).toBe(1);
  expect(await exampleResults(page)).toHaveLength(1);
});

test('a file that is not a picture, a sound longer than 30 s and empty words are refused with a message, and nothing is stored', async ({ page }) => {
  test.slow();
  await openDemo(page);
  const search = page.locator('example-search');
  const before = await profile(page);

  // A text file renamed .png: the browser calls it image/png, its bytes say otherwise.
  await search
    .locator('#image-file')
    .setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('Shopping list: bread, cheese, apples.\n') });
  await expect(searchError(page)).toHaveText(
    '“notes.png” is not a picture this page can read: its contents are not PNG, JPEG, GIF, WebP or SVG. Choose a PNG, JPEG, GIF, WebP or SVG picture.',
  );
  await expect(searchError(page)).toHaveAttribute('role', 'alert');

  // Dropped on the picture zone: a text file is refused by its MIME type.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['bread, cheese'], 'notes.txt', { type: 'text/plain' }));
    return transfer;
  });
  await search.getByRole('button', { name: 'Drop a picture here, or choose a file' }).dispatchEvent('drop', { dataTransfer: dropped });
  await expect(searchError(page)).toHaveText('“notes.txt” is not a picture (it is text/plain). Choose a PNG, JPEG, GIF, WebP or SVG picture.');

  await search.locator('#sound-file').setInputFiles({ name: 'crow-40s.wav', mimeType: 'audio/wav', buffer: await fortySecondCrow() });
  await expect(searchError(page)).toHaveText('“crow-40s.wav” is 40 s long; an example can be at most 30 s. Choose a shorter sound.');

  await search.getByLabel('Describe it').fill('   ');
  await search.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(searchError(page)).toHaveText('Type a few words describing what you are looking for.');
  expect(await seriousViolations(page)).toEqual([]);

  expect(await profile(page)).toEqual(before);
  await expect(page.locator('privacy-panel [data-testid="privacy-examples"]')).toHaveText('0');
  await expect(resultsRail(page)).toHaveCount(0);
  expect(await exampleResults(page)).toEqual([]);

  // Still working after the refusals.
  await search.getByLabel('Describe it').fill('a red fruit');
  await search.getByLabel('Describe it').press('Enter');
  await expectResultsFor(page, 'Results for “a red fruit”');
  await expect(searchError(page)).toHaveCount(0);
  const byText = await resultIds(page);
  console.log('“a red fruit” →', byText.join(', '));
  expect(byText.filter((id) => topCategory(id) === 'food').length).toBeGreaterThanOrEqual(4);
});

test('the privacy panel counts what is stored, exports it as JSON and forgets it all after a confirm step', async ({ page }) => {
  await openDemo(page);
  const panel = page.locator('privacy-panel');
  const viewed = ['food/bread', 'animals/birds/crow', 'vehicles/auto/sedan'];
  for (const id of viewed) await page.evaluate((id) => window.recs!.track('view', id, { dwellMs: 8000 }), id);
  await page.evaluate(() => window.dispatchEvent(new CustomEvent('profile-changed')));
  await expect(panel.getByTestId('privacy-events')).toHaveText('3');
  await expect(panel.getByTestId('privacy-summary')).toHaveText('Stored now: 3 events, 0 examples, 0 personal model states.');
  await expect(panel).toContainText(`database called ${DB}`);

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export my data' }).click()]);
  expect(download.suggestedFilename()).toBe('ondevice-recs-profile.json');
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as ProfileExport;
  expect(exported.format).toBe('ondevice-recs-profile');
  expect(exported.events.filter((e) => e.type === 'view').map((e) => e.itemId)).toEqual(viewed);
  await expect(panel.getByTestId('privacy-notice')).toContainText('Downloaded ondevice-recs-profile.json: 3 events, 0 examples');

  await page.evaluate(() => document.addEventListener('profile-forgotten', () => (document.body.dataset.forgotten = 'yes')));
  // The first press only asks; "Keep my data" leaves everything as it was.
  await panel.getByRole('button', { name: 'Forget me' }).click();
  await expect(panel.getByRole('button', { name: 'Yes, delete everything' })).toBeFocused();
  expect(await seriousViolations(page)).toEqual([]);
  await panel.getByRole('button', { name: 'Keep my data' }).click();
  await expect(panel.getByRole('button', { name: 'Forget me' })).toBeFocused();
  expect((await profile(page)).events).toBe(3);

  await panel.getByRole('button', { name: 'Forget me' }).click();
  await panel.getByRole('button', { name: 'Yes, delete everything' }).click();
  await expect(panel.getByTestId('privacy-notice')).toHaveText('Done: everything stored about you in this browser was deleted.');
  await expect(panel.getByTestId('privacy-summary')).toHaveText('Nothing is stored about you right now.');
  for (const count of ['privacy-events', 'privacy-examples', 'privacy-model-states', 'privacy-pending']) await expect(panel.getByTestId(count)).toHaveText('0');
  await expect(page.locator('body')).toHaveAttribute('data-forgotten', 'yes');
  expect(await profile(page)).toEqual({ events: 0, adhocItems: 0, modelStates: 0, pending: 0 });
  expect(['no database', 0]).toContain(await idbEventCount(page, DB));
});

test('the map draws one point per item, opens an item from a point, highlights what was viewed and moves with the arrow keys', async ({ page }) => {
  await openDemo(page);
  const map = page.locator('embedding-map');
  const points = map.locator('[data-id]');
  const itemCount = await page.evaluate(() => window.recs!.catalog.itemCount);
  expect(itemCount).toBe(961);
  await expect(points).toHaveCount(itemCount);
  expect(new Set(await points.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).size).toBe(itemCount);
  const projection = await page.evaluate(() => window.recs!.map());
  await expect(map.locator('figcaption')).toContainText(`How they are placed: ${projection.method}`);
  await expect(map.locator('figcaption')).toContainText(`The two axes keep ${Math.round(projection.varianceKept * 100)}% of the variance`);
  await expect(map.locator('[data-history]')).toHaveCount(0);

  // Hover shows the title; a click opens the item (item-select), and leaving it records the view.
  const crow = map.locator('[data-id="animals/birds/crow"]');
  await crow.scrollIntoViewIfNeeded();
  await crow.hover({ force: true });
  await expect(map.getByTestId('map-label')).toContainText('Crow');
  await crow.click({ force: true });
  await expect(page.getByRole('heading', { name: 'Crow', level: 2 })).toBeVisible();
  await page.getByRole('button', { name: /^Back to/ }).click();
  await expect(map.locator('[data-history]')).toHaveCount(1);
  await expect(map.locator('[data-history]')).toHaveAttribute('data-id', 'animals/birds/crow');
  await expect(map.locator('[data-history]')).toHaveAttribute('aria-label', /^Crow, Animals › Birds, you looked at it/);
  // After a view, for-you has items, and they are ringed on the map.
  await expect(map.locator('[data-recommended]')).not.toHaveCount(0);
  expect((await profile(page)).events).toBeGreaterThanOrEqual(1);

  // Keyboard: the viewed point keeps the tab stop; an arrow moves to a neighbour and shows its title; Enter opens it.
  await map.locator('[data-history]').focus();
  await expect(map.getByTestId('map-label')).toContainText('Crow');
  await page.keyboard.press('ArrowRight');
  const moved = map.locator('[data-id]:focus');
  await expect(moved).toHaveCount(1);
  const movedId = (await moved.getAttribute('data-id'))!;
  expect(movedId).not.toBe('animals/birds/crow');
  const movedTitle = await page.evaluate(async (id) => (await window.recs!.items()).find((c) => c.id === id)!.title, movedId);
  await expect(map.getByTestId('map-label')).toContainText(movedTitle);
  expect(await seriousViolations(page)).toEqual([]);
  await map.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENSHOTS}/demo-map.png` });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: movedTitle, level: 2 })).toBeVisible();
});
