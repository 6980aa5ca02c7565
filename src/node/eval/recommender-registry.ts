/**
 * The recommenders `npm run eval` evaluates, in table order, per protocol. The engine's own
 * variants (content, hybrid, …) are added here; the context has the movies (titles, plots,
 * posters under `dataDir`) to build a catalog from, and the protocol and split being run.
 *
 * Protocol C (new items) ranks only items with no training interaction, which purely
 * collaborative models cannot score at all (every new item gets the same score, and the list
 * would be an accident of the tie rule): most-popular, ItemKNN, EASE and the engine's "CF
 * only" sit it out (they score 0 there by construction). Its baselines are the content ones:
 * content kNN (text, image, text+image) and the ridge map from content to PureSVD factors,
 * plain (x_u·V·qᵀ, DATA.md's reference) and with the factors weighted by their singular values
 * (σ-weighted: better on dev users, +.009 R@10 on random-20 %, +.038 on newest-20 %).
 *
 * "learned seq" is the learned multimodal model (issue 10, learned-model-recommender.ts): it
 * trains at fit (about 10 min per protocol on 2 busy cores), so skip it with --only or --groups
 * when it is not what is being measured. "learned seq + CF" (protocols A and B) adds the
 * standardised scores of the learned model and of "CF only" with equal weights, set before
 * any run: does collaboration still add something to the learned model? "learned seq +
 * adapter" (protocols A and B) is the same fit with the on-device user adapter replayed over
 * each user's events in time order (adapter-replay-recommender.ts).
 */
import { AdapterReplayRecommender } from './adapter-replay-recommender.ts';
import { ADAPTER_LEARNING_RATE, ADAPTER_MAX_NORM } from '../../engine/model/user-adapter.ts';
import { BlendedRecommender } from './blended-recommender.ts';
import { ContentKnnBaseline } from './content-knn-baseline.ts';
import { ContentRidgeBaseline } from './content-ridge-baseline.ts';
import { EaseBaseline } from './ease-baseline.ts';
import { engineVariants } from './engine-variants.ts';
import type { EvaluatedRecommender } from './eval-types.ts';
import { ItemKnnBaseline } from './item-knn-baseline.ts';
import { LearnedModelRecommender, type LearnedModelOptions } from './learned-model-recommender.ts';
import { MostPopularBaseline } from './most-popular-baseline.ts';
import type { MovieLensData } from './movielens.ts';
import { isColdItemProtocol, type Protocol, type Split } from './protocols.ts';
import { RandomBaseline } from './random-baseline.ts';

export interface RegistryContext {
  data: MovieLensData;
  /** Absolute path of the data folder (posters are `${dataDir}/${movie.poster}`). */
  dataDir: string;
  split: Split;
  protocol: Protocol;
  /** Training settings of the learned rows (e.g. a fixed epoch count with no time budget). */
  learnedTraining?: LearnedModelOptions['training'];
}

/**
 * The adapter row replays each user's newest 20 events before their first case (then every
 * revealed step): each replayed event costs one user-model forward pass (~26 ms here under
 * load), and the whole history of ~750 dev users would take over half an hour.
 */
const ADAPTER_REPLAY_WINDOW = 20;

/** Engine rows that use no content: they cannot rank new items. */
const COLLABORATIVE_ONLY = new Set(['CF only']);

/** Called once per protocol; each call returns fresh, unfitted recommenders. */
export function evaluatedRecommenders(context: RegistryContext): EvaluatedRecommender[] | Promise<EvaluatedRecommender[]> {
  const engine = engineVariants(context.data, (line) => console.error(line));
  const learned = () => new LearnedModelRecommender(context.learnedTraining ? { training: context.learnedTraining } : {});
  if (isColdItemProtocol(context.protocol)) {
    return [
      new RandomBaseline(),
      new ContentKnnBaseline('text'),
      new ContentKnnBaseline('image'),
      new ContentKnnBaseline('text+image'),
      new ContentRidgeBaseline(),
      new ContentRidgeBaseline({ factorWeight: 1, name: 'ridge content→CF σ' }),
      ...engine.filter((r) => !COLLABORATIVE_ONLY.has(r.name)),
      learned(),
    ];
  }
  const cfOnly = engine.find((r) => r.name === 'CF only');
  if (!cfOnly) throw new Error('the engine variants have no "CF only" row');
  // The blend shares the learned row's fit (same settings) and refits the CF head on the same split.
  const blend = new BlendedRecommender('learned seq + CF', [
    { recommender: learned(), weight: 1 },
    { recommender: cfOnly, weight: 1 },
  ]);
  // The adapter row replays each user's events through the on-device adapter on top of the same fit.
  const log = (line: string) => console.error(line);
  const adapter = new AdapterReplayRecommender(learned(), { window: ADAPTER_REPLAY_WINDOW, log });
  // The step-size probe: ¼ of the engine's η and bound, the first setting tried (tuned on dev only).
  const adapterSmall = new AdapterReplayRecommender(learned(), {
    name: 'learned seq + adapter ¼',
    window: ADAPTER_REPLAY_WINDOW,
    learningRate: ADAPTER_LEARNING_RATE / 4,
    maxNorm: ADAPTER_MAX_NORM / 4,
    log,
  });
  return [new RandomBaseline(), new MostPopularBaseline(), new ItemKnnBaseline(), new EaseBaseline(500), ...engine, learned(), adapter, adapterSmall, blend];
}
