import { expect, test } from './test.ts';
import { readyReport } from './engine-page.ts';
import { itemAt } from '../src/shared/item-at.ts';

// Golden values of the tiny seeded random-weight model (scripts/make-tiny-onnx-model.mjs), mean
// pooling, for this sentence: the same numbers test/unit/onnx-adapter.test.ts pins in Node
// (onnxruntime-node); here they come from onnxruntime-web in the worker.
const SENTENCE = 'A red cotton shirt for summer.';
const GOLDEN_MEAN = [-0.032032747, -0.024195712, -0.045011114, -0.10233943];

test('a site-hosted ONNX text model runs in the worker through transformers.js, fully offline', async ({ page, requests }) => {
  await page.goto('/');
  await readyReport(page);
  const result = await page.evaluate(async (sentence) => {
    const engine = await window.ondevice.startEngine({
      backend: 'wasm',
      textEncoder: { kind: 'onnx', modelId: 'tiny-random-feature-extractor', dims: 16, pooling: 'mean', version: 'test' },
    });
    try {
      const { encoder, vectors } = await engine.api.embedText([sentence, sentence, 'summer']);
      let empty = '';
      await engine.api.embedText(['  ']).catch((e: Error) => (empty = e.message));
      return { encoder, vectors: vectors.map((v) => Array.from(v)), empty };
    } finally {
      engine.terminate();
    }
  }, SENTENCE);
  expect(result.encoder).toEqual({ modality: 'text', name: 'onnx:tiny-random-feature-extractor', version: 'test-fp32-mean', dims: 16 });
  GOLDEN_MEAN.forEach((g, i) => expect(Math.abs(itemAt(itemAt(result.vectors, 0), i) - g), `component ${i}`).toBeLessThan(1e-5));
  expect(result.vectors[1]).toEqual(result.vectors[0]);
  expect(result.vectors[2]).not.toEqual(result.vectors[0]);
  expect(result.empty.startsWith('[empty-text]')).toBe(true);
  // The model and onnxruntime-web's wasm came from our own origin.
  expect(requests.some((u) => u.includes('/models/tiny-random-feature-extractor/onnx/model.onnx'))).toBe(true);
  expect(requests.some((u) => u.includes('/ort-wasm/ort-wasm-simd-threaded.asyncify.wasm'))).toBe(true);
});
