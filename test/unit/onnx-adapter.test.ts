import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Encoder } from '../../src/engine/encoders/encoder.ts';
import { loadTransformersTextEncoder } from '../../src/engine/encoders/onnx/transformers-feature-encoder.ts';
import { TINY_HIDDEN_SIZE, TINY_MAX_LENGTH, TINY_MODEL_ID } from '../../scripts/make-tiny-onnx-model.mjs';
import { expectInputError } from './expect-input-error.ts';

// The ONNX adapter (transformers.js v4 + onnxruntime-node here) against a tiny random-weight
// BERT-like model that scripts/make-tiny-onnx-model.mjs writes into a temp dir: the only copy
// on disk, with every fetch stubbed to fail, so a pass proves the load is fully offline.

const root = join(import.meta.dirname, '..', '..');
const SENTENCE = 'A red cotton shirt for summer.';

// Produced by running the real thing (this adapter on the generated model, Node 20,
// onnxruntime-node 1.30.0) and cross-checked with a direct onnxruntime-node run of
// onnx/model.onnx plus a hand-written masked mean / first token and L2 normalisation.
// The model is seeded, so these only change if the script's weights or graph change.
const GOLDEN_MEAN = [-0.032032747, -0.024195712, -0.045011114, -0.10233943];
const GOLDEN_CLS = [0.16265103, -0.29362476, 0.18474764, -0.27367282];

let modelsDir: string;
let encoder: Encoder<string>;
const fetchCalls: string[] = [];
const originalGlobalFetch = globalThis.fetch;
const originalEnvFetch = env.fetch;

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

function load(extra: Partial<Parameters<typeof loadTransformersTextEncoder>[0]> = {}): Promise<Encoder<string>> {
  return loadTransformersTextEncoder({ modelId: TINY_MODEL_ID, localModelPath: modelsDir, dims: TINY_HIDDEN_SIZE, ...extra });
}

beforeAll(async () => {
  const noNetwork = (input: unknown): never => {
    fetchCalls.push(String(input));
    throw new Error(`network access in an offline test: ${String(input)}`);
  };
  globalThis.fetch = noNetwork as typeof fetch;
  env.fetch = noNetwork; // transformers.js bound its own copy of fetch at import

  modelsDir = mkdtempSync(join(tmpdir(), 'onnx-adapter-'));
  execFileSync('node', [join(root, 'scripts', 'make-tiny-onnx-model.mjs'), join(modelsDir, TINY_MODEL_ID)], { encoding: 'utf8' });
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
    expect(existsSync(join(modelsDir, TINY_MODEL_ID, file)), file).toBe(true);
  }
  encoder = await load();
});

afterAll(() => {
  encoder?.dispose();
  globalThis.fetch = originalGlobalFetch;
  env.fetch = originalEnvFetch;
  if (modelsDir) rmSync(modelsDir, { recursive: true, force: true });
});

