// `npm run eval -- [--protocol B,C] [--split dev|test|all] …` (see eval-args.ts USAGE)
// Offline evaluation on MovieLens-100k (../shared/DATA.md §3): prints tables per protocol with
// 95 % bootstrap intervals and paired differences, and writes FILE.json plus FILE.svg (bars
// with error bars) and, with an MMR curve, FILE-mmr.svg. Results go to the git-ignored
// eval-results/ by default and never into public/: MovieLens is research-only.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseEvalArgs, USAGE, type EvalArgs } from './eval-args.ts';
import { evaluationChartSvg } from './eval-chart-svg.ts';
import { formatEvaluationTable, writeEvaluationJson, type EvaluationReport } from './eval-report.ts';
import type { EvaluatedRecommender } from './eval-types.ts';
import { movieItemContent } from './item-content.ts';
import { mmrCurveSvg } from './mmr-curve-svg.ts';
import { movieEmbeddings } from './movie-embeddings.ts';
import { loadMovieLens } from './movielens.ts';
import { readRankedLists } from './product-path-files.ts';
import type { Protocol } from './protocols.ts';
import { evaluatedRecommenders } from './recommender-registry.ts';
import { runEvaluation, type EvaluationResult } from './run-evaluation.ts';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const options = parseEvalArgs(argv);
  const data = loadMovieLens(options.data);
  console.error(`MovieLens-100k from ${data.dataDir}: ${data.ratings.length} ratings, ${data.itemCount} items`);
  // Content (cached embeddings) for protocol C, the content baselines and intra-list diversity.
  const content = movieItemContent(data.movies, await movieEmbeddings(data, (line) => console.error(line), { posters: options.content === 'text+image' }));
  const runs: EvaluationResult[] = [];
  for (const protocol of options.protocols) {
    const recommenders = selectRecommenders(
      await evaluatedRecommenders({
        data,
        dataDir: data.dataDir,
        split: options.split,
        protocol,
        ...(options.learnedEpochs === undefined ? {} : { learnedTraining: { epochs: options.learnedEpochs, timeBudgetMs: Infinity } }),
      }),
      options,
    );
    const curve = curveFor(protocol, recommenders, options);
    const result = await runEvaluation({
      data,
      protocol,
      split: options.split,
      recommenders,
      content,
      k: options.k,
      seed: options.seed,
      steps: options.steps,
      coldShare: options.coldShare,
      limitUsers: options.limitUsers,
      bootstrap: { resamples: options.resamples, seed: options.bootstrapSeed },
      compare: options.compare.filter(([a, b]) => {
        const missing = [a, b].filter((name) => !hasRow(name, recommenders, options));
        if (missing.length > 0) console.error(`  --compare ${a}:${b} skipped on protocol ${protocol}: no row ${missing.join(', ')} there`);
        return missing.length === 0;
      }),
      externalRows: options.lists.map(({ name, file }) => (cases, k) => {
        const read = readRankedLists(readFileSync(file, 'utf8'), file, cases, k, data.itemCount, { name });
        const { droppedSeen, droppedNotCandidate, shortLists } = read.report;
        console.error(
          `  ${name}: ${cases.length} lists from ${relative(process.cwd(), file)}; dropped ${droppedSeen} history items, ${droppedNotCandidate} non-candidates; ${shortLists} lists shorter than ${k}`,
        );
        return read;
      }),
      ...(curve ? { curve: { recommender: curve, lambdas: options.lambdas } } : {}),
      onProgress: ({ recommender, phase, done, total }) => {
        if (process.stderr.isTTY) process.stderr.write(`\r  ${protocol}/${options.split} ${recommender}: ${phase} ${done}/${total}   `);
        else if (phase !== 'score') console.error(`  ${protocol}/${options.split} ${recommender}: ${phase} ${done}/${total}`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(`\n${formatEvaluationTable(result)}\n`);
    runs.push(result);
  }
  const report: EvaluationReport = {
    dataset: 'MovieLens-100k (posters and plots)',
    createdAt: new Date().toISOString(),
    dataDir: data.dataDir,
    split: options.split,
    runs,
  };
  writeEvaluationJson(options.out, report);
  const svg = options.out.replace(/\.json$/, '.svg');
  writeFileSync(svg, evaluationChartSvg(report));
  const written = [options.out, svg];
  for (const run of runs.filter((r) => r.curve)) {
    const file = options.out.replace(/\.json$/, `-${run.protocol}-mmr.svg`);
    writeFileSync(file, mmrCurveSvg(run));
    written.push(file);
  }
  console.log(`wrote ${written.map((f) => relative(process.cwd(), f)).join(', ')}`);
}

function selectRecommenders(all: EvaluatedRecommender[], options: EvalArgs): EvaluatedRecommender[] {
  let out = all;
  if (options.only) {
    const wanted = new Set(options.only.map((n) => n.toLowerCase()));
    const unknown = [...wanted].filter((n) => !all.some((r) => r.name.toLowerCase() === n));
    if (unknown.length > 0) throw new Error(`--only: no recommender named ${unknown.join(', ')}; known: ${all.map((r) => r.name).join(', ')}`);
    out = out.filter((r) => wanted.has(r.name.toLowerCase()));
  }
  if (options.groups) {
    const groups = new Set(options.groups.map((g) => g.toLowerCase()));
    out = out.filter((r) => groups.has(r.group.toLowerCase()));
  }
  return out;
}

/** The curve runs on protocol B for the named recommender when it is in the run (the default one may not be). */
function curveFor(protocol: Protocol, recommenders: EvaluatedRecommender[], options: EvalArgs): string | undefined {
  if (protocol !== 'B' || !options.curve) return undefined;
  const found = recommenders.find((r) => r.name.toLowerCase() === options.curve!.toLowerCase());
  if (!found && options.curveNamed) throw new Error(`--curve: no recommender named ${options.curve} in this run`);
  return found?.name;
}

/** A --compare pair applies to a run only when both rows are in it (protocol C has no "CF only", for one). */
function hasRow(name: string, recommenders: EvaluatedRecommender[], options: EvalArgs): boolean {
  const n = name.toLowerCase();
  return recommenders.some((r) => r.name.toLowerCase() === n) || options.lists.some((l) => l.name.toLowerCase() === n);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
