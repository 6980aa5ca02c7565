// `npm run train:sentiment`: trains the review sentiment head and measures it, in one run.
//
// 1. Reads the labelled sentences (UCI Amazon / IMDB / Yelp from npm `sentiment@5.0.2`, Pang &
//    Lee from Debian python3-pattern; sentiment-corpora.ts) and embeds them with the served
//    text encoder (use-lite-mixed), cached in eval-results/cache/sentiment/.
// 2. Cross-domain evaluation, every number with a 95 % bootstrap interval (1000 resamples
//    over sentences), against the AFINN lexicon (npm `sentiment`) on the same sentences:
//    - "uci-only": train on two UCI domains, test on the third; train on all three UCI, test on Pang & Lee;
//    - "leave-one-out": train on every other corpus (the two other UCI domains and Pang & Lee), test on the held-out one.
//    The L2 penalty of every fit is chosen by leave-one-domain-out inside that fit's training corpora only.
// 3. Trains the served head on the 3,000 UCI sentences (L2 chosen the same way) and writes it
//    to public/models/sentiment-head/head.json (or --head PATH); the results go to
//    eval-results/sentiment.json and are printed. Pang & Lee only measure: python3-pattern's
//    README says its corpora are for personal use, so nothing that ships is fitted on them;
//    the UCI sentences are CC BY 4.0 (attribution in docs/recommender.md).
//
// Flags: --head PATH, --out PATH (results JSON), --head-only (skip the evaluation: only the
// UCI sentences are read and embedded, nothing is downloaded).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SENTIMENT_HEAD_FORMAT, SENTIMENT_HEAD_VERSION, positiveProbability, type SentimentHead } from '../../engine/sentiment/sentiment-head.ts';
import type { EncoderInfo } from '../../protocol/embedding.ts';
import { DEFAULT_MODELS_DIR, NodeEncoders } from '../node-encoders.ts';
import { initNodeTf } from '../node-tf.ts';
import { afinnVerdicts } from './afinn-baseline.ts';
import { cachedSentenceVectors } from './cached-sentence-embeddings.ts';
import { accuracy, difference, domainResamples, meanAccuracy, type AccuracyWithReplicates } from './domain-accuracy.ts';
import { readSentimentCorpora, readUciCorpora, SENTIMENT_DOMAINS, type LabelledSentence, type SentimentDomain } from './sentiment-corpora.ts';
import { trainLogisticHead, type LogisticFit } from './train-logistic-head.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const DEFAULT_HEAD_PATH = join(DEFAULT_MODELS_DIR, 'sentiment-head', 'head.json');
const CACHE_DIR = join(root, 'eval-results', 'cache', 'sentiment');
/** The L2 penalties tried (on standardised weights); each fit picks one by inner leave-one-domain-out. */
/** What the served head is fitted on: the CC BY 4.0 UCI sentences only (see above). */
const SERVED_CORPORA: readonly SentimentDomain[] = ['amazon', 'imdb', 'yelp'];
const L2_GRID = [0.003, 0.03, 0.3];

interface DomainData {
  sentences: LabelledSentence[];
  vectors: Float32Array[];
}

type Corpora = Record<SentimentDomain, DomainData>;

const { values: flags } = parseArgs({
  options: { head: { type: 'string' }, out: { type: 'string' }, 'head-only': { type: 'boolean' } },
});

function pooled(corpora: Corpora, domains: readonly SentimentDomain[]): { vectors: Float32Array[]; labels: number[] } {
  return {
    vectors: domains.flatMap((d) => corpora[d].vectors),
    labels: domains.flatMap((d) => corpora[d].sentences.map((s) => s.label)),
  };
}

function fit(corpora: Corpora, domains: readonly SentimentDomain[], l2: number): LogisticFit {
  const { vectors, labels } = pooled(corpora, domains);
  return trainLogisticHead(vectors, labels, { l2 });
}

function correctOf(head: LogisticFit, data: DomainData): Float64Array {
  return Float64Array.from(data.vectors, (v, i) => ((positiveProbability(head, v) >= 0.5 ? 1 : 0) === data.sentences[i]!.label ? 1 : 0));
}

