// `npm run eval:shared-space`: how well the learned shared space finds one modality of an
// item from another, on items it was NOT trained on, against the unaligned baseline (random
// Gaussian projections of the same size) and chance.
//
//   npm run eval:shared-space -- [--catalog DIR] [--folds N] [--seed N] [--dims N] [--steps N]
//        [--lr X] [--batch N] [--temperature X] [--learn-temperature] [--category-weight X]
//        [--weight-decay X] [--dropout X] [--quantization float16|uint8|float32] [--train-scores] [--out FILE]
//
// The items are shuffled (seeded) and cut into 5 folds; for each fold a space is trained on the
// other 80 % and evaluated on the held-out 20 % (`--folds 1` runs one 80/20 split only). For
// every ordered modality pair A→B: queries = held-out items with A and B, gallery = held-out
// items with B; Recall@1 / Recall@10 of the query's own item, and the precision@10 of its
// top-level category. The weights are evaluated as they ship (quantised, decoded back).
// Prints a table (mean over folds) and writes JSON to bench-results/ (or --out).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODALITIES, type CatalogManifest } from '../engine/catalog/catalog-manifest.ts';
import {
  DEFAULT_SHARED_SPACE_QUANTIZATION,
  encodeSharedSpace,
  decodeSharedSpaceWeights,
  type SharedSpaceQuantization,
  type SharedSpaceWeights,
} from '../engine/catalog/shared-space-format.ts';
import { SharedSpace } from '../engine/catalog/shared-space.ts';
import type { Modality } from '../protocol/embedding.ts';
import { readCatalogFolder } from './catalog/shared-space-files.ts';
import {
  seededRandom,
  sharedSpaceDataFromCatalog,
  SHARED_SPACE_DEFAULTS,
  trainSharedSpace,
  type TrainSharedSpaceOptions,
} from './catalog/train-shared-space.ts';
import { initNodeTf } from './node-tf.ts';
import { readCliFlags } from './cli-flags.ts';
import { chanceScores, randomProjections, retrievalScores, type RetrievalScores } from './shared-space-eval.ts';
import { itemAt } from '../shared/item-at.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Args {
  catalog: string;
  folds: number;
  seed: number;
  quantization: SharedSpaceQuantization;
  trainScores: boolean;
  out?: string;
  train: TrainSharedSpaceOptions;
}

const USAGE =
  'usage: npm run eval:shared-space -- [--catalog DIR] [--folds N] [--seed N] [--dims N] [--steps N] [--lr X] [--batch N] [--temperature X] [--learn-temperature] [--category-weight X] [--weight-decay X] [--dropout X] [--quantization float16|uint8|float32] [--train-scores] [--out FILE]';
