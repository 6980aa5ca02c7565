import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogManifest } from '../../src/engine/catalog/catalog-manifest.ts';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { loadCatalogFiles, type FetchFn } from '../../src/engine/catalog/fetch-catalog.ts';
import { LoadedCatalog } from '../../src/engine/catalog/loaded-catalog.ts';
import {
  decodeSharedSpaceSpecFile,
  decodeSharedSpaceWeights,
  encodeSharedSpace,
  type SharedSpaceSpec,
  type SharedSpaceWeights,
} from '../../src/engine/catalog/shared-space-format.ts';
import { CatalogFormatError, encodeVectors, sha256Hex } from '../../src/engine/catalog/vector-codec.ts';
import { SharedSpace } from '../../src/engine/catalog/shared-space.ts';
import { categoryAffinity, gaussian, seededRandom, trainSharedSpace, type SharedSpaceTrainingData } from '../../src/node/catalog/train-shared-space.ts';
import { buildCatalog, type CatalogEncoders, type SourceItem } from '../../src/node/catalog/build-catalog.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import type { Embedding } from '../../src/protocol/embedding.ts';
import { randomProjections, retrievalScores } from '../../src/node/shared-space-eval.ts';
import { itemAt } from '../../src/shared/item-at.ts';
import { defined } from '../defined.ts';

// ---------------------------------------------------------------------------------------
// Synthetic paired data (a numeric fixture for the maths, not real vectors): every item has a
// hidden 8-d code = its category's centre + its own offset; "text" (24-d) and "image" (40-d)
// are two different random linear views of the code plus noise, so only a learned projection
// can line the two up. Item 5k+4 has no image.

const CATEGORIES = ['animals/birds', 'animals/mammals', 'food', 'vehicles/auto'];
const N = 64;
const TEXT_DIMS = 24;
const IMAGE_DIMS = 40;

function matmul(a: Float32Array, rows: number, inner: number, b: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let k = 0; k < inner; k++)
      for (let c = 0; c < cols; c++) out[r * cols + c] = itemAt(out, r * cols + c) + itemAt(a, r * inner + k) * itemAt(b, k * cols + c);
  return out;
}

function syntheticData(): { data: SharedSpaceTrainingData; text: Float32Array; image: Float32Array; imageItems: number[] } {
  const random = seededRandom(42);
  const latent = 8;
  const centres = gaussian(random, CATEGORIES.length * latent, 1);
  const codes = new Float32Array(N * latent);
  const offsets = gaussian(random, N * latent, 1);
  for (let i = 0; i < N; i++)
    for (let d = 0; d < latent; d++) codes[i * latent + d] = itemAt(centres, (i % CATEGORIES.length) * latent + d) * 0.7 + itemAt(offsets, i * latent + d);
  const text = matmul(codes, N, latent, gaussian(random, latent * TEXT_DIMS, 1), TEXT_DIMS);
  const textNoise = gaussian(random, text.length, 0.3);
  text.forEach((_, i) => (text[i] = itemAt(text, i) + itemAt(textNoise, i)));
  const imageItems = Array.from({ length: N }, (_, i) => i).filter((i) => i % 5 !== 4);
  const allImages = matmul(codes, N, latent, gaussian(random, latent * IMAGE_DIMS, 1), IMAGE_DIMS);
  const image = new Float32Array(imageItems.length * IMAGE_DIMS);
  const imageNoise = gaussian(random, image.length, 0.3);
  imageItems.forEach((item, row) => {
    for (let d = 0; d < IMAGE_DIMS; d++) image[row * IMAGE_DIMS + d] = itemAt(allImages, item * IMAGE_DIMS + d) + itemAt(imageNoise, row * IMAGE_DIMS + d);
  });
  const items = Array.from({ length: N }, (_, i) => ({ id: `item-${i}`, category: itemAt(CATEGORIES, i % CATEGORIES.length) }));
  return {
    data: {
      items,
      modalities: {
        text: { data: text, dims: TEXT_DIMS, rowItem: Int32Array.from({ length: N }, (_, i) => i) },
        image: { data: image, dims: IMAGE_DIMS, rowItem: Int32Array.from(imageItems) },
      },
    },
    text,
    image,
    imageItems,
  };
}

