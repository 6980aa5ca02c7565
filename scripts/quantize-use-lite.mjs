#!/usr/bin/env node
// Writes smaller weight variants of the USE-Lite text encoder next to the original:
//   public/models/use-lite-f16/  float16 weights  (`"quantization": {"dtype": "float16"}`)
//   public/models/use-lite-q8/   uint8 affine per tensor (`"quantization": {"dtype": "uint8", "min", "scale"}`)
//   public/models/use-lite-mixed/ uint8, except the two FFN output projections (FFN/conv2, the tensors
//                                 most hurt by uint8: wide range with outliers) in float16
// in the tfjs weights-manifest format, so tf.loadGraphModel dequantises them to float32 at load.
// Only float32 tensors with at least --min-elements values are quantised (biases, layer-norm
// parameters and scalars stay float32: a few KB); int32 tensors are copied unchanged.
// Reads public/models/use-lite/ (written by scripts/copy-assets.mjs); copies vocab.json and LICENSE.
// model.json gets `userDefinedMetadata.useLiteWeights = "<variant>"`, which the encoder checks
// and puts into its info.version. Change the variant name if the algorithm here changes.
//
// Usage: node scripts/quantize-use-lite.mjs [--variants f16,q8,mixed] [--min-elements 4096]
// Numbers: npx tsx scripts/measure-text-quantization.ts
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = join(root, 'public', 'models');
const sourceDir = join(modelsDir, 'use-lite');
const SHARD_BYTES = 4 * 1024 * 1024;
const VARIANTS = { f16: 'use-lite-f16', q8: 'use-lite-q8', mixed: 'use-lite-mixed' };

/** Storage of one float32 tensor in a variant: 'float16' or 'uint8'. */
function storageFor(variant, name) {
  if (variant === 'f16') return 'float16';
  if (variant === 'q8') return 'uint8';
  return /\/FFN\/conv2\//.test(name) ? 'float16' : 'uint8';
}

function parseArgs(argv) {
  const args = { variants: Object.keys(VARIANTS), minElements: 4096 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--variants') args.variants = argv[++i].split(',').filter(Boolean);
    else if (argv[i] === '--min-elements') args.minElements = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  for (const v of args.variants) if (!(v in VARIANTS)) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  if (!(args.minElements >= 1)) throw new Error('--min-elements must be >= 1');
  return args;
}

const BYTES_PER_VALUE = { float32: 4, int32: 4, uint8: 1, bool: 1 };

function readWeights(dir) {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const tensors = [];
  for (const group of modelJson.weightsManifest) {
    const data = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    let offset = 0;
    for (const spec of group.weights) {
      if (spec.quantization) throw new Error(`${spec.name} is already quantised`);
      const bytesPerValue = BYTES_PER_VALUE[spec.dtype];
      if (!bytesPerValue) throw new Error(`${spec.name}: unsupported dtype ${spec.dtype}`);
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const bytes = data.subarray(offset, offset + size * bytesPerValue);
      offset += size * bytesPerValue;
      tensors.push({ spec, size, bytes });
    }
    if (offset !== data.length) throw new Error(`weights of ${group.paths[0]}… cover ${offset} of ${data.length} bytes`);
  }
  return { modelJson, tensors };
}

function float32Values(tensor) {
  // Copy: Buffer pools are not 4-byte aligned.
  return new Float32Array(Uint8Array.from(tensor.bytes).buffer);
}

// uint8 affine as in tfjs-converter (quantization.py): the range is nudged so that 0.0 is exactly
// representable; value = q * scale + min.
function quantizeUint8(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const quantMax = 255;
  let scale = (hi - lo) / quantMax;
  let min = lo;
  if (scale === 0) {
    return { bytes: new Uint8Array(values.length), quantization: { dtype: 'uint8', min, scale: 0 } };
  }
  if (lo <= 0 && hi >= 0) {
    const zeroPoint = Math.round(-lo / scale);
    min = -zeroPoint * scale;
  }
  const q = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    q[i] = Math.min(quantMax, Math.max(0, Math.round((values[i] - min) / scale)));
  }
  // JSON keeps doubles; tfjs multiplies in doubles and stores float32, so no rounding of min/scale here.
  return { bytes: q, quantization: { dtype: 'uint8', min, scale } };
}

// float32 -> IEEE half bits, round to nearest even; handles subnormals, overflow to Inf, NaN.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalfBits(value) {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  return sign | half;
}

function quantizeFloat16(values) {
  const half = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (Math.abs(values[i]) > 65504) return null; // out of float16 range: keep float32
    half[i] = toHalfBits(values[i]);
  }
  return { bytes: new Uint8Array(half.buffer), quantization: { dtype: 'float16' } };
}

function writeVariant(variant, { modelJson, tensors }, minElements) {
  const outDir = join(modelsDir, VARIANTS[variant]);
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (/^group\d+-shard\d+of\d+/.test(f)) rmSync(join(outDir, f));

  const specs = [];
  const chunks = [];
  let quantised = 0;
  for (const tensor of tensors) {
    let out = null;
    if (tensor.spec.dtype === 'float32' && tensor.size >= minElements) {
      const values = float32Values(tensor);
      out = storageFor(variant, tensor.spec.name) === 'uint8' ? quantizeUint8(values) : quantizeFloat16(values);
    }
    if (out) {
      quantised++;
      specs.push({ ...tensor.spec, quantization: out.quantization });
      chunks.push(Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength));
    } else {
      specs.push({ ...tensor.spec });
      chunks.push(tensor.bytes);
    }
  }
  const data = Buffer.concat(chunks);
  const shardCount = Math.max(1, Math.ceil(data.length / SHARD_BYTES));
  const paths = [];
  for (let i = 0; i < shardCount; i++) {
    const name = `group1-shard${i + 1}of${shardCount}`;
    writeFileSync(join(outDir, name), data.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
    paths.push(name);
  }
  const outJson = {
    ...modelJson,
    weightsManifest: [{ paths, weights: specs }],
    userDefinedMetadata: {
      ...(modelJson.userDefinedMetadata ?? {}),
      useLiteWeights: variant,
      quantizedBy: 'scripts/quantize-use-lite.mjs',
      quantizedMinElements: minElements,
    },
  };
  writeFileSync(join(outDir, 'model.json'), JSON.stringify(outJson));
  for (const f of ['vocab.json', 'LICENSE']) {
    if (existsSync(join(sourceDir, f))) copyFileSync(join(sourceDir, f), join(outDir, f));
  }
  return { outDir, bytes: data.length, quantised, total: tensors.length };
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(join(sourceDir, 'model.json'))) throw new Error(`${sourceDir}/model.json missing: run node scripts/copy-assets.mjs first`);
const weights = readWeights(sourceDir);
for (const variant of args.variants) {
  const r = writeVariant(variant, weights, args.minElements);
  console.log(`${variant}: ${r.outDir} weights ${(r.bytes / 1e6).toFixed(2)} MB, ${r.quantised} of ${r.total} tensors quantised`);
}
