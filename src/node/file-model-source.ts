import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelSource } from '../engine/encoders/encoder.ts';

/**
 * Loads tfjs models from a folder on disk (Node has no fetch for file paths and
 * tfjs-node cannot be installed here): reads model.json and concatenates its shards.
 */
export function fileModelSource(modelsDir: string): ModelSource {
  return (path) => ({
    async load() {
      const modelJsonPath = join(modelsDir, path);
      const modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = manifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(modelJsonPath), p))));
        const joined = Buffer.concat(buffers);
        return [specs, joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength)];
      });
    },
  });
}