/** Text→image retrieval on the given items with a space: R@1 of the same item. */
function textToImageRecall(space: SharedSpace, fixture: ReturnType<typeof syntheticData>, items: number[]): number {
  const withImage = items.filter((i) => fixture.imageItems.includes(i));
  const queries = space.projectRows(
    'text',
    Float32Array.from(withImage.flatMap((i) => [...fixture.text.subarray(i * TEXT_DIMS, (i + 1) * TEXT_DIMS)])),
    withImage.length,
  );
  const gallery = space.projectRows(
    'image',
    Float32Array.from(
      withImage.flatMap((i) => {
        const row = fixture.imageItems.indexOf(i);
        return [...fixture.image.subarray(row * IMAGE_DIMS, (row + 1) * IMAGE_DIMS)];
      }),
    ),
    withImage.length,
  );
  const categories = fixture.data.items.map((item) => itemAt(item.category.split('/'), 0));
  return retrievalScores(queries, withImage, gallery, withImage, space.dims, categories).recallAt1;
}

beforeAll(async () => {
  await initNodeTf('wasm');
});

describe('trainSharedSpace', () => {
  const fixture = syntheticData();
  let trained: Awaited<ReturnType<typeof trainSharedSpace>>;

  it('lowers the loss and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    trained = await trainSharedSpace(fixture.data, { dims: 16, steps: 150, batchSize: 32, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(trained.losses).toHaveLength(150);
    expect(trained.stats.finalLoss).toBeLessThan(trained.stats.initialLoss * 0.6);
    expect(trained.stats).toMatchObject({
      items: fixture.imageItems.length,
      dims: 16,
      steps: 150,
      batchSize: 32,
      seed: 3,
      pairs: { 'text-image': fixture.imageItems.length },
    });
    expect(trained.weights.projections.text!.kernel).toHaveLength(TEXT_DIMS * 16);
    expect(trained.weights.projections.image!.bias).toHaveLength(16);
  });

  it('ranks the paired modality of the same item first on the training items, far above an untrained space', () => {
    const all = Array.from({ length: N }, (_, i) => i);
    const space = new SharedSpace(trained.weights);
    const random = new SharedSpace(randomProjections({ text: TEXT_DIMS, image: IMAGE_DIMS }, 16, 9));
    const learnt = textToImageRecall(space, fixture, all);
    const unaligned = textToImageRecall(random, fixture, all);
    expect(learnt).toBeGreaterThan(0.8);
    expect(unaligned).toBeLessThan(0.2);
  });

  it('is deterministic given the seed, and the seed matters', async () => {
    const again = await trainSharedSpace(fixture.data, { dims: 16, steps: 150, batchSize: 32, seed: 3 });
    expect(again.losses).toEqual(trained.losses);
    expect(again.weights.projections.image!.kernel).toEqual(trained.weights.projections.image!.kernel);
    const other = await trainSharedSpace(fixture.data, { dims: 16, steps: 20, batchSize: 32, seed: 4 });
    expect(other.losses[0]).not.toBe(trained.losses[0]);
  });

  it('trains only on trainItems, and uses co-occurrence when given', async () => {
    const trainItems = Array.from({ length: 40 }, (_, i) => i);
    const partial = await trainSharedSpace(fixture.data, { dims: 8, steps: 5, seed: 1, trainItems });
    expect(partial.stats.items).toBe(trainItems.filter((i) => i % 5 !== 4).length); // items with both modalities
    const withSignals = await trainSharedSpace(
      { ...fixture.data, coOccurrence: { 'item-0': [{ item: 'item-1', score: 0.8 }] } },
      { dims: 8, steps: 5, seed: 1 },
    );
    expect(withSignals.stats.coOccurrenceWeight).toBeGreaterThan(0);
    expect(partial.stats.coOccurrenceWeight).toBe(0);
  });

  it('refuses data it cannot align', async () => {
    const onlyText = { items: fixture.data.items, modalities: { text: fixture.data.modalities.text! } };
    await expect(trainSharedSpace(onlyText, { steps: 1 })).rejects.toThrow(/at least two modalities/);
    await expect(trainSharedSpace(fixture.data, { steps: 1, trainItems: [4] })).rejects.toThrow(/at least two items/);
  });

  it('grades category overlap by the shared path prefix', () => {
    expect(categoryAffinity(['animals', 'birds'], ['animals', 'birds'])).toBe(1);
    expect(categoryAffinity(['animals', 'birds'], ['animals', 'mammals'])).toBe(0.5);
    expect(categoryAffinity(['animals'], ['animals', 'mammals'])).toBe(0.5);
    expect(categoryAffinity(['food'], ['animals'])).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// SharedSpace (engine)

function smallWeights(): SharedSpaceWeights {
  const random = seededRandom(5);
  return {
    dims: 6,
    projections: {
      text: { inputDims: 4, kernel: gaussian(random, 24), bias: gaussian(random, 6, 0.1) },
      audio: { inputDims: 3, kernel: gaussian(random, 18), bias: gaussian(random, 6, 0.1) },
    },
  };
}

describe('SharedSpace', () => {
  it('projects a matrix on the backend and a vector in JS alike, L2-normalised, leaking no tensors', () => {
    const weights = smallWeights();
    const space = new SharedSpace(weights);
    expect(space.modalities).toEqual(['text', 'audio']);
    expect(space.inputDims('audio')).toBe(3);
    const rows = gaussian(seededRandom(6), 5 * 4);
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(rows, [5, 4]);
    const projected = space.project('text', x);
    expect(projected.shape).toEqual([5, 6]);
    const values = projected.dataSync();
    x.dispose();
    projected.dispose();
    // Weights stay on the backend until release: 2 tensors (kernel, bias).
    expect(tf.memory().numTensors).toBe(before + 2);
    const zeros = tf.zeros([1, 4]) as tf.Tensor2D;
    space.project('text', zeros).dispose(); // reuses the uploaded weights
    zeros.dispose();
    expect(tf.memory().numTensors).toBe(before + 2);
    space.release();
    expect(tf.memory().numTensors).toBe(before);

    for (let r = 0; r < 5; r++) {
      const js = space.projectVector('text', rows.subarray(r * 4, (r + 1) * 4));
      let norm = 0;
      for (let j = 0; j < 6; j++) {
        expect(values[r * 6 + j]).toBeCloseTo(itemAt(js, j), 5);
        norm += itemAt(js, j) ** 2;
      }
      expect(norm).toBeCloseTo(1, 6);
      // By hand: x · kernel + bias, normalised.
      const z = Array.from(
        { length: 6 },
        (_, j) =>
          itemAt(weights.projections.text!.bias, j) +
          [0, 1, 2, 3].reduce((s, i) => s + itemAt(rows, r * 4 + i) * itemAt(weights.projections.text!.kernel, i * 6 + j), 0),
      );
      const n = Math.hypot(...z);
      z.forEach((v, j) => expect(js[j]).toBeCloseTo(v / n, 5));
    }
    expect(tf.memory().numTensors).toBe(before);
    space.dispose();
    expect(() => space.project('text', tf.zeros([1, 4]) as tf.Tensor2D)).toThrow(/disposed/);
  });

  it('names what is wrong with a call', () => {
    const space = new SharedSpace(smallWeights());
    expect(() => space.projectVector('image', [1])).toThrow('the shared space has no image projection (it has: text, audio)');
    expect(() => space.projectVector('text', [1, 2, 3])).toThrow('shared space text: expected 1 × 4 values, got 3');
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => space.project('text', x)).toThrow('shared space text: expected rows of 4 values, got shape [2, 3]');
    x.dispose();
    expect(() => new SharedSpace({ dims: 6, projections: { text: { inputDims: 4, kernel: new Float32Array(23), bias: new Float32Array(6) } } })).toThrow(
      /kernel has 23 values/,
    );
  });
});

// ---------------------------------------------------------------------------------------
// format: save → load

const BASE = 'https://shop.example/catalogs/shared/';

/** A catalog with text (int8) and audio (float16) vectors for 3 items, plus the shared space of `weights`. */
async function catalogFixture(weights: SharedSpaceWeights, quantization: 'float16' | 'uint8' | 'float32' = 'float16') {
  const random = seededRandom(8);
  const text = Array.from({ length: 3 }, () => gaussian(random, 4));
  const audio = Array.from({ length: 2 }, () => gaussian(random, 3));
  const textBytes = encodeVectors(text, 'int8');
  const audioBytes = encodeVectors(audio, 'float16');
  const encoded = await encodeSharedSpace(weights, {
    encoders: { text: { name: 'fixture-text', version: '1' }, audio: { name: 'fixture-audio', version: '1' } },
    quantization,
    temperature: 0.05,
    training: { seed: 1, steps: 10 },
  });
  const manifest = {
    schemaVersion: 1,
    name: 'shared fixture',
    createdAt: '2025-01-31T12:00:00Z',
    encoders: {
      text: { modality: 'text', name: 'fixture-text', version: '1', dims: 4 },
      audio: { modality: 'audio', name: 'fixture-audio', version: '1', dims: 3 },
    },
    vectorFiles: {
      text: { path: 'vectors/text.int8', format: 'int8', count: 3, dims: 4, bytes: textBytes.byteLength, sha256: await sha256Hex(textBytes) },
      audio: { path: 'vectors/audio.float16', format: 'float16', count: 2, dims: 3, bytes: audioBytes.byteLength, sha256: await sha256Hex(audioBytes) },
    },
    items: [
      { id: 'a/one', title: 'One', category: 'a', vectorRows: { text: 0, audio: 1 } },
      { id: 'a/two', title: 'Two', category: 'a', vectorRows: { text: 1 } },
      { id: 'b/three', title: 'Three', category: 'b', vectorRows: { text: 2, audio: 0 } },
    ],
    sharedSpace: {
      path: 'shared-space/weights.json',
      bytes: encoded.specBytes.byteLength,
      sha256: await sha256Hex(encoded.specBytes),
      dims: weights.dims,
      modalities: ['text', 'audio'],
    },
  } as Record<string, any>;
  const files = new Map<string, Uint8Array>([
    [`${BASE}manifest.json`, new TextEncoder().encode(JSON.stringify(manifest))],
    [`${BASE}vectors/text.int8`, textBytes],
    [`${BASE}vectors/audio.float16`, audioBytes],
    [`${BASE}shared-space/weights.json`, encoded.specBytes],
    [`${BASE}shared-space/weights.bin`, encoded.weightsBytes],
  ]);
  return { manifest, files, encoded, text, audio };
}

function fakeFetch(files: Map<string, Uint8Array>) {
  const calls: string[] = [];
  const fetch: FetchFn = async (url) => {
    calls.push(url);
    const body = files.get(url);
    return body ? new Response(body.slice()) : new Response('not found', { status: 404 });
  };
  return { fetch, calls };
}

async function formatError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).name).toBe('CatalogFormatError');
    expect(error).toBeInstanceOf(CatalogFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a CatalogFormatError');
}

