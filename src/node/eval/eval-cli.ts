// `npm run eval -- [--data DIR] [--protocol A|B|both] [--split dev|test|all] [--out FILE.json]
//   [--only name,name] [--limit-users N] [--k 10] [--seed 42]`
// Offline evaluation on MovieLens-100k (../shared/DATA.md §3): prints a table per protocol and
// writes FILE.json plus FILE.svg (a bar chart). Results go to the git-ignored eval-results/ by
// default and never into public/: MovieLens is research-only and must not be shipped.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseEvalArgs, USAGE } from './eval-args.ts';
import { evaluationChartSvg } from './eval-chart-svg.ts';
import { formatEvaluationTable, writeEvaluationJson, type EvaluationReport } from './eval-report.ts';
import { loadMovieLens } from './movielens.ts';
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
  const runs: EvaluationResult[] = [];
  for (const protocol of options.protocols) {
    let recommenders = await evaluatedRecommenders({ data, dataDir: data.dataDir, split: options.split, protocol });
    if (options.only) {
      const wanted = new Set(options.only.map((n) => n.toLowerCase()));
      const unknown = [...wanted].filter((n) => !recommenders.some((r) => r.name.toLowerCase() === n));
      if (unknown.length > 0) throw new Error(`--only: no recommender named ${unknown.join(', ')}; known: ${recommenders.map((r) => r.name).join(', ')}`);
      recommenders = recommenders.filter((r) => wanted.has(r.name.toLowerCase()));
    }
    const result = await runEvaluation({
      data,
      protocol,
      split: options.split,
      recommenders,
      k: options.k,
      seed: options.seed,
      limitUsers: options.limitUsers,
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
  console.log(`wrote ${relative(process.cwd(), options.out)} and ${relative(process.cwd(), svg)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
