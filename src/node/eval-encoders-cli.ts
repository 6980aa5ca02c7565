// `npm run eval:encoders`: how well each encoder alone groups the real Tux Paint stamps.
// For every stamp with that modality, find its nearest other stamp by cosine and check whether
// the two share a category folder (top level, e.g. `animals`, and full path, e.g.
// `animals/birds`). Chance = the mean share of other stamps in the same category, which is
// what a random neighbour would score. Vectors are cached in .cache/encoder-eval/.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { formatTable } from '../../bench/format-table.ts';
import type { Embedding } from '../protocol/embedding.ts';
import { NodeEncoders } from './node-encoders.ts';
import { initNodeTf } from './node-tf.ts';
import { listTuxPaintStamps, type TuxPaintStamp } from './tuxpaint-stamps.ts';
import { runClassificationReport } from './classification/classification-cli-report.ts';
import { itemAt } from '../shared/item-at.ts';
import { runMovieLensGenreReport } from './classification/movielens-genre-report.ts';

interface Subject {
  label: string;
  pick: (s: TuxPaintStamp) => string | undefined;
  embed: (encoders: NodeEncoders, inputs: string[]) => Promise<Embedding>;
}

const SUBJECTS: Subject[] = [
  { label: 'text (English description)', pick: (s) => s.description, embed: (e, x) => e.embedText(x) },
  { label: 'image', pick: (s) => s.imagePath, embed: (e, x) => e.embedImageFiles(x) },
  { label: 'audio: sound effects', pick: (s) => s.soundPath, embed: (e, x) => e.embedAudioFiles(x) },
  { label: 'audio: spoken description', pick: (s) => s.spokenPaths[0], embed: (e, x) => e.embedAudioFiles(x) },
];

export interface NeighbourScore {
  items: number;
  topHit: number;
  topChance: number;
  folderHit: number;
  folderChance: number;
}

/** Nearest-neighbour category agreement of unit vectors, against the chance rate. */
export function nearestNeighbourAgreement(vectors: Float32Array[], top: string[], folder: string[]): NeighbourScore {
  const n = vectors.length;
  let topHit = 0;
  let folderHit = 0;
  let topChance = 0;
  let folderChance = 0;
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestScore = -Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let d = 0; d < itemAt(vectors, i).length; d++) dot += itemAt(itemAt(vectors, i), d) * itemAt(itemAt(vectors, j), d);
      if (dot > bestScore) [best, bestScore] = [j, dot];
    }
    if (top[best] === top[i]) topHit++;
    if (folder[best] === folder[i]) folderHit++;
    topChance += (top.filter((t) => t === top[i]).length - 1) / (n - 1);
    folderChance += (folder.filter((f) => f === folder[i]).length - 1) / (n - 1);
  }
  return { items: n, topHit: topHit / n, topChance: topChance / n, folderHit: folderHit / n, folderChance: folderChance / n };
}

interface Embedded {
  stamps: TuxPaintStamp[];
  vectors: Float32Array[];
  /** Stamps whose input the encoder refused (e.g. a silent sound file), with the reason. */
  refused: string[];
}

async function embedCached(encoders: NodeEncoders, subject: Subject, stamps: TuxPaintStamp[], cacheDir: string): Promise<Embedded> {
  const cachePath = join(cacheDir, `${subject.label.replace(/\W+/g, '-')}.json`);
  const ids = stamps.map((s) => s.id);
  if (existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as { ids: string[]; kept: string[]; vectors: number[][]; refused: string[] };
    if (JSON.stringify(cached.ids) === JSON.stringify(ids)) {
      const kept = new Set(cached.kept);
      return { stamps: stamps.filter((s) => kept.has(s.id)), vectors: cached.vectors.map((v) => Float32Array.from(v)), refused: cached.refused };
    }
  }
  const out: Embedded = { stamps: [], vectors: [], refused: [] };
  const batch = 16;
  for (let start = 0; start < stamps.length; start += batch) {
    const group = stamps.slice(start, start + batch);
    try {
      out.vectors.push(
        ...(
          await subject.embed(
            encoders,
            group.map((s) => subject.pick(s)!),
          )
        ).vectors,
      );
      out.stamps.push(...group);
    } catch (error) {
      if ((error as Error).name !== 'EncoderInputError') throw error;
      // One bad file refuses the whole batch: retry one by one and keep the good ones.
      for (const stamp of group) {
        try {
          out.vectors.push(...(await subject.embed(encoders, [subject.pick(stamp)!])).vectors);
          out.stamps.push(stamp);
        } catch (single) {
          if ((single as Error).name !== 'EncoderInputError') throw single;
          out.refused.push(`${stamp.id}: ${(single as Error).message}`);
        }
      }
    }
    process.stderr.write(`\r${subject.label}: ${start + group.length}/${stamps.length}`);
  }
  process.stderr.write('\n');
  const kept = out.stamps.map((s) => s.id);
  writeFileSync(cachePath, JSON.stringify({ ids, kept, vectors: out.vectors.map((v) => Array.from(v)), refused: out.refused }));
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--classification')) {
    // Held-out category classification of a built catalog's stored vectors (classification-cli-report.ts).
    const at = (flag: string) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : undefined);
    if (at('--dataset') === 'movielens') return runMovieLensGenreReport(at('--data'), at('--only')?.split(','));
    return runClassificationReport(at('--catalog') ?? 'public/catalogs/tuxpaint', at('--only')?.split(','));
  }
  const stamps = listTuxPaintStamps(findOrFetchTuxPaintStamps());
  await initNodeTf('wasm');
  const encoders = new NodeEncoders();
  const cacheDir = join('.cache', 'encoder-eval');
  mkdirSync(cacheDir, { recursive: true });
  const rows: Array<Array<string | number>> = [];
  const results: Record<string, NeighbourScore & { refused: string[] }> = {};
  for (const subject of SUBJECTS) {
    const withInput = stamps.filter((s) => subject.pick(s) !== undefined);
    const embedded = await embedCached(encoders, subject, withInput, cacheDir);
    const score = nearestNeighbourAgreement(
      embedded.vectors,
      embedded.stamps.map((s) => s.topCategory),
      embedded.stamps.map((s) => s.category),
    );
    results[subject.label] = { ...score, refused: embedded.refused };
    for (const reason of embedded.refused) console.log(`refused ${reason}`);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    rows.push([subject.label, score.items, pct(score.topHit), pct(score.topChance), pct(score.folderHit), pct(score.folderChance)]);
  }
  await encoders.dispose();
  console.log('Nearest neighbour shares the category (Tux Paint stamps, each modality alone):');
  console.log(formatTable(['modality', 'stamps', 'same top category', 'chance', 'same folder', 'chance'], rows));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/encoder-quality.json', JSON.stringify({ date: new Date().toISOString(), results }, null, 2) + '\n');
  console.log('Wrote bench-results/encoder-quality.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
