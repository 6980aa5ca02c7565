import { startEngine, type EngineHandle } from '../client/start-engine.ts';
import './backend-status.ts';

declare global {
  interface Window {
    /** The client API, for the console and for tests that start an engine of their own. */
    ondevice: { startEngine: typeof startEngine };
    /** The demo's engine, for tests and the console. */
    engine?: EngineHandle;
    engineReady: Promise<EngineHandle>;
  }
}

window.ondevice = { startEngine };
const params = new URLSearchParams(location.search);
const status = document.querySelector('backend-status')!;

window.engineReady = startEngine({
  backend: params.get('backend') ?? undefined,
  // Lets tests point the worker at a missing asset folder to exercise start-up failure.
  ...(params.has('assets') ? { assetsBaseUrl: new URL(params.get('assets')!, location.href).href } : {}),
});
window.engineReady.then(
  (engine) => {
    window.engine = engine;
    status.report = engine.report;
    document.body.dataset.engine = 'ready';
  },
  (error: Error) => {
    status.error = `The recommender could not start: ${error.message}`;
    document.body.dataset.engine = 'failed';
  },
);
