/// <reference lib="webworker" />
// Worker entry: the engine owns tfjs and lives here; the page talks to it only
// through the EngineApi interface, via Comlink.
import * as Comlink from 'comlink';
import { Engine } from './engine.ts';

Comlink.expose(new Engine());
