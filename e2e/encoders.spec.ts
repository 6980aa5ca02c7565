import { expect, test } from './test.ts';
import { NodeEncoders } from '../src/node/node-encoders.ts';
import { initNodeTf } from '../src/node/node-tf.ts';
import { embedFilesInPage, embedTextInPage, readyReport, rejectionOf } from './engine-page.ts';
import { cosine, SAMPLE_AUDIO, SAMPLE_IMAGES, SAMPLE_TEXT_STAMPS, stampBytes, stampDescription, stampsDir } from './stamp-fixtures.ts';
import { join } from 'node:path';
import { itemAt } from '../src/shared/item-at.ts';

const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
const texts = SAMPLE_TEXT_STAMPS.map(stampDescription);

/** Reference vectors from the same encoders in Node (tfjs wasm backend, sharp/resvg decoding). */
let nodeText: number[][];
let nodeImages: number[][];
let nodeAudio: number[][];

test.beforeAll(async () => {
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  nodeText = (await encoders.embedText(texts)).vectors.map((v) => Array.from(v));
  nodeImages = (await encoders.embedImageFiles(SAMPLE_IMAGES.map((p) => join(stampsDir, p)))).vectors.map((v) => Array.from(v));
  nodeAudio = (await encoders.embedAudioFiles(SAMPLE_AUDIO.map((p) => join(stampsDir, p)))).vectors.map((v) => Array.from(v));
  await encoders.dispose();
});

for (const backend of BACKENDS) {
  test(`worker on ${backend} and Node give the same text, image and audio vectors, and embedding leaks no tensors`, async ({ page }) => {
    // The software WebGPU and WebGL adapters of a GPU-less machine run these networks very slowly.
    test.setTimeout(backend === 'webgpu' || backend === 'webgl' ? 900_000 : 180_000);
    await page.goto(`/?backend=${backend}`);
    const report = await readyReport(page);
    test.skip(report.backend !== backend, `${backend} is not available in this browser`);

    const text = await embedTextInPage(page, texts);
    expect(text.encoder).toMatchObject({ modality: 'text', name: 'use-lite', version: '1-mixed-sp1', dims: 512 });
    // USE-Lite needs synchronous GPU readback, which WebGPU in a worker lacks: on WebGPU text runs on WASM.
    expect(text.backend).toBe(backend === 'webgpu' ? 'wasm' : backend);
    text.vectors.forEach((v, i) => expect(cosine(v, itemAt(nodeText, i)), `${backend} text "${texts[i]}"`).toBeGreaterThanOrEqual(0.999));

    const images = await embedFilesInPage(page, 'embedImages', SAMPLE_IMAGES.map(stampBytes));
    expect(images.encoder).toMatchObject({ modality: 'image', dims: 1280 });
    expect(images.backend).toBe(backend);
    images.vectors.forEach((v, i) => expect(cosine(v, itemAt(nodeImages, i)), `${backend} ${SAMPLE_IMAGES[i]}`).toBeGreaterThanOrEqual(0.999));

    const audio = await embedFilesInPage(page, 'embedAudio', SAMPLE_AUDIO.map(stampBytes));
    expect(audio.encoder).toMatchObject({ modality: 'audio', name: 'basic-pitch+meyda', dims: itemAt(nodeAudio, 0).length });
    expect(audio.backend).toBe(backend);
    audio.vectors.forEach((v, i) => expect(cosine(v, itemAt(nodeAudio, i)), `${backend} ${SAMPLE_AUDIO[i]}`).toBeGreaterThanOrEqual(0.99));

    // Models are loaded now; another batch must leave the tensor count exactly where it was.
    const before = await page.evaluate(() => window.engine!.api.tensorCount());
    await embedTextInPage(page, texts);
    await embedFilesInPage(page, 'embedImages', SAMPLE_IMAGES.slice(0, 2).map(stampBytes));
    await embedFilesInPage(page, 'embedAudio', SAMPLE_AUDIO.slice(0, 1).map(stampBytes));
    expect(await page.evaluate(() => window.engine!.api.tensorCount())).toBe(before);
  });
}

test('bad input gets a typed error that names the problem, and the worker keeps working', async ({ page }) => {
  await page.goto('/');
  await readyReport(page);
  const png = stampBytes(itemAt(SAMPLE_IMAGES, 0));
  const corruptPng = Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 0x5a)]);
  const ogg = stampBytes(itemAt(SAMPLE_AUDIO, 0));
  const corruptOgg = Buffer.concat([ogg.subarray(0, 64), Buffer.alloc(4000, 0x33)]);
  const silentWav = wav(new Int16Array(22050));

  const cases: Array<[string, unknown, string]> = [
    ['embedText', [''], '[empty-text]'],
    ['embedText', ['   \n\t '], '[empty-text]'],
    ['embedText', ['a'.repeat(1024 * 1024)], '[text-too-long]'],
    ['embedImages', { base64: corruptPng.toString('base64') }, '[corrupt-image]'],
    ['embedImages', { base64: '' }, '[corrupt-image]'],
    ['embedImages', { base64: Buffer.from('just some text, not a picture').toString('base64') }, '[unsupported-format]'],
    ['embedAudio', { base64: '' }, '[empty-audio]'],
    ['embedAudio', { base64: silentWav.toString('base64') }, '[silent-audio]'],
    ['embedAudio', { base64: corruptOgg.toString('base64') }, '[corrupt-audio]'],
    ['embedAudio', { base64: png.toString('base64') }, '[unsupported-format]'],
  ];
  for (const [call, arg, problem] of cases) {
    const error = await rejectionOf(page, call, arg);
    expect(error, `${call} ${problem}`).toBeDefined();
    expect(error!.name).toBe('EncoderInputError');
    expect(error!.message.startsWith(problem), error!.message).toBe(true);
    // The worker is alive and the next good call works.
    const ok = await embedTextInPage(page, [itemAt(texts, 0)]);
    expect(cosine(itemAt(ok.vectors, 0), itemAt(nodeText, 0))).toBeGreaterThanOrEqual(0.999);
  }
  const image = await embedFilesInPage(page, 'embedImages', [png]);
  expect(cosine(itemAt(image.vectors, 0), itemAt(nodeImages, 0))).toBeGreaterThanOrEqual(0.999);
  const sound = await embedFilesInPage(page, 'embedAudio', [ogg]);
  expect(cosine(itemAt(sound.vectors, 0), itemAt(nodeAudio, 0))).toBeGreaterThanOrEqual(0.99);
});

/** A mono 16-bit PCM WAV file at 22.05 kHz. */
function wav(samples: Int16Array): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples.byteLength, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(22050, 24);
  header.writeUInt32LE(22050 * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples.byteLength, 40);
  return Buffer.concat([header, Buffer.from(samples.buffer)]);
}
