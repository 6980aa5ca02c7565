// Compares the USE-Lite weight variants (fp32, and f16, mixed, q8 from scripts/quantize-use-lite.mjs):
// download size, and cosine of each variant's vectors to the fp32 vectors over the first
// (English) line of every Tux Paint stamp description. Also nearest-neighbour agreement:
// how often a description's nearest other description is the same as under fp32.
// Usage (from the repo root): npx tsx scripts/measure-text-quantization.ts [--backend wasm|cpu]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VocabEntry } from '../src/engine/encoders/text/sentencepiece-tokenizer.ts';
import { loadUseLiteTextEncoder, USE_LITE_MODEL_DIRS, useLiteVocabPath, type UseLiteVariant } from '../src/engine/encoders/text/use-lite-text-encoder.ts';
import { fileModelSource } from '../src/node/file-model-source.ts';
import { initNodeTf } from '../src/node/node-tf.ts';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const modelsDir = join(root, 'public', 'models');

function stampDescriptions(): string[] {
  const dir = execFileSync('node', [join(root, 'scripts', 'fetch-tuxpaint-stamps.mjs')], { encoding: 'utf8' }).trim();
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.txt')) files.push(path);
    }
  };
  walk(dir);
  return files.map((f) => readFileSync(f, 'utf8').split('\n')[0]!.trim()).filter((line) => line.length > 0);
}

/** Bytes a browser downloads for a variant: model.json, its shards and vocab.json. */
function downloadBytes(variant: UseLiteVariant): number {
  const dir = join(modelsDir, USE_LITE_MODEL_DIRS[variant]);
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
  const files = ['model.json', 'vocab.json', ...modelJson.weightsManifest.flatMap((g) => g.paths)];
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function nearestOther(vectors: Float32Array[], i: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let j = 0; j < vectors.length; j++) {
    if (j === i) continue;
    const s = dot(vectors[i]!, vectors[j]!);
    if (s > bestScore) [best, bestScore] = [j, s];
  }
  return best;
}

async function main(): Promise<void> {
  const backendArg = process.argv.indexOf('--backend');
  const backend = backendArg >= 0 ? (process.argv[backendArg + 1] as 'wasm' | 'cpu') : 'wasm';
  await initNodeTf(backend);
  const texts = stampDescriptions();
  const source = fileModelSource(modelsDir);
  const variants: UseLiteVariant[] = ['fp32', 'f16', 'mixed', 'q8'];
  const results = new Map<UseLiteVariant, { vectors: Float32Array[]; loadMs: number; embedMs: number }>();
  for (const variant of variants) {
    if (!existsSync(join(modelsDir, USE_LITE_MODEL_DIRS[variant], 'model.json'))) {
      throw new Error(`${USE_LITE_MODEL_DIRS[variant]} missing: run node scripts/quantize-use-lite.mjs`);
    }
    const loadVocab = async (): Promise<VocabEntry[]> => JSON.parse(readFileSync(join(modelsDir, useLiteVocabPath(variant)), 'utf8')) as VocabEntry[];
    let t = performance.now();
    const encoder = await loadUseLiteTextEncoder(source, loadVocab, { variant });
    const loadMs = performance.now() - t;
    t = performance.now();
    const vectors = await encoder.embed(texts);
    const embedMs = performance.now() - t;
    encoder.dispose();
    results.set(variant, { vectors, loadMs, embedMs });
  }
  const reference = results.get('fp32')!.vectors;
  const referenceNearest = reference.map((_, i) => nearestOther(reference, i));
  console.log(`${texts.length} stamp descriptions (first line of each NAME.txt), backend ${backend}`);
  console.log(
    'variant | MB (model.json+shards+vocab) | mean cos vs fp32 | min cos vs fp32 | nearest-neighbour agreement | load ms | embed ms (all, batches of 32)',
  );
  for (const variant of variants) {
    const { vectors, loadMs, embedMs } = results.get(variant)!;
    const cosines = vectors.map((v, i) => dot(v, reference[i]!));
    const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
    const min = Math.min(...cosines);
    const worst = cosines.indexOf(min);
    // Agreement: the variant's nearest other description is (one of) fp32's nearest (duplicates tie).
    const agree =
      vectors.filter((_, i) => dot(reference[i]!, reference[nearestOther(vectors, i)]!) >= dot(reference[i]!, reference[referenceNearest[i]!]!) - 1e-6).length /
      vectors.length;
    console.log(
      `${variant} | ${(downloadBytes(variant) / 1e6).toFixed(2)} | ${mean.toFixed(6)} | ${min.toFixed(6)} | ${(agree * 100).toFixed(1)}% | ${loadMs.toFixed(0)} | ${embedMs.toFixed(0)}` +
        (variant === 'fp32' ? '' : `   (worst: ${JSON.stringify(texts[worst])})`),
    );
  }
}

await main();
