import * as tf from '@tensorflow/tfjs';
import type { ModelCheck } from '../../protocol/engine-api.ts';
import type { AssetManifest } from './asset-manifest.ts';

/** Load every served model with tfjs (graph or layers), describe it, and release it. */
export async function checkModels(manifest: AssetManifest, assetsBaseUrl: string): Promise<ModelCheck[]> {
  const checks: ModelCheck[] = [];
  for (const entry of manifest.models) {
    const url = new URL(`models/${entry.path}`, assetsBaseUrl).href;
    try {
      if (entry.format === 'graph') {
        const model = await tf.loadGraphModel(url);
        checks.push({
          name: entry.name,
          format: 'graph',
          url,
          inputs: model.inputs.map((t) => `${t.name} ${JSON.stringify(t.shape)}`),
          outputs: model.outputs.map((t) => `${t.name} ${JSON.stringify(t.shape)}`),
          weightBytes: weightBytes(Object.values(model.weights).flat()),
        });
        model.dispose();
      } else {
        const model = await tf.loadLayersModel(url);
        checks.push({
          name: entry.name,
          format: 'layers',
          url,
          inputs: model.inputs.map((t) => `${t.name} ${JSON.stringify(t.shape)}`),
          outputs: model.outputs.map((t) => `${t.name} ${JSON.stringify(t.shape)}`),
          weightBytes: weightBytes(model.weights.map((w) => w.read())),
        });
        model.dispose();
      }
    } catch (error) {
      throw new Error(`Model "${entry.name}" failed to load from ${url}: ${(error as Error).message}`, { cause: error });
    }
  }
  return checks;
}

function weightBytes(tensors: tf.Tensor[]): number {
  return tensors.reduce((sum, t) => sum + t.size * 4, 0);
}
