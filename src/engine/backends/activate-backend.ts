import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../protocol/backend-name.ts';

let wasmPathsSet = false;

/** Serve the tfjs wasm binaries from our own origin (copied by scripts/copy-assets.mjs), never a CDN. */
export function useLocalWasm(assetsBaseUrl: string): void {
  if (wasmPathsSet) return;
  setWasmPaths(new URL('tfjs-wasm/', assetsBaseUrl).href);
  wasmPathsSet = true;
}

/**
 * Switch tfjs to `name`. Returns a problem string instead of throwing when the backend
 * cannot start here (no WebGL in this worker, no adapter, …).
 */
export async function activateBackend(name: BackendName): Promise<string | undefined> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend('${name}') failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return `initialisation threw: ${(error as Error).message}`;
  }
}

/** Run `task` with `name` as the active backend, then return to the previous one. */
export async function runOnBackend<T>(name: BackendName, task: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend() as BackendName;
  if (previous === name) return task();
  const problem = await activateBackend(name);
  if (problem) throw new Error(`cannot run on ${name}: ${problem}`);
  try {
    return await task();
  } finally {
    await activateBackend(previous);
  }
}
