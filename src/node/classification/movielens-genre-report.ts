/**
 * `npm run eval:encoders -- --classification --dataset movielens [--data DIR] [--only poster,plot,fused]`:
 * genre prediction from posters and plots on MovieLens-100k (research-only: the output goes to
 * the git-ignored eval-results/ only). Two tasks, both 5-fold held out (seed 42):
 * - multi-label (every movie, all its genres): kNN (k=10, cosine); a genre is predicted when at
 *   least half of the neighbours have it, or the most voted genre when none reaches half (every
 *   movie has at least one). One-vs-rest P/R/F1 per genre, macro and micro averages, with 95 %
 *   bootstrap intervals over movies (1000 resamples, percentile).
 * - single-label (movies with exactly one genre, genres with ≥ 10 such movies): the catalog
 *   report's kNN and linear probe (classification-run.ts), with confusion matrix SVG and the
 *   most confused pairs (MovieLens ids).
 * Plot vectors embed `title. plot` without the genre names (movie-plot-embeddings.ts); poster
 * vectors are the eval harness's cached ones. 'fused' concatenates both, for movies with both.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { percentileInterval, resampleWeights } from '../eval/bootstrap.ts';
import { movieEmbeddings } from '../eval/movie-embeddings.ts';
import { loadMovieLens, type Movie } from '../eval/movielens.ts';
import { classifyHeldOut } from './classification-run.ts';
import { stratifiedFolds } from './classifiers.ts';
import { confusionMatrixSvg } from './confusion-svg.ts';
import { withLargeClasses } from './labelled-vectors.ts';
import { moviePlotEmbeddings } from './movie-plot-embeddings.ts';
import { multiLabelReport, type MultiLabelReport } from './multi-label-metrics.ts';

const FOLDS = 5;
const SEED = 42;
const K = 10;

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Held-out multi-label kNN predictions (rule in the file comment). */
export function knnMultiLabel(vectors: Float32Array[], genres: string[][], labels: readonly string[], k = K): string[][] {
  const fold = stratifiedFolds(
    genres.map((g) => labels.indexOf(g[0]!)),
    FOLDS,
    SEED,
  );
  return vectors.map((x, i) => {
    const near = vectors
      .map((v, j) => [j === i || fold[j] === fold[i] ? -Infinity : dot(x, v), j] as const)
      .sort((p, q) => q[0] - p[0] || p[1] - q[1])
      .slice(0, k);
    const votes = new Map<string, number>();
    for (const [, j] of near) for (const g of genres[j]!) votes.set(g, (votes.get(g) ?? 0) + 1);
    const ranked = [...votes].sort((a, b) => b[1] - a[1] || labels.indexOf(a[0]) - labels.indexOf(b[0]));
    const chosen = ranked.filter(([, v]) => v >= k / 2).map(([g]) => g);
    return chosen.length > 0 ? chosen : [ranked[0]![0]];
  });
}

interface Interval {
  value: number;
  low: number;
  high: number;
}

function withIntervals(labels: readonly string[], actual: string[][], predicted: string[][]) {
  const report = multiLabelReport(labels, actual, predicted);
  const reps = resampleWeights(actual.length, { seed: SEED }).map((w) => multiLabelReport(labels, actual, predicted, w));
  const ci = (value: number, pick: (r: MultiLabelReport) => number): Interval => ({ value, ...percentileInterval(reps.map(pick)) });
  return {
    report,
    intervals: {
      macroF1: ci(report.macro.f1, (r) => r.macro.f1),
      microF1: ci(report.micro.f1, (r) => r.micro.f1),
      microPrecision: ci(report.micro.precision, (r) => r.micro.precision),
      microRecall: ci(report.micro.recall, (r) => r.micro.recall),
    },
  };
}

