import * as tf from '@tensorflow/tfjs';
import type { Encoder, EncoderInfo, ModelSource, RgbaImage } from '../encoder.ts';
import { checkRgbaImage, IMAGE_INPUT_SIZE, prepareImageInto } from './prepare-image.ts';
import { l2NormalizeInPlace } from '../l2-normalize.ts';

/**
 * Image encoder: nsfwjs 4.4.0's Keras MobileNetV2 (alpha 1.0, uint8-quantised
 * weights), cut at `flatten_1`, the 1280-d global-average-pooled feature after
 * the last ReLU6 (so every component is >= 0).
 *
 * Input: RgbaImage from decode-image-in-worker.ts (browser) or
 * src/node/decode-image-file.ts (Node); prepare-image.ts trims transparent
 * borders, composites onto white, letterboxes to 224x224 and scales to [0, 1]
 * (nsfwjs divides by 255 and feeds RGB, checked in nsfwjs/dist/esm/core.js).
 *
 * Output is L2-normalised: the raw pooled feature's length varies with contrast
 * and amount of detail rather than with content, and downstream code compares
 * vectors by dot product / cosine like the text encoder's unit-length output.
 *
 * Caveat (see shared/ENCODERS.md): the backbone was fine-tuned for a 5-class
 * content filter, so it is not a pristine ImageNet feature.
 */

export const MOBILENET_MODEL_PATH = 'mobilenet-v2/model.json';
export const MOBILENET_FEATURE_LAYER = 'flatten_1';

export const MOBILENET_IMAGE_ENCODER_INFO: EncoderInfo = Object.freeze({
  modality: 'image',
  name: 'mobilenet-v2-nsfwjs',
  version: '4.4.0-flatten_1',
  dims: 1280,
});

export interface MobileNetImageEncoderOptions {
  /** Images per forward pass; bounds peak memory (each image's activations are a few MB). Default 16. */
  maxBatch?: number;
}

export async function loadMobileNetImageEncoder(source: ModelSource, options: MobileNetImageEncoderOptions = {}): Promise<Encoder<RgbaImage>> {
  const maxBatch = Math.max(1, Math.floor(options.maxBatch ?? 16));
  const info = MOBILENET_IMAGE_ENCODER_INFO;
  const size = IMAGE_INPUT_SIZE;
  const pixelsPerImage = size * size * 3;

  const full = await tf.loadLayersModel(source(MOBILENET_MODEL_PATH));
  let feature: tf.LayersModel;
  try {
    const layer = full.getLayer(MOBILENET_FEATURE_LAYER);
    feature = tf.model({ inputs: full.inputs, outputs: layer.output as tf.SymbolicTensor });
    const outDims = feature.outputs[0]!.shape[1];
    if (outDims !== info.dims) throw new Error(`${MOBILENET_FEATURE_LAYER} has ${outDims} dims, expected ${info.dims}`);

    // Warm-up: the first pass compiles kernels / allocates; do it at load, not on the first user image.
    const warm = tf.tidy(() => feature.predict(tf.zeros([1, size, size, 3])) as tf.Tensor);
    try {
      await warm.data();
    } finally {
      warm.dispose();
    }
  } catch (error) {
    full.dispose();
    throw error;
  }

  let disposed = false;

  async function runChunk(images: readonly RgbaImage[], firstIndex: number): Promise<Float32Array[]> {
    const input = new Float32Array(images.length * pixelsPerImage);
    images.forEach((image, i) => prepareImageInto(image, input, i * pixelsPerImage, {}, `image ${firstIndex + i}`));
    const x = tf.tensor4d(input, [images.length, size, size, 3]);
    let y: tf.Tensor | undefined;
    try {
      y = feature.predict(x) as tf.Tensor;
      const flat = (await y.data()) as Float32Array;
      return images.map((_, i) => l2NormalizeInPlace(flat.slice(i * info.dims, (i + 1) * info.dims)));
    } finally {
      x.dispose();
      y?.dispose();
    }
  }

  return {
    info,
    async embed(batch: readonly RgbaImage[]): Promise<Float32Array[]> {
      if (disposed) throw new Error(`${info.name} encoder has been disposed`);
      // Reject malformed pixel data before any inference runs.
      batch.forEach((image, i) => checkRgbaImage(image, `image ${i}`));
      const vectors: Float32Array[] = [];
      for (let start = 0; start < batch.length; start += maxBatch) {
        vectors.push(...(await runChunk(batch.slice(start, start + maxBatch), start)));
      }
      return vectors;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      // `feature` shares its layers (and weights) with `full` without taking references of its own:
      // disposing `full` releases every weight once (disposing both would dispose shared layers twice).
      full.dispose();
    },
  };
}
