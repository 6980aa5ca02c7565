import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './test.ts';

/**
 * axe-core (the checker behind Lighthouse and the browsers' accessibility panels) over the
 * demo and the example shop in the states people see: WCAG 2.0/2.1/2.2 A and AA rules,
 * contrast included. "Serious" and "critical" findings fail; "moderate"/"minor" ones are
 * printed so they stay visible without blocking.
 */
async function seriousViolations(page: Page, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  for (const v of results.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical')) {
    console.log(`[axe ${label}] ${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
  }
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact}: ${v.id}: ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

test('the demo page has no serious accessibility violations, at rest, with an item open and a why-panel open', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await page.waitForFunction(() => document.body.dataset.catalog === 'ready', undefined, { timeout: 120_000 });
  // The rails render after the catalog: wait for the first item card.
  await expect(page.getByRole('button', { name: /Frog/ }).first()).toBeVisible();
  expect(await seriousViolations(page, 'demo home')).toEqual([]);

  await page.getByRole('button', { name: /Frog/ }).first().click();
  await expect(page.getByRole('heading', { name: 'Frog' })).toBeVisible();
  const why = page.getByRole('button', { name: /why/i }).first();
  await expect(why).toBeVisible();
  await why.click();
  await expect(why).toHaveAttribute('aria-expanded', 'true');
  expect(await seriousViolations(page, 'demo item + why')).toEqual([]);
});

test('the example shop with the widget has no serious accessibility violations', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/example-shop/');
  await page.waitForFunction(() => document.querySelector('ondevice-recs')?.shadowRoot?.querySelector('[part~="item"]') != null, undefined, {
    timeout: 120_000,
  });
  expect(await seriousViolations(page, 'example shop')).toEqual([]);
});