const fmt = (i: Interval) => `${i.value.toFixed(3)} [${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;

export async function runMovieLensGenreReport(dataDir: string | undefined, only: string[] | undefined, outDir = 'eval-results'): Promise<void> {
  const data = loadMovieLens(dataDir);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const posters = (await movieEmbeddings(data, log)).image.vectors;
  const plots = (await moviePlotEmbeddings(data, log)).vectors;
  // 'unknown' is MovieLens's placeholder for no genre, not a genre.
  const genresOf = (m: Movie) => m.genres.filter((g) => g !== 'unknown');
  const movies = data.movies.filter((m) => genresOf(m).length > 0);
  const all: Array<{ name: string; vector: (m: Movie) => Float32Array | undefined }> = [
    { name: 'poster', vector: (m) => posters[m.item] && unit(posters[m.item]!) },
    { name: 'plot', vector: (m) => plots[m.item] && unit(plots[m.item]!) },
    {
      name: 'fused (poster+plot)',
      vector: (m) => {
        const p = posters[m.item];
        const t = plots[m.item];
        if (!p || !t) return undefined;
        const v = new Float32Array(p.length + t.length);
        v.set(unit(p));
        v.set(unit(t), p.length);
        return unit(v);
      },
    },
  ];
  const sets = all.filter((s) => !only || only.some((o) => s.name.startsWith(o)));
  mkdirSync(outDir, { recursive: true });
  const results = [];
  for (const set of sets) {
    const have = movies.filter((m) => set.vector(m) !== undefined);
    const vectors = have.map((m) => set.vector(m)!);
    const genres = have.map(genresOf);
    const labels = [...new Set(genres.flat())].sort();
    const predicted = knnMultiLabel(vectors, genres, labels);
    const multi = withIntervals(labels, genres, predicted);
    // The floor: predicting every movie's set as the most frequent genre alone.
    const majority = labels.reduce((a, b) => (genres.filter((g) => g.includes(b)).length > genres.filter((g) => g.includes(a)).length ? b : a));
    const floor = withIntervals(
      labels,
      genres,
      genres.map(() => [majority]),
    );
    console.log(
      `${set.name}\tmulti-label, ${have.length} movies, ${labels.length} genres\tkNN k=${K}\tmacro F1 ${fmt(multi.intervals.macroF1)}\tmicro F1 ${fmt(multi.intervals.microF1)}\t(floor "all ${majority}": micro F1 ${fmt(floor.intervals.microF1)})`,
    );
    console.log(`  per genre F1: ${multi.report.labels.map((c) => `${c.label} ${c.f1.toFixed(2)}`).join(', ')}`);
    const single = withLargeClasses(
      set.name,
      have.filter((m) => genresOf(m).length === 1).map((m) => String(m.item + 1)),
      have.filter((m) => genresOf(m).length === 1).map((m) => genresOf(m)[0]!),
      have.filter((m) => genresOf(m).length === 1).map((m) => set.vector(m)!),
      10,
    );
    const runs = classifyHeldOut(single, { folds: FOLDS, seed: SEED });
    for (const run of runs) {
      const r = run.report;
      console.log(
        `${set.name}\tsingle-genre, ${single.ids.length} movies\t${run.classifier}\taccuracy ${r.accuracy.toFixed(3)}\tmacro P/R/F1 ${r.macro.precision.toFixed(3)}/${r.macro.recall.toFixed(3)}/${r.macro.f1.toFixed(3)}\tmajority ${run.majorityAccuracy.toFixed(3)}`,
      );
      console.log(
        `  most confused: ${run.mostConfused
          .slice(0, 3)
          .map((p) => `${p.actual}→${p.predicted} ${p.count} (movies ${p.items.slice(0, 3).join(', ')})`)
          .join('; ')}`,
      );
      const svg = join(outDir, `classification-movielens-${set.name.split(' ')[0]}-${run.classifier.split(' ')[0]}.svg`.replace(/[^\w./-]+/g, '-'));
      writeFileSync(svg, confusionMatrixSvg(run.confusion, `MovieLens single-genre movies: ${set.name}, ${run.classifier} (5-fold held out)`));
    }
    results.push({
      set: set.name,
      multiLabel: {
        movies: have.length,
        classifier: `kNN (k=${K}, cosine, genre if ≥ half the neighbours have it)`,
        ...multi,
        majorityFloor: { genre: majority, ...floor },
      },
      singleLabel: { movies: single.ids.length, droppedItems: single.droppedItems, droppedClasses: single.droppedClasses, runs },
    });
  }
  const file = join(outDir, 'classification-movielens.json');
  writeFileSync(
    file,
    `${JSON.stringify({ dataset: data.dataDir, createdAt: new Date().toISOString(), folds: FOLDS, seed: SEED, bootstrap: { resamples: 1000, level: 0.95, over: 'movies' }, plotText: 'title. plot (no genre names)', results }, null, 1)}\n`,
  );
  console.log(`wrote ${file}`);
}