const NUMBER_FLAGS = ['folds', 'seed', 'dims', 'steps', 'lr', 'batch', 'temperature', 'category-weight', 'weight-decay', 'dropout'] as const;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    catalog: join(root, 'public', 'catalogs', 'tuxpaint'),
    folds: 5,
    seed: 1,
    quantization: DEFAULT_SHARED_SPACE_QUANTIZATION,
    trainScores: false,
    train: {},
  };
  const flags = readCliFlags(argv, { values: ['catalog', 'out', 'quantization', ...NUMBER_FLAGS], booleans: ['train-scores', 'learn-temperature'] }, USAGE);
  const number = (name: (typeof NUMBER_FLAGS)[number]): number | undefined => {
    const value = flags.value(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${name} needs a number (got ${value})`);
    return n;
  };
  const catalog = flags.value('catalog');
  if (catalog !== undefined) args.catalog = resolve(catalog);
  args.folds = number('folds') ?? args.folds;
  args.seed = number('seed') ?? args.seed;
  const out = flags.value('out');
  if (out !== undefined) args.out = out;
  const q = flags.value('quantization');
  if (q !== undefined) {
    if (q !== 'float16' && q !== 'uint8' && q !== 'float32') throw new Error('--quantization takes float16, uint8 or float32');
    args.quantization = q;
  }
  args.trainScores = flags.has('train-scores');
  const train: Array<
    ['dims' | 'steps' | 'learningRate' | 'batchSize' | 'temperature' | 'categoryWeight' | 'weightDecay' | 'inputDropout', (typeof NUMBER_FLAGS)[number]]
  > = [
    ['dims', 'dims'],
    ['steps', 'steps'],
    ['learningRate', 'lr'],
    ['batchSize', 'batch'],
    ['temperature', 'temperature'],
    ['categoryWeight', 'category-weight'],
    ['weightDecay', 'weight-decay'],
    ['inputDropout', 'dropout'],
  ];
  for (const [key, name] of train) {
    const value = number(name);
    if (value !== undefined) args.train[key] = value;
  }
  if (flags.has('learn-temperature')) args.train.learnTemperature = true;
  if (!(Number.isSafeInteger(args.folds) && args.folds >= 1 && args.folds <= 5)) throw new Error('--folds takes 1 to 5');
  return args;
}

type Method = 'trained' | 'random' | 'chance' | 'trained-on-train';
type PairKey = `${Modality}→${Modality}`;

/** Rows of `modality` for `items` projected by `space`, and the items that had one. */
function project(
  space: SharedSpace,
  manifest: CatalogManifest,
  vectors: Partial<Record<Modality, Float32Array>>,
  modality: Modality,
  items: readonly number[],
) {
  const dims = manifest.vectorFiles[modality]!.dims;
  const data = vectors[modality]!;
  const have = items.filter((i) => itemAt(manifest.items, i).vectorRows[modality] !== undefined);
  const input = new Float32Array(have.length * dims);
  have.forEach((item, k) => {
    const row = itemAt(manifest.items, item).vectorRows[modality]!;
    input.set(data.subarray(row * dims, (row + 1) * dims), k * dims);
  });
  return { items: have, rows: space.projectRows(modality, input, have.length) };
}

function evaluate(
  space: SharedSpace,
  manifest: CatalogManifest,
  vectors: Partial<Record<Modality, Float32Array>>,
  items: readonly number[],
  topCategory: string[],
) {
  const out = new Map<PairKey, { scores: RetrievalScores; chance: RetrievalScores }>();
  const projected = new Map(space.modalities.map((m) => [m, project(space, manifest, vectors, m, items)] as const));
  for (const a of space.modalities) {
    for (const b of space.modalities) {
      if (a === b) continue;
      const gallery = projected.get(b)!;
      const inGallery = new Set(gallery.items);
      const source = projected.get(a)!;
      const keep = source.items.map((item, k) => [item, k] as const).filter(([item]) => inGallery.has(item));
      const queries = new Float32Array(keep.length * space.dims);
      keep.forEach(([, k], i) => queries.set(source.rows.subarray(k * space.dims, (k + 1) * space.dims), i * space.dims));
      const queryItems = keep.map(([item]) => item);
      out.set(`${a}→${b}`, {
        scores: retrievalScores(queries, queryItems, gallery.rows, gallery.items, space.dims, topCategory),
        chance: chanceScores(queryItems, gallery.items, topCategory),
      });
    }
  }
  return out;
}

const pct = (x: number) => (100 * x).toFixed(1).padStart(5);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await initNodeTf('wasm');
  const { manifest, vectors } = await readCatalogFolder(args.catalog);
  const data = sharedSpaceDataFromCatalog(manifest, vectors);
  const topCategory = manifest.items.map((item) => itemAt(item.category.split('/'), 0));
  const modalities = MODALITIES.filter((m) => data.modalities[m]);
  const settings = { ...SHARED_SPACE_DEFAULTS, ...args.train };
  console.error(
    `catalog ${args.catalog}: ${manifest.items.length} items, ${modalities.join(', ')}; ${args.folds} fold(s) of a seeded 5-way split (80 % train, 20 % held out)`,
  );
  console.error(`settings: ${JSON.stringify({ ...settings, quantization: args.quantization })}`);

  // Seeded 5-way split of the item indices.
  const random = seededRandom(args.seed);
  const order = manifest.items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [itemAt(order, j), itemAt(order, i)];
  }
  const foldOf = new Int32Array(order.length);
  order.forEach((item, k) => (foldOf[item] = k % 5));

  const results = new Map<Method, Map<PairKey, RetrievalScores[]>>();
  const add = (method: Method, scores: Map<PairKey, RetrievalScores>) => {
    let byPair = results.get(method);
    if (!byPair) results.set(method, (byPair = new Map<PairKey, RetrievalScores[]>()));
    for (const [pair, s] of scores) {
      const list = byPair.get(pair) ?? [];
      list.push(s);
      byPair.set(pair, list);
    }
  };
  const trainingStats: unknown[] = [];
  const weightBytes: number[] = [];

  for (let fold = 0; fold < args.folds; fold++) {
    const heldOut = order.filter((i) => foldOf[i] === fold).sort((a, b) => a - b);
    const trainItems = order.filter((i) => foldOf[i] !== fold).sort((a, b) => a - b);
    const trained = await trainSharedSpace(data, { ...args.train, seed: args.seed + fold, trainItems });
    // Evaluate the weights as they ship: quantised, then decoded.
    const encoded = await encodeSharedSpace(trained.weights, {
      encoders: manifest.encoders,
      quantization: args.quantization,
      temperature: trained.temperature,
      training: {},
    });
    weightBytes.push(encoded.weightsBytes.byteLength);
    const shipped: SharedSpaceWeights = await decodeSharedSpaceWeights(encoded.weightsBytes, encoded.spec, 'weights.bin');
    const space = new SharedSpace(shipped);
    const evaluated = evaluate(space, manifest, vectors, heldOut, topCategory);
    add('trained', new Map([...evaluated].map(([k, v]) => [k, v.scores])));
    add('chance', new Map([...evaluated].map(([k, v]) => [k, v.chance])));
    if (args.trainScores) {
      // Memorisation, for contrast: a same-sized sample of the training items.
      const sample = trainItems.filter((_, k) => k % 4 === 0);
      add('trained-on-train', new Map([...evaluate(space, manifest, vectors, sample, topCategory)].map(([k, v]) => [k, v.scores])));
    }
    const inputDims = Object.fromEntries(modalities.map((m) => [m, data.modalities[m]!.dims]));
    const random = new SharedSpace(randomProjections(inputDims, trained.weights.dims, 1000 + args.seed + fold));
    add('random', new Map([...evaluate(random, manifest, vectors, heldOut, topCategory)].map(([k, v]) => [k, v.scores])));
    trainingStats.push(trained.stats);
    const r = results.get('trained')!;
    const mean1 = [...r.values()].reduce((s, l) => s + itemAt(l, l.length - 1).recallAt1, 0) / r.size;
    console.error(
      `fold ${fold + 1}/${args.folds}: trained ${trainItems.length} items in ${trained.stats.seconds.toFixed(1)} s (loss ${trained.stats.initialLoss.toFixed(3)} → ${trained.stats.finalLoss.toFixed(3)}); held-out mean R@1 over pairs ${pct(mean1)} %`,
    );
  }

  // Table: mean over folds.
  const mean = (list: RetrievalScores[], key: keyof RetrievalScores) => list.reduce((s, x) => s + x[key], 0) / list.length;
  const methods: Method[] = ['trained', ...(args.trainScores ? (['trained-on-train'] as Method[]) : []), 'random', 'chance'];
  const pairsList = [...results.get('trained')!.keys()];
  const table: Record<string, Record<string, { queries: number; gallery: number; recallAt1: number; recallAt10: number; categoryPrecisionAt10: number }>> = {};
  const lines: string[] = [];
  lines.push(`| pair (A→B) | queries / gallery per fold | method | R@1 % | R@10 % | same top category P@10 % |`);
  lines.push(`|---|---|---|---|---|---|`);
  for (const pair of pairsList) {
    table[pair] = {};
    for (const method of methods) {
      const list = results.get(method)!.get(pair)!;
      const row = {
        queries: mean(list, 'queries'),
        gallery: mean(list, 'gallery'),
        recallAt1: mean(list, 'recallAt1'),
        recallAt10: mean(list, 'recallAt10'),
        categoryPrecisionAt10: mean(list, 'categoryPrecisionAt10'),
      };
      table[pair][method] = row;
      lines.push(
        `| ${pair} | ${row.queries.toFixed(0)} / ${row.gallery.toFixed(0)} | ${method} | ${pct(row.recallAt1)} | ${pct(row.recallAt10)} | ${pct(row.categoryPrecisionAt10)} |`,
      );
    }
  }
  const overall = (method: Method, key: keyof RetrievalScores) =>
    pairsList.reduce((s, p) => {
      const row = table[p]?.[method];
      if (row === undefined) throw new Error(`no ${method} row for ${p}`);
      return s + (row as unknown as RetrievalScores)[key];
    }, 0) / pairsList.length;
  for (const method of methods) {
    lines.push(
      `| **mean of pairs** | | ${method} | ${pct(overall(method, 'recallAt1'))} | ${pct(overall(method, 'recallAt10'))} | ${pct(overall(method, 'categoryPrecisionAt10'))} |`,
    );
  }
  console.log(lines.join('\n'));
  console.log(`weights: ${weightBytes[0]} bytes (${args.quantization}), dims ${settings.dims}`);

  const out = args.out ?? join(root, 'bench-results', `shared-space-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    JSON.stringify(
      {
        catalog: args.catalog,
        items: manifest.items.length,
        folds: args.folds,
        seed: args.seed,
        quantization: args.quantization,
        settings,
        weightsBytes: weightBytes[0],
        table,
        meanOfPairs: Object.fromEntries(
          methods.map((m) => [
            m,
            { recallAt1: overall(m, 'recallAt1'), recallAt10: overall(m, 'recallAt10'), categoryPrecisionAt10: overall(m, 'categoryPrecisionAt10') },
          ]),
        ),
        perFold: Object.fromEntries(methods.map((m) => [m, Object.fromEntries([...results.get(m)!].map(([p, l]) => [p, l]))])),
        training: trainingStats,
      },
      null,
      1,
    ) + '\n',
  );
  console.error(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