describe('ONNX text adapter (transformers.js, offline)', () => {
  it('configures transformers.js for local files only', () => {
    expect(env.allowRemoteModels).toBe(false);
    expect(env.allowLocalModels).toBe(true);
    expect(env.localModelPath).toBe(`${modelsDir}/`);
    expect(env.useFSCache).toBe(false);
    expect(fetchCalls).toEqual([]);
  });

  it('describes itself', () => {
    expect(encoder.info).toEqual({ modality: 'text', name: `onnx:${TINY_MODEL_ID}`, version: 'local-fp32-mean', dims: TINY_HIDDEN_SIZE });
  });

  it('returns one unit-length Float32Array of info.dims per text, in order', async () => {
    const texts = ['the blue leather bag', SENTENCE, 'music', 'a small wood table with a glass lamp'];
    const vectors = await encoder.embed(texts);
    expect(vectors).toHaveLength(texts.length);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(TINY_HIDDEN_SIZE);
      expect(Math.abs(norm(v) - 1)).toBeLessThan(1e-5);
    }
    // Order and batch composition do not change a text's vector.
    const [alone] = await encoder.embed([SENTENCE]);
    expect(maxAbsDiff(vectors[1]!, alone!)).toBeLessThan(1e-6);
    expect(await encoder.embed([])).toEqual([]);
  });

  it('matches the golden values (mean pooling)', async () => {
    const [v] = await encoder.embed([SENTENCE]);
    GOLDEN_MEAN.forEach((g, i) => expect(Math.abs(v![i]! - g), `component ${i}`).toBeLessThan(1e-5));
  });

  it('matches the golden values (cls pooling)', async () => {
    const cls = await load({ pooling: 'cls', warmUp: false });
    try {
      expect(cls.info.version).toBe('local-fp32-cls');
      const [v] = await cls.embed([SENTENCE]);
      GOLDEN_CLS.forEach((g, i) => expect(Math.abs(v![i]! - g), `component ${i}`).toBeLessThan(1e-5));
      expect(Math.abs(norm(v!) - 1)).toBeLessThan(1e-5);
    } finally {
      cls.dispose();
    }
  });

  it('is deterministic: identical texts give identical vectors, different texts different ones', async () => {
    const [a1, a2, b] = await encoder.embed([SENTENCE, SENTENCE, 'running shoes for winter']);
    expect(Array.from(a1!)).toEqual(Array.from(a2!));
    const [a3] = await encoder.embed([SENTENCE]);
    expect(maxAbsDiff(a1!, a3!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(a1!, b!)).toBeGreaterThan(1e-3);
    // Case is folded by the (BERT, lower-casing) tokenizer, so this is the same input.
    const [upper] = await encoder.embed([SENTENCE.toUpperCase()]);
    expect(maxAbsDiff(a1!, upper!)).toBeLessThan(1e-6);
  });

  it('rejects bad input with typed errors and stays usable', async () => {
    await expectInputError(encoder.embed(['']), 'empty-text');
    await expectInputError(encoder.embed(['ok', '  \n\t ']), 'empty-text');
    await expectInputError(encoder.embed(['\u0007\u0007']), 'empty-text'); // only characters the normalizer drops
    await expectInputError(encoder.embed(['x'.repeat(10_001)]), 'text-too-long');
    const manyWords = Array.from({ length: TINY_MAX_LENGTH }, () => 'shirt').join(' '); // 64 words + [CLS] + [SEP]
    await expectInputError(encoder.embed([manyWords]), 'text-too-long');
    await expect(encoder.embed([null as unknown as string])).rejects.toThrow(TypeError);
    const [v] = await encoder.embed([SENTENCE]);
    expect(v!.length).toBe(TINY_HIDDEN_SIZE);
  });

  it('truncates instead when asked to', async () => {
    const truncating = await load({ truncate: true, maxTextChars: 50_000, warmUp: false });
    try {
      const long = Array.from({ length: 200 }, () => 'wool').join(' ');
      const [v] = await truncating.embed([long]);
      expect(Math.abs(norm(v!) - 1)).toBeLessThan(1e-5);
      await expectInputError(truncating.embed([' ']), 'empty-text');
    } finally {
      truncating.dispose();
    }
  });

  it('fails to load what is not on disk, without trying the network', async () => {
    await expect(load({ modelId: 'no-such-model' })).rejects.toThrow(/not found locally|allowRemoteModels=false/);
    await expect(load({ modelId: '../escape' })).rejects.toThrow(/modelId/);
    await expect(load({ dims: 384 })).rejects.toThrow(/hidden_size 16/);
    expect(fetchCalls).toEqual([]);
  });

  it('in a browser, refuses a CDN fallback and models from another origin', async () => {
    // Pretend to be a module worker: the checks run before any file is read.
    vi.stubGlobal('WorkerGlobalScope', class {});
    vi.stubGlobal('location', { href: 'https://shop.example/assets/engine-worker.js', origin: 'https://shop.example' });
    try {
      await expect(load({ localModelPath: 'https://shop.example/models/' })).rejects.toThrow(/wasmPaths is required/);
      await expect(load({ localModelPath: 'https://cdn.example/models/', wasmPaths: '/ort-wasm/' })).rejects.toThrow(/not on this origin/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fetchCalls).toEqual([]);
  });

  it('refuses use after dispose', async () => {
    const e = await load({ warmUp: false });
    e.dispose();
    await expect(e.embed([SENTENCE])).rejects.toThrow(/disposed/);
  });
});
