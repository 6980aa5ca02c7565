import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Encoder, RgbaImage } from '../../src/engine/encoders/encoder.ts';
import { loadMobileNetImageEncoder } from '../../src/engine/encoders/image/mobilenet-image-encoder.ts';
import { IMAGE_INPUT_SIZE, prepareImage } from '../../src/engine/encoders/image/prepare-image.ts';
import { SVG_RENDER_SIZE, resvgWasmUrl } from '../../src/engine/encoders/image/rasterize-svg.ts';
import { sniffImageFormat } from '../../src/engine/encoders/image/sniff-image-format.ts';
import { detectImageFormat } from '../../src/shared/image/detect-image-format.ts';
import { decodeImageBytes, decodeImageFile } from '../../src/node/decode-image-file.ts';
import { fileModelSource } from '../../src/node/file-model-source.ts';
import { initNodeTf } from '../../src/node/node-tf.ts';
import { expectInputError } from './expect-input-error.ts';

const root = join(import.meta.dirname, '..', '..');
// Real Tux Paint stamps (Debian tuxpaint-stamps-default), found or fetched by the repo's script.
const stampsDir = execFileSync('node', [join(root, 'scripts', 'fetch-tuxpaint-stamps.mjs')], { encoding: 'utf8' }).trim();
const stamp = (path: string) => join(stampsDir, path);

const SEDAN = 'vehicles/auto/sedan.png'; // PNG with transparency, 220x66
const SPORTSCAR = 'vehicles/auto/sportscar.svg'; // SVG
const TIGER = 'animals/mammals/cats/tiger.png';
const LION = 'animals/mammals/cats/lion.png';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot; // both unit length
}

function norm(v: Float32Array): number {
  return Math.sqrt(cosine(v, v));
}

