/**
 * Resolves after the host page's `load` event and then an idle moment, so the widget's
 * engine (a worker with tfjs) never competes with the host page's own first paint and
 * start-up work. Browsers without `requestIdleCallback` get a short timeout instead.
 */
export function whenPageIsIdle(maxWaitMs = 2000): Promise<void> {
  return afterLoad().then(
    () =>
      new Promise<void>((resolve) => {
        if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: maxWaitMs });
        else setTimeout(resolve, 50);
      }),
  );
}

function afterLoad(): Promise<void> {
  if (document.readyState === 'complete') return Promise.resolve();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(), { once: true }));
}
