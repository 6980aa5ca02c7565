/// <reference lib="webworker" />
// Worker entry: the engine owns tfjs and lives here; the page talks to it only
// through the EngineApi interface, via Comlink.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';
import { holdLifeLock } from './life-lock.ts';

const lifeLock = holdLifeLock(self.name);
const engine = new Engine();
const init = engine.init.bind(engine);
// init answers only once the life lock is held, so the page's watch on it (granted when this worker ends) cannot win it first.
engine.init = async (...args) => {
  await lifeLock;
  return init(...args);
};
Comlink.expose(engine);
