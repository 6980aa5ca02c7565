// `npm run eval:privacy -- [--epsilons inf,8,4,2,1] [--min-sessions 5] [--rows "CF only,Hybrid late"]
//                          [--limit-users N] [--steps 3] [--resamples 1000] [--noise-seed 1] [--out FILE.json]`
//
// What the privacy of the catalog's aggregates costs in quality: protocol B on MovieLens DEV
// users (never test), the engine's rows with the training log aggregated as the builder would
// with --min-sessions K and --epsilon ε (private-aggregates.ts), every setting on the same cases
// and bootstrap resamples, each against the same row at K = 1, ε = ∞ (paired). Writes
// FILE.json (settings + the evaluation), FILE.md (the table) and FILE.svg (HR against ε) into
// the git-ignored eval-results/: MovieLens is research-only.
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { readCliFlags, type CliFlags } from '../cli-flags.ts';
import { engineVariants } from './engine-variants.ts';
import { assertNotShipped } from './eval-args.ts';
import type { EvaluatedRecommender } from './eval-types.ts';
import { movieItemContent } from './item-content.ts';
import { movieEmbeddings } from './movie-embeddings.ts';
import { DEFAULT_DATA_DIR, loadMovieLens, REPO_ROOT } from './movielens.ts';
import { privacyChartSvg, privacyTable } from './privacy-report.ts';
import { DEFAULT_EPSILONS, parseEpsilons, privacySettings, REFERENCE, rowName, settingLabel, settingSignalOptions } from './privacy-settings.ts';
import { runEvaluation } from './run-evaluation.ts';

const USAGE =
  'usage: npm run eval:privacy -- [--epsilons inf,8,4,2,1] [--min-sessions 5] [--rows "CF only,Hybrid late"] [--limit-users N] [--steps 3] [--resamples 1000] [--noise-seed 1] [--out eval-results/privacy-ml100k-dev.json] [--data DIR]';
const FLAGS = ['epsilons', 'min-sessions', 'rows', 'limit-users', 'steps', 'resamples', 'noise-seed', 'out', 'data'] as const;
type Flag = (typeof FLAGS)[number];

function positiveInteger(flags: CliFlags<Flag, never, never>, name: Flag, fallback: number): number {
  const raw = flags.value(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`--${name} must be an integer ≥ 1 (got "${raw}")\n${USAGE}`);
  return Number(raw);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(USAGE);
  const flags = readCliFlags(argv, { values: FLAGS }, USAGE);
  const epsilons = flags.has('epsilons') ? parseEpsilons(flags.value('epsilons') ?? '') : DEFAULT_EPSILONS;
  const minSessions = positiveInteger(flags, 'min-sessions', 5);
  const rows = (flags.value('rows') ?? 'CF only,Hybrid late')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const noiseSeed = Number(flags.value('noise-seed') ?? 1);
  if (!Number.isSafeInteger(noiseSeed) || noiseSeed < 0) throw new Error(`--noise-seed must be a non-negative integer\n${USAGE}`);
  const out = resolve(flags.value('out') ?? resolve(REPO_ROOT, 'eval-results/privacy-ml100k-dev.json'));
  if (!out.endsWith('.json')) throw new Error(`--out must name a .json file, got ${out}`);
  assertNotShipped(out);
  const settings = privacySettings(epsilons, minSessions);

  const data = loadMovieLens(flags.value('data') ?? DEFAULT_DATA_DIR);
  console.error(
    `MovieLens-100k from ${data.dataDir}: ${data.ratings.length} ratings; settings ${settings.map(settingLabel).join(', ')}; rows ${rows.join(', ')}`,
  );
  const content = movieItemContent(data.movies, await movieEmbeddings(data, (line) => console.error(line)));
  const recommenders: EvaluatedRecommender[] = [];
  for (const setting of settings) {
    const variants = engineVariants(data, (line) => console.error(line), settingSignalOptions(setting, noiseSeed));
    for (const row of rows) {
      const variant = variants.find((v) => v.name === row);
      if (!variant) throw new Error(`--rows: no engine row named ${row}; known: ${variants.map((v) => v.name).join(', ')}`);
      // The same recommender under the setting's name: fit and score are the variant's.
      recommenders.push({
        name: rowName(row, setting),
        group: variant.group,
        fit: (train) => variant.fit(train),
        score: (user) => variant.score(user),
        dispose: () => variant.dispose?.(),
      });
    }
  }
  const compare = rows.flatMap((row) => settings.filter((s) => s !== REFERENCE).map((s) => [rowName(row, s), rowName(row, REFERENCE)] as const));
  const result = await runEvaluation({
    data,
    protocol: 'B',
    split: 'dev',
    recommenders,
    content,
    steps: positiveInteger(flags, 'steps', 3),
    limitUsers: flags.has('limit-users') ? positiveInteger(flags, 'limit-users', 1) : undefined,
    bootstrap: { resamples: positiveInteger(flags, 'resamples', 1000), seed: 42 },
    compare,
    onProgress: ({ recommender, phase, done, total }) => {
      if (phase !== 'score') console.error(`  ${recommender}: ${phase} ${done}/${total}`);
    },
  });
  const table = privacyTable(result, rows, settings);
  console.log(`\n${table}\n`);
  const md = out.replace(/\.json$/, '.md');
  const svg = out.replace(/\.json$/, '.svg');
  writeFileSync(
    out,
    `${JSON.stringify({ dataset: 'MovieLens-100k (posters and plots)', createdAt: new Date().toISOString(), noiseSeed, settings: settings.map((s) => ({ ...s, epsilon: Number.isFinite(s.epsilon) ? s.epsilon : 'inf' })), rows, result }, null, 1)}\n`,
  );
  writeFileSync(
    md,
    `# Quality against the privacy of the catalog's aggregates\n\nProtocol B, MovieLens-100k dev users (${result.users} users, ${result.cases} cases), 95 % bootstrap intervals over users; differences paired (* = interval excludes 0). Noise seed ${noiseSeed}.\n\n${table}\n`,
  );
  writeFileSync(svg, privacyChartSvg(result, rows, settings));
  console.log(`wrote ${[out, md, svg].map((f) => relative(process.cwd(), f)).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
