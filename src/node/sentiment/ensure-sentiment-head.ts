// Part of `npm run catalog:default` (so of `npm start` and the e2e server): makes sure the
// review sentiment head the worker fetches, public/models/sentiment-head/head.json, exists and
// reads the served text encoder's vectors; otherwise trains it (`npm run train:sentiment
// -- --head-only`: the 3,000 UCI sentences of npm `sentiment`, embedded once and cached in
// eval-results/cache/sentiment/, minutes on a small machine; seconds after that).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSentimentHead } from '../../engine/sentiment/sentiment-head.ts';
import { RECOMMENDED_USE_LITE_VARIANT } from '../../engine/encoders/text/use-lite-text-encoder.ts';
import { DEFAULT_MODELS_DIR } from '../node-encoders.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const headPath = join(DEFAULT_MODELS_DIR, 'sentiment-head', 'head.json');

/** The head on disk, if it is a valid head for the served text encoder variant, fitted on what the served head is fitted on. */
function usableHead(): string | undefined {
  if (!existsSync(headPath)) return undefined;
  try {
    const head = parseSentimentHead(JSON.parse(readFileSync(headPath, 'utf8')), headPath);
    const served =
      head.encoder.name === 'use-lite' &&
      head.encoder.version === `1-${RECOMMENDED_USE_LITE_VARIANT}-sp1` &&
      head.trainedOn.corpora.join() === 'amazon,imdb,yelp';
    return served ? `${head.encoder.name}@${head.encoder.version}, ${head.trainedOn.sentences} sentences` : undefined;
  } catch {
    return undefined;
  }
}

export function ensureSentimentHead(): void {
  const found = usableHead();
  if (found) {
    console.log(`sentiment head: reusing ${headPath} (${found})`);
    return;
  }
  console.log(`sentiment head: training it into ${headPath} (first run only)`);
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'src', 'node', 'sentiment', 'sentiment-cli.ts'), '--head-only'],
    { stdio: 'inherit' },
  );
}
