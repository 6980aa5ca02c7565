import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * tfjs in Node on the wasm backend (tfjs-node cannot be installed here: it downloads
 * a binary). The same engine code then runs as in the browser worker.
 */
export async function initNodeTf(backend: 'wasm' | 'cpu' = 'wasm'): Promise<typeof tf> {
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    const wasmEntry = require.resolve('@tensorflow/tfjs-backend-wasm');
    // The node entry of tfjs-backend-wasm lives in dist/; the .wasm files sit beside it.
    setWasmPaths(join(dirname(wasmEntry), '/').replace(/\/?$/, '/'));
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialise in Node`);
  await tf.ready();
  return tf;
}