function solid(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

/** RGB (0..255) of the prepared 224x224 input at (x, y). */
function pixel(prepared: Float32Array, x: number, y: number): number[] {
  const i = (y * IMAGE_INPUT_SIZE + x) * 3;
  return [prepared[i]!, prepared[i + 1]!, prepared[i + 2]!].map((v) => Math.round(v * 255));
}

describe('sniffImageFormat', () => {
  const bytes = (...values: number[]) => Uint8Array.from(values);
  const text = (s: string) => new TextEncoder().encode(s);

  it('recognises formats from magic numbers, not names', () => {
    expect(sniffImageFormat(readFileSync(stamp(SEDAN)))).toBe('png');
    expect(sniffImageFormat(readFileSync(stamp(SPORTSCAR)))).toBe('svg');
    expect(detectImageFormat(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('jpeg');
    expect(detectImageFormat(text('GIF89a\x01\x00'))).toBe('gif');
    expect(detectImageFormat(text('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('webp');
    expect(
      detectImageFormat(
        text(
          '<?xml version="1.0"?>\n<!-- hi -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x" [\n<!ENTITY a "b">\n]>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
        ),
      ),
    ).toBe('svg');
    expect(detectImageFormat(text('\ufeff  <svg:svg xmlns:svg="http://www.w3.org/2000/svg"></svg:svg>'))).toBe('svg');
    expect(detectImageFormat(text('<html><svg></svg></html>'))).toBeUndefined();
  });

  it('rejects empty and unsupported files with typed errors', async () => {
    await expectInputError(() => sniffImageFormat(new Uint8Array(0), 'x.png'), 'corrupt-image', /x\.png is empty \(0 bytes\)/);
    await expectInputError(() => sniffImageFormat(text('BM\x36\x00\x00\x00\x00\x00')), 'unsupported-format', /BMP/);
    await expectInputError(() => sniffImageFormat(bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0)), 'unsupported-format', /TIFF/);
    await expectInputError(() => sniffImageFormat(bytes(0x00, 0x01, 0x02, 0xfe)), 'unsupported-format', /unknown format \(first bytes: 00 01 02 fe\)/);
    await expectInputError(
      () => sniffImageFormat(text('just some notes\n'), 'notes.png'),
      'unsupported-format',
      /notes\.png is text, not an image; expected PNG, JPEG, WebP, GIF or SVG/,
    );
  });
});

describe('prepareImage', () => {
  it('turns a fully transparent image white', () => {
    const prepared = prepareImage(solid(30, 20, [255, 0, 0, 0]));
    expect(prepared.length).toBe(IMAGE_INPUT_SIZE * IMAGE_INPUT_SIZE * 3);
    expect(prepared.every((v) => v === 1)).toBe(true);
  });

  it('composites translucent pixels onto white', () => {
    const prepared = prepareImage(solid(10, 10, [0, 0, 0, 128]));
    expect(pixel(prepared, 112, 112)).toEqual([127, 127, 127]);
  });

  it('letterboxes onto white, keeping the aspect ratio', () => {
    // 200x100 opaque red → 224x112, centred: rows 56..167 red, the rest white.
    const prepared = prepareImage(solid(200, 100, [255, 0, 0, 255]));
    expect(pixel(prepared, 0, 55)).toEqual([255, 255, 255]);
    expect(pixel(prepared, 0, 56)).toEqual([255, 0, 0]);
    expect(pixel(prepared, 223, 167)).toEqual([255, 0, 0]);
    expect(pixel(prepared, 223, 168)).toEqual([255, 255, 255]);
    // tall image: columns instead of rows
    const tall = prepareImage(solid(50, 100, [0, 0, 255, 255]));
    expect(pixel(tall, 55, 0)).toEqual([255, 255, 255]);
    expect(pixel(tall, 56, 0)).toEqual([0, 0, 255]);
    expect(pixel(tall, 167, 223)).toEqual([0, 0, 255]);
    expect(pixel(tall, 168, 223)).toEqual([255, 255, 255]);
  });

  it('trims transparent borders so padding does not change the input', () => {
    const object = solid(20, 10, [0, 128, 0, 255]);
    const padded: RgbaImage = { width: 60, height: 50, data: new Uint8ClampedArray(60 * 50 * 4) };
    for (let y = 0; y < 10; y++) padded.data.set(object.data.subarray(y * 80, (y + 1) * 80), ((y + 7) * 60 + 13) * 4);
    const a = prepareImage(padded);
    const b = prepareImage(object);
    expect(a.every((v, i) => v === b[i])).toBe(true);
  });

  it('rejects malformed pixel data', async () => {
    await expectInputError(() => prepareImage({ width: 0, height: 5, data: new Uint8Array(0) }), 'corrupt-image', /invalid size 0x5/);
    await expectInputError(() => prepareImage({ width: 2, height: 2, data: new Uint8Array(15) }), 'corrupt-image', /expected 2x2x4 = 16/);
  });
});

describe('decodeImageBytes (Node)', () => {
  it('decodes a real PNG stamp with its transparency', async () => {
    const image = await decodeImageFile(stamp(SEDAN));
    expect([image.width, image.height]).toEqual([220, 66]);
    expect(image.data.length).toBe(220 * 66 * 4);
    expect(image.data[3]).toBe(0); // transparent corner
  });

  it('rasterises a real SVG stamp with resvg to a fixed size', async () => {
    const image = await decodeImageFile(stamp(SPORTSCAR));
    expect(Math.max(image.width, image.height)).toBe(SVG_RENDER_SIZE);
    expect(image.data.length).toBe(image.width * image.height * 4);
    expect(resvgWasmUrl('/assets/')).toBe('/assets/resvg/index_bg.wasm');
  });

  it('names the problem for empty, corrupt and unsupported files', async () => {
    await expectInputError(decodeImageBytes(new Uint8Array(0), 'empty.png'), 'corrupt-image', /empty/);
    const garbagePng = new Uint8Array(200);
    garbagePng.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (let i = 8; i < garbagePng.length; i++) garbagePng[i] = (i * 37 + 11) % 256;
    await expectInputError(decodeImageBytes(garbagePng, 'bad.png'), 'corrupt-image', /bad\.png looks like PNG but could not be decoded/);
    const truncated = readFileSync(stamp(SEDAN)).subarray(0, 100);
    await expectInputError(decodeImageBytes(truncated, 'cut.png'), 'corrupt-image', /PNG/);
    await expectInputError(
      decodeImageBytes(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect'), 'bad.svg'),
      'corrupt-image',
      /bad\.svg is not a valid SVG/,
    );
    await expectInputError(decodeImageBytes(new TextEncoder().encode('hello, world\n'), 'notes.txt'), 'unsupported-format', /notes\.txt/);
    await expectInputError(decodeImageBytes(Uint8Array.from([0x42, 0x4d, 0x3a, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]), 'old.bmp'), 'unsupported-format', /BMP/);
  });
});

describe('MobileNetV2 image encoder (wasm backend)', () => {
  let encoder: Encoder<RgbaImage>;
  const images: Record<string, RgbaImage> = {};

  beforeAll(async () => {
    await initNodeTf('wasm');
    encoder = await loadMobileNetImageEncoder(fileModelSource(join(root, 'public', 'models')));
    for (const path of [SEDAN, SPORTSCAR, TIGER, LION]) images[path] = await decodeImageFile(stamp(path));
  });

  afterAll(() => encoder?.dispose());

  it('describes itself', () => {
    expect(encoder.info).toEqual({ modality: 'image', name: 'mobilenet-v2-nsfwjs', version: '4.4.0-flatten_1', dims: 1280 });
  });

  it('gives unit-length 1280-d vectors matching golden values', async () => {
    const [sedan, sportscar] = await encoder.embed([images[SEDAN]!, images[SPORTSCAR]!]);
    for (const v of [sedan!, sportscar!]) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(1280);
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(v.every((x) => x >= 0)).toBe(true); // pooled ReLU6 features
    }
    // Golden values: produced by running this encoder (tfjs 4.22 wasm backend; the cpu backend
    // agrees to ~1e-7) on the real stamps, not taken from any other source. They pin decoding,
    // prepare-image and the model cut: a change to any of them shows up here.
    const goldenSedan = [0, 0.0009966644, 0, 0.01629638];
    const goldenSportscar = [0, 0.002731281, 0, 0.02898469];
    goldenSedan.forEach((g, i) => expect(Math.abs(sedan![i]! - g)).toBeLessThan(1e-4));
    goldenSportscar.forEach((g, i) => expect(Math.abs(sportscar![i]! - g)).toBeLessThan(1e-4));
    expect(Math.abs(sedan![1097]! - 0.22217)).toBeLessThan(1e-4); // its largest component
  });

  it('puts two images of the same category closer than an unrelated one', async () => {
    const [sedan, sportscar, tiger, lion] = await encoder.embed([SEDAN, SPORTSCAR, TIGER, LION].map((p) => images[p]!));
    // Measured: car PNG vs car SVG 0.867 > car vs lion 0.588; tiger vs lion 0.815 > lion vs car SVG 0.499.
    expect(cosine(sedan!, sportscar!)).toBeGreaterThan(cosine(sedan!, lion!) + 0.1);
    expect(cosine(tiger!, lion!)).toBeGreaterThan(cosine(lion!, sportscar!) + 0.1);
  });

  it('gives the same vectors in a batch as one at a time', async () => {
    const order = [TIGER, SEDAN, SPORTSCAR, LION];
    const batch = await encoder.embed(order.map((p) => images[p]!));
    for (let i = 0; i < order.length; i++) {
      const [single] = await encoder.embed([images[order[i]!]!]);
      expect(cosine(batch[i]!, single!)).toBeGreaterThan(0.99999);
      for (let k = 0; k < 1280; k++) expect(Math.abs(batch[i]![k]! - single![k]!)).toBeLessThan(1e-5);
    }
    expect(await encoder.embed([])).toEqual([]);
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await encoder.embed([images[SEDAN]!, images[TIGER]!]);
    expect(tf.memory().numTensors).toBe(before);
    await expectInputError(encoder.embed([{ width: 3, height: 3, data: new Uint8Array(5) }]), 'corrupt-image');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('still works after a bad input', async () => {
    const [before] = await encoder.embed([images[TIGER]!]);
    await expectInputError(encoder.embed([images[SEDAN]!, { width: 4, height: 4, data: new Uint8Array(3) }]), 'corrupt-image', /image 1/);
    await expectInputError(decodeImageBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])), 'corrupt-image');
    const [after] = await encoder.embed([images[TIGER]!]);
    expect(cosine(before!, after!)).toBeGreaterThan(0.99999);
  });
});