/** The L2 penalty with the best mean accuracy when each training corpus is held out in turn (needs ≥ 2 corpora). */
function chooseL2(corpora: Corpora, domains: readonly SentimentDomain[], log: (line: string) => void): { l2: number; inner: Record<string, number> } {
  const inner: Record<string, number> = {};
  let best = { l2: L2_GRID[0]!, score: -1 };
  for (const l2 of L2_GRID) {
    let sum = 0;
    for (const held of domains) {
      const head = fit(
        corpora,
        domains.filter((d) => d !== held),
        l2,
      );
      const correct = correctOf(head, corpora[held]);
      sum += correct.reduce((s, c) => s + c, 0) / correct.length;
    }
    inner[String(l2)] = sum / domains.length;
    if (inner[String(l2)]! > best.score) best = { l2, score: inner[String(l2)]! };
  }
  log(
    `  l2 by inner leave-one-domain-out over [${domains.join(', ')}]: ${Object.entries(inner)
      .map(([k, v]) => `${k}→${v.toFixed(4)}`)
      .join(' ')} ⇒ ${best.l2}`,
  );
  return { l2: best.l2, inner };
}

function show(a: { value: number; low: number; high: number }): string {
  return `${a.value.toFixed(3)} [${a.low.toFixed(3)}, ${a.high.toFixed(3)}]`;
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const started = Date.now();
  await initNodeTf();
  const encoders = new NodeEncoders();
  const headOnly = flags['head-only'] === true;
  const domains: readonly SentimentDomain[] = headOnly ? SERVED_CORPORA : SENTIMENT_DOMAINS;
  const raw: Partial<Record<SentimentDomain, LabelledSentence[]>> = headOnly ? await readUciCorpora() : await readSentimentCorpora(log);
  const corpora = {} as Corpora;
  let encoder: EncoderInfo | undefined;
  for (const domain of domains) {
    const t0 = Date.now();
    const sentences = raw[domain]!;
    const embedded = await cachedSentenceVectors(
      domain,
      sentences.map((s) => s.text),
      (texts) => encoders.embedText(texts),
      CACHE_DIR,
      (done, total) => {
        if (done === total || done % 512 === 0) log(`embedding ${domain}: ${done}/${total} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      },
    );
    encoder = embedded.encoder;
    corpora[domain] = { sentences, vectors: embedded.vectors };
  }
  await encoders.dispose();
  if (!encoder) throw new Error('no sentences');

  const results: Record<string, unknown> = {
    encoder: `${encoder.name}@${encoder.version}`,
    corpora: Object.fromEntries(
      domains.map((d) => [d, { sentences: corpora[d].sentences.length, positive: corpora[d].sentences.filter((s) => s.label === 1).length }]),
    ),
    interval: '95 % percentile bootstrap over sentences, 1000 resamples, stratified by held-out corpus; differences paired on the same resamples',
    afinnTieRule: 'score 0 (no lexicon word, or cancelling words) counts as positive',
    l2Grid: L2_GRID,
  };

  if (!headOnly) {
    const afinn = Object.fromEntries(SENTIMENT_DOMAINS.map((d) => [d, afinnVerdicts(corpora[d].sentences.map((s) => s.text))])) as Record<
      SentimentDomain,
      ReturnType<typeof afinnVerdicts>
    >;
    const resamples = Object.fromEntries(SENTIMENT_DOMAINS.map((d, i) => [d, domainResamples(corpora[d].sentences.length, 1000 + i)])) as Record<
      SentimentDomain,
      Float64Array[]
    >;
    const afinnAccuracy = Object.fromEntries(
      SENTIMENT_DOMAINS.map((d) => [
        d,
        accuracy(
          Float64Array.from(afinn[d], (v, i) => (v.label === corpora[d].sentences[i]!.label ? 1 : 0)),
          resamples[d],
        ),
      ]),
    ) as Record<SentimentDomain, AccuracyWithReplicates>;
    const uci = ['amazon', 'imdb', 'yelp'] as const;
    const setups: Record<string, (held: SentimentDomain) => SentimentDomain[]> = {
      'uci-only': (held) => (held === 'pang-lee' ? [...uci] : uci.filter((d) => d !== held)),
      'leave-one-out': (held) => SENTIMENT_DOMAINS.filter((d) => d !== held),
    };
    const setupResults: Record<string, unknown> = {};
    for (const [setup, trainOn] of Object.entries(setups)) {
      log(`\n${setup}:`);
      const rows: Record<string, unknown> = {};
      const head: Partial<Record<SentimentDomain, AccuracyWithReplicates>> = {};
      for (const held of SENTIMENT_DOMAINS) {
        const train = trainOn(held);
        const { l2, inner } = chooseL2(corpora, train, log);
        const fitted = fit(corpora, train, l2);
        head[held] = accuracy(correctOf(fitted, corpora[held]), resamples[held]);
        const diff = difference(head[held], afinnAccuracy[held]);
        rows[held] = { trainedOn: train, l2, innerAccuracyByL2: inner, head: head[held].estimate, afinn: afinnAccuracy[held].estimate, headMinusAfinn: diff };
        log(
          `  ${held.padEnd(8)} (trained on ${train.join(' + ')}): head ${show(head[held].estimate)}  AFINN ${show(afinnAccuracy[held].estimate)}  head − AFINN ${show(diff)}`,
        );
      }
      const means: Record<string, unknown> = {};
      for (const [name, domains] of [
        ['uci', uci],
        ['all', SENTIMENT_DOMAINS],
      ] as const) {
        const h = meanAccuracy(domains.map((d) => head[d]!));
        const a = meanAccuracy(domains.map((d) => afinnAccuracy[d]));
        means[name] = { head: h.estimate, afinn: a.estimate, headMinusAfinn: difference(h, a) };
        log(
          `  mean over ${name === 'uci' ? 'the 3 UCI domains' : 'all 4 held-out corpora'}: head ${show(h.estimate)}  AFINN ${show(a.estimate)}  head − AFINN ${show(difference(h, a))}`,
        );
      }
      setupResults[setup] = { heldOut: rows, mean: means };
    }
    results.crossDomain = setupResults;
    results.afinnTies = Object.fromEntries(SENTIMENT_DOMAINS.map((d) => [d, afinn[d].filter((v) => v.tie).length / afinn[d].length]));
  }

  log(`\nserved head (${SERVED_CORPORA.join(' + ')}):`);
  const { l2, inner } = chooseL2(corpora, SERVED_CORPORA, log);
  const all = pooled(corpora, SERVED_CORPORA);
  const fitted = trainLogisticHead(all.vectors, all.labels, { l2 });
  const headFile: SentimentHead = {
    format: SENTIMENT_HEAD_FORMAT,
    version: SENTIMENT_HEAD_VERSION,
    encoder: { name: encoder.name, version: encoder.version, dims: encoder.dims },
    weights: fitted.weights.map((w) => Number(w.toPrecision(7))),
    bias: Number(fitted.bias.toPrecision(7)),
    trainedOn: { corpora: [...SERVED_CORPORA], sentences: all.vectors.length, l2 },
  };
  const headPath = resolve(flags.head ?? DEFAULT_HEAD_PATH);
  await mkdir(dirname(headPath), { recursive: true });
  await writeFile(headPath, `${JSON.stringify(headFile)}\n`);
  results.servedHead = { path: headPath, l2, innerAccuracyByL2: inner, trainingLoss: fitted.loss, sentences: all.vectors.length };
  results.seconds = (Date.now() - started) / 1000;
  log(`wrote ${headPath} (l2 ${l2}, ${all.vectors.length} sentences, training log-loss ${fitted.loss.toFixed(4)})`);
  if (!headOnly) {
    const out = resolve(flags.out ?? join(root, 'eval-results', 'sentiment.json'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${out}`);
  }
}

await main();