describe('shared-space files', () => {
  it('round-trips through weights.json + weights.bin within float16 rounding, and tf.io.decodeWeights reads them too', async () => {
    const weights = smallWeights();
    const { manifest, encoded } = await catalogFixture(weights);
    const parsed = parseCatalogManifest(manifest, 'manifest.json');
    const spec = await decodeSharedSpaceSpecFile(encoded.specBytes, parsed, 'weights.json');
    expect(spec.weightsManifest[0].weights.map((w) => [w.name, w.shape, w.quantization?.dtype])).toEqual([
      ['text/kernel', [4, 6], 'float16'],
      ['text/bias', [6], 'float16'],
      ['audio/kernel', [3, 6], 'float16'],
      ['audio/bias', [6], 'float16'],
    ]);
    expect(encoded.weightsBytes.byteLength).toBe((24 + 6 + 18 + 6) * 2);
    expect(spec.modalities.text).toEqual({ inputDims: 4, encoder: { name: 'fixture-text', version: '1' } });
    const decoded = await decodeSharedSpaceWeights(encoded.weightsBytes, spec, 'weights.bin');
    for (const m of ['text', 'audio'] as const) {
      const a = weights.projections[m]!;
      const b = decoded.projections[m]!;
      a.kernel.forEach((v, i) => expect(Math.abs(itemAt(b.kernel, i) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
    }
    // Same projections within float16 rounding.
    const original = new SharedSpace(weights);
    const loaded = new SharedSpace(decoded);
    const query = [0.3, -0.2, 0.9, 0.1];
    const p = original.projectVector('text', query);
    const q = loaded.projectVector('text', query);
    p.forEach((v, j) => expect(Math.abs(itemAt(q, j) - v)).toBeLessThan(2e-3));

    // tfjs reads the same binary with the same spec.
    const tensors = tf.io.decodeWeights(encoded.weightsBytes.slice().buffer, spec.weightsManifest[0].weights);
    expect(Array.from(defined(tensors['audio/kernel'], 'audio/kernel').dataSync())).toEqual(Array.from(decoded.projections.audio!.kernel));
    Object.values(tensors).forEach((t) => t.dispose());

    for (const quantization of ['uint8', 'float32'] as const) {
      const other = await catalogFixture(weights, quantization);
      const otherSpec = await decodeSharedSpaceSpecFile(other.encoded.specBytes, parseCatalogManifest(other.manifest, 'm'), 'weights.json');
      const otherDecoded = await decodeSharedSpaceWeights(other.encoded.weightsBytes, otherSpec, 'weights.bin');
      const viaTf = tf.io.decodeWeights(other.encoded.weightsBytes.slice().buffer, otherSpec.weightsManifest[0].weights);
      const fromTf = defined(viaTf['text/kernel'], 'text/kernel').dataSync();
      otherDecoded.projections.text!.kernel.forEach((v, i) => expect(v).toBeCloseTo(itemAt(fromTf, i), 6));
      Object.values(viaTf).forEach((t) => t.dispose());
      const tolerance = quantization === 'uint8' ? 0.05 : 1e-6;
      const r = new SharedSpace(otherDecoded).projectVector('text', query);
      p.forEach((v, j) => expect(Math.abs(itemAt(r, j) - v)).toBeLessThan(tolerance));
    }
  });

  it('loads with the catalog: projected item matrices on the backend, released and re-uploaded, cached by hash', async () => {
    const weights = smallWeights();
    const fixture = await catalogFixture(weights);
    const { fetch, calls } = fakeFetch(fixture.files);
    const files = await loadCatalogFiles(BASE, { fetch, caches: null });
    expect(calls).toEqual([
      `${BASE}manifest.json`,
      `${BASE}vectors/text.int8`,
      `${BASE}vectors/audio.float16`,
      `${BASE}shared-space/weights.json`,
      `${BASE}shared-space/weights.bin`,
    ]);
    expect(files.sharedSpace!.files.map((f) => [f.path, f.bytes, f.fromCache])).toEqual([
      ['shared-space/weights.json', fixture.encoded.specBytes.byteLength, false],
      ['shared-space/weights.bin', fixture.encoded.weightsBytes.byteLength, false],
    ]);
    expect(files.bytesFetched).toBe([...fixture.files.values()].reduce((n, b) => n + b.byteLength, 0));

    const catalog = new LoadedCatalog(files);
    expect(catalog.sharedSpace?.dims).toBe(6);
    expect(catalog.hasShared('text')).toBe(true);
    expect(catalog.hasShared('image')).toBe(false);
    const before = tf.memory().numTensors;
    const audio = catalog.sharedOnBackend('audio')!;
    expect(audio.shape).toEqual([2, 6]);
    // Row r of the projected matrix = audio row r, projected.
    const values = audio.dataSync();
    const row0 = catalog.sharedSpace!.projectVector('audio', catalog.vector('b/three', 'audio')!);
    row0.forEach((v, j) => expect(values[j]).toBeCloseTo(v, 5));
    expect(catalog.sharedVector('b/three', 'audio')).toEqual(row0);
    expect(catalog.sharedVector('a/two', 'audio')).toBeNull();
    expect(catalog.sharedOnBackend('audio')).toBe(audio); // once per backend
    // audio matrix + its projection + audio kernel and bias
    expect(tf.memory().numTensors).toBe(before + 4);
    catalog.upload(); // the text matrix; its projection is made on first use only
    expect(tf.memory().numTensors).toBe(before + 5);
    catalog.sharedOnBackend('text');
    expect(tf.memory().numTensors).toBe(before + 8);
    catalog.release();
    expect(tf.memory().numTensors).toBe(before);
    expect(audio.isDisposed).toBe(true);
    expect(catalog.sharedOnBackend('audio')!.isDisposed).toBe(false); // uploaded again
    const q = catalog.projectQuery('text', [1, 0, 0, 0]);
    expect(q).toHaveLength(6);
    expect(() => catalog.projectQuery('text', [1, 0])).toThrow('expected a 4-d text vector, got 2 values');
    expect(() => catalog.sharedOnBackend('image')).toThrow(/has no image vectors/);
    catalog.dispose();
    expect(tf.memory().numTensors).toBe(before);

    // Without a shared space in the manifest nothing changes.
    const plain = { ...fixture.manifest };
    delete plain.sharedSpace;
    const plainFiles = new Map(fixture.files);
    plainFiles.set(`${BASE}manifest.json`, new TextEncoder().encode(JSON.stringify(plain)));
    plainFiles.delete(`${BASE}shared-space/weights.json`);
    const loadedPlain = await loadCatalogFiles(BASE, { fetch: fakeFetch(plainFiles).fetch, caches: null });
    expect(loadedPlain.sharedSpace).toBeUndefined();
    const plainCatalog = new LoadedCatalog(loadedPlain);
    expect(plainCatalog.sharedSpace).toBeUndefined();
    expect(() => plainCatalog.sharedOnBackend('text')).toThrow('catalog "shared fixture" has no shared space');
    plainCatalog.dispose();
  });

  const badCases: Array<[string, (f: Awaited<ReturnType<typeof catalogFixture>>) => Promise<void> | void, string]> = [
    [
      'weights hash mismatch',
      (f) => {
        const bin = f.files.get(`${BASE}shared-space/weights.bin`)!.slice();
        bin[3] = itemAt(bin, 3) ^ 0xff;
        f.files.set(`${BASE}shared-space/weights.bin`, bin);
      },
      `${BASE}shared-space/weights.bin: sha256 mismatch: weights.json has `,
    ],
    [
      'truncated weights',
      (f) => void f.files.set(`${BASE}shared-space/weights.bin`, f.files.get(`${BASE}shared-space/weights.bin`)!.slice(0, 50)),
      `${BASE}shared-space/weights.bin: truncated: expected 108 bytes, got 50`,
    ],
    [
      'spec hash mismatch',
      (f) => {
        const spec = f.files.get(`${BASE}shared-space/weights.json`)!.slice();
        spec[spec.length - 3] = 0x20;
        f.files.set(`${BASE}shared-space/weights.json`, spec);
      },
      `${BASE}shared-space/weights.json: sha256 mismatch: manifest has `,
    ],
  ];

  it.each(badCases)('refuses a catalog whose shared space is damaged: %s', async (_, damage, message) => {
    const fixture = await catalogFixture(smallWeights());
    await damage(fixture);
    expect(await formatError(loadCatalogFiles(BASE, { fetch: fakeFetch(fixture.files).fetch, caches: null }))).toContain(message);
  });

  /** A spec rewritten (and re-hashed into the manifest), so the parser's checks are what fails. */
  async function withSpec(mutate: (spec: Record<string, any>) => void, mutateManifest?: (m: Record<string, any>) => void): Promise<string> {
    const fixture = await catalogFixture(smallWeights());
    const spec = JSON.parse(new TextDecoder().decode(fixture.encoded.specBytes)) as Record<string, any>;
    mutate(spec);
    const bytes = new TextEncoder().encode(JSON.stringify(spec));
    fixture.files.set(`${BASE}shared-space/weights.json`, bytes);
    fixture.manifest.sharedSpace.bytes = bytes.byteLength;
    fixture.manifest.sharedSpace.sha256 = await sha256Hex(bytes);
    mutateManifest?.(fixture.manifest);
    fixture.files.set(`${BASE}manifest.json`, new TextEncoder().encode(JSON.stringify(fixture.manifest)));
    return formatError(loadCatalogFiles(BASE, { fetch: fakeFetch(fixture.files).fetch, caches: null }));
  }

  const spec = `${BASE}shared-space/weights.json`;
  const specCases: Array<[string, (s: Record<string, any>) => void, string, ((m: Record<string, any>) => void)?]> = [
    [
      "input dims not the encoder's",
      (s) => {
        s.modalities.text.inputDims = 5;
        s.weightsManifest[0].weights[0].shape = [5, 6];
      },
      `${spec}: modalities.text: field "inputDims" is 5, but encoders.text has dims 4`,
    ],
    [
      'another encoder version',
      (s) => (s.modalities.audio.encoder.version = '2'),
      `${spec}: modalities.audio: trained on encoder fixture-audio@2, but the catalog's audio vectors come from fixture-audio@1`,
    ],
    ["dims not the manifest's", (s) => (s.dims = 7), `${spec}: field "dims" is 7, but the manifest's sharedSpace has dims 6`],
    [
      'a kernel of the wrong shape',
      (s) => (s.weightsManifest[0].weights[2].shape = [3, 7]),
      `${spec}: weightsManifest[0].weights[2]: field "shape" must be [3, 6] (got [3, 7])`,
    ],
    [
      'weights out of order',
      (s) => s.weightsManifest[0].weights.reverse(),
      `${spec}: weightsManifest[0].weights[0]: field "name" must be "text/kernel" (got "audio/bias")`,
    ],
    ['weightsBytes off', (s) => (s.weightsBytes = 100), `${spec}: field "weightsBytes" is 100, but the weights listed take 108 bytes`],
    [
      'unknown quantization',
      (s) => (s.weightsManifest[0].weights[1].quantization = { dtype: 'int4' }),
      `${spec}: weightsManifest[0].weights[1].quantization: field "dtype" must be "float16" or "uint8" (got "int4")`,
    ],
    [
      'a binary outside its folder',
      (s) => (s.weightsManifest[0].paths = ['../weights.bin']),
      `${spec}: weightsManifest[0]: field "paths" must be one file name next to the spec (got an array)`,
    ],
    ['another format', (s) => (s.format = 'tfjs-layers'), `${spec}: field "format" must be "ondevice-recs/shared-space" (got "tfjs-layers")`],
    ['a newer version', (s) => (s.formatVersion = 2), `${spec}: field "formatVersion" must be 1 (got 2): this app reads shared spaces of version 1`],
    ['a misspelt field', (s) => (s.tempreature = 1), `${spec}: unknown field "tempreature"`],
    ["modalities not the manifest's", (s) => delete s.modalities.audio, `${spec}: modalities: has text, but the manifest's sharedSpace lists text, audio`],
    [
      'the catalog changed encoder since',
      () => undefined,
      `${spec}: modalities.text: trained on encoder fixture-text@1, but the catalog's text vectors come from fixture-text@9`,
      (m) => (m.encoders.text.version = '9'),
    ],
  ];

  it.each(specCases)('refuses a spec with %s', async (_, mutate, message, mutateManifest) => {
    expect(await withSpec(mutate, mutateManifest)).toBe(message);
  });

  it('the spec and weights go through the Cache API keyed by their hashes', async () => {
    const fixture = await catalogFixture(smallWeights());
    const { fetch, calls } = fakeFetch(fixture.files);
    const store = new Map<string, Uint8Array>();
    const cache = {
      match: async (key: string) => (store.has(key) ? new Response(store.get(key)!.slice()) : undefined),
      put: async (key: string, response: Response) => void store.set(key, new Uint8Array(await response.arrayBuffer())),
      delete: async (key: string) => store.delete(key),
      keys: async () => [...store.keys()].map((url) => new Request(url)),
    };
    const caches = { open: async () => cache } as unknown as CacheStorage;
    await loadCatalogFiles(BASE, { fetch, caches });
    const spec: SharedSpaceSpec = JSON.parse(new TextDecoder().decode(fixture.encoded.specBytes));
    expect([...store.keys()]).toContain(`${BASE}shared-space/weights.json?catalog-sha256=${fixture.manifest.sharedSpace.sha256}`);
    expect([...store.keys()]).toContain(`${BASE}shared-space/weights.bin?catalog-sha256=${spec.weightsSha256}`);
    calls.length = 0;
    const again = await loadCatalogFiles(BASE, { fetch, caches });
    expect(calls).toEqual([`${BASE}manifest.json`]);
    expect(again.sharedSpace!.fromCache).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// manifest field

describe('manifest sharedSpace', () => {
  async function manifestWith(mutate: (entry: Record<string, any>, m: Record<string, any>) => void): Promise<CatalogManifest | string> {
    const { manifest } = await catalogFixture(smallWeights());
    mutate(manifest.sharedSpace, manifest);
    try {
      return parseCatalogManifest(manifest, 'manifest.json');
    } catch (error) {
      expect(error).toBeInstanceOf(CatalogFormatError);
      return (error as Error).message;
    }
  }

  it('parses a valid entry, listing the modalities in text, image, audio order', async () => {
    const parsed = (await manifestWith((e) => (e.modalities = ['audio', 'text']))) as CatalogManifest;
    expect(parsed.sharedSpace).toMatchObject({ path: 'shared-space/weights.json', dims: 6, modalities: ['text', 'audio'] });
  });

  const cases: Array<[string, (e: Record<string, any>, m: Record<string, any>) => unknown, string]> = [
    ['not an object', (_, m) => (m.sharedSpace = 'weights.json'), 'manifest.json: field "sharedSpace" must be an object (got "weights.json")'],
    ['missing path', (e) => delete e.path, 'manifest.json: sharedSpace: missing field "path"'],
    [
      'path outside the folder',
      (e) => (e.path = '../w.json'),
      'manifest.json: sharedSpace: field "path" must be a relative path inside the catalog folder (got "../w.json")',
    ],
    [
      'path of a vector file',
      (e) => (e.path = 'vectors/text.int8'),
      'manifest.json: sharedSpace: field "path" "vectors/text.int8" is also the path of a vector file',
    ],
    ['bytes 0', (e) => (e.bytes = 0), 'manifest.json: sharedSpace: field "bytes" must be an integer ≥ 1 (got 0)'],
    ['bad sha256', (e) => (e.sha256 = 'xyz'), 'manifest.json: sharedSpace: field "sha256" must be 64 lowercase hex digits (got "xyz")'],
    ['dims not an integer', (e) => (e.dims = 6.5), 'manifest.json: sharedSpace: field "dims" must be an integer ≥ 1 (got 6.5)'],
    ['missing modalities', (e) => delete e.modalities, 'manifest.json: sharedSpace: missing field "modalities"'],
    ['one modality', (e) => (e.modalities = ['text']), 'manifest.json: sharedSpace: field "modalities" must list at least two modalities (got 1)'],
    ['a modality twice', (e) => (e.modalities = ['text', 'text']), 'manifest.json: sharedSpace: field "modalities" lists text twice'],
    [
      'an unknown modality',
      (e) => (e.modalities = ['text', 'video']),
      'manifest.json: sharedSpace: field "modalities[1]" must be text, image or audio (got "video")',
    ],
    [
      'a modality without vectors',
      (e) => (e.modalities = ['text', 'image']),
      'manifest.json: sharedSpace: field "modalities" lists image, but the catalog has no image vectors (no vectorFiles.image)',
    ],
    ['an unknown field', (e) => (e.weights = 'w.bin'), 'manifest.json: sharedSpace: unknown field "weights"'],
  ];

  it.each(cases)('refuses %s', async (_, mutate, message) => {
    expect(await manifestWith(mutate)).toBe(message);
  });
});

// ---------------------------------------------------------------------------------------
// builder option (fake encoders: the builder's plumbing, not the encoders)

class FakeEncoders implements CatalogEncoders {
  private vector(input: string, dims: number): Float32Array {
    let seed = 7;
    for (const c of input) seed = (Math.imul(seed, 31) + c.charCodeAt(0)) >>> 0;
    return gaussian(seededRandom(seed), dims);
  }
  async embedText(texts: readonly string[]): Promise<Embedding> {
    return { encoder: { modality: 'text', name: 'fake-text', version: '1', dims: 8 }, vectors: texts.map((t) => this.vector(t, 8)), backend: 'js' };
  }
  async embedImageFiles(): Promise<Embedding> {
    throw new Error('no images here');
  }
  async embedAudioFiles(paths: readonly string[]): Promise<Embedding> {
    return { encoder: { modality: 'audio', name: 'fake-audio', version: '1', dims: 6 }, vectors: paths.map((p) => this.vector(p, 6)), backend: 'js' };
  }
}

describe('buildCatalog and the shared space', () => {
  const temp = mkdtempSync(join(tmpdir(), 'shared-space-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const items = (count: number): SourceItem[] =>
    Array.from({ length: count }, (_, i) => {
      const audioPath = join(temp, `sound-${i}.wav`);
      writeFileSync(audioPath, `not really a sound ${i}`);
      return { id: `c${i % 3}/item-${i}`, title: `Item ${i}`, category: `c${i % 3}`, audioPath, metadata: {} };
    });

  it('trains one after the vectors, skips it on request or when it cannot, and never leaves a stale one', async () => {
    const out = join(temp, 'catalog');
    const encoders = new FakeEncoders();
    const summary = await buildCatalog(items(10), { outDir: out, encoders, sharedSpace: { steps: 20, dims: 4 } });
    expect(summary.sharedSpace).toMatchObject({ dims: 4, modalities: ['text', 'audio'], stats: { steps: 20, items: 10 } });
    const manifest = parseCatalogManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), 'manifest.json');
    expect(manifest.sharedSpace).toMatchObject({ path: 'shared-space/weights.json', dims: 4, modalities: ['text', 'audio'] });
    const spec = readFileSync(join(out, 'shared-space', 'weights.json'));
    expect(spec.byteLength).toBe(manifest.sharedSpace!.bytes);
    expect(await sha256Hex(new Uint8Array(spec))).toBe(manifest.sharedSpace!.sha256);
    const parsed = await decodeSharedSpaceSpecFile(new Uint8Array(spec), manifest, 'weights.json');
    expect(parsed.training).toMatchObject({ steps: 20, dims: 4, quantization: 'uint8' });
    const bin = new Uint8Array(readFileSync(join(out, 'shared-space', 'weights.bin')));
    expect(bin.byteLength).toBe(8 * 4 + 4 + 6 * 4 + 4); // uint8
    await decodeSharedSpaceWeights(bin, parsed, 'weights.bin');

    const without = await buildCatalog(items(10), { outDir: out, encoders, sharedSpace: false });
    expect(without.sharedSpace).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).sharedSpace).toBeUndefined();
    expect(existsSync(join(out, 'shared-space'))).toBe(false);

    const textOnly = await buildCatalog(items(10), { outDir: join(temp, 'text-only'), encoders, modalities: ['text'] });
    expect(textOnly.sharedSpace).toEqual({ skipped: 'it has vectors of one modality' });
    const few = await buildCatalog(items(5), { outDir: join(temp, 'few'), encoders });
    expect(few.sharedSpace).toEqual({ skipped: 'only 5 items have two modalities (at least 8 needed)' });
  });
});
