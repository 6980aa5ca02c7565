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
 * any run: does collaboration still add something to the learned model?
 */
import { BlendedRecommender } from './blended-recommender.ts';
import { ContentKnnBaseline } from './content-knn-baseline.ts';
import { ContentRidgeBaseline } from './content-ridge-baseline.ts';
import { EaseBaseline } from './ease-baseline.ts';
import { engineVariants } from './engine-variants.ts';
import type { EvaluatedRecommender } from './eval-types.ts';
import { ItemKnnBaseline } from './item-knn-baseline.ts';
import { LearnedModelRecommender } from './learned-model-recommender.ts';
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
}

/** Engine rows that use no content: they cannot rank new items. */
const COLLABORATIVE_ONLY = new Set(['CF only']);

/** Called once per protocol; each call returns fresh, unfitted recommenders. */
export function evaluatedRecommenders(context: RegistryContext): EvaluatedRecommender[] | Promise<EvaluatedRecommender[]> {
  const engine = engineVariants(context.data, (line) => console.error(line));
  if (isColdItemProtocol(context.protocol)) {
    return [
      new RandomBaseline(),
      new ContentKnnBaseline('text'),
      new ContentKnnBaseline('image'),
      new ContentKnnBaseline('text+image'),
      new ContentRidgeBaseline(),
      new ContentRidgeBaseline({ factorWeight: 1, name: 'ridge content→CF σ' }),
      ...engine.filter((r) => !COLLABORATIVE_ONLY.has(r.name)),
      new LearnedModelRecommender(),
    ];
  }
  const cfOnly = engine.find((r) => r.name === 'CF only');
  if (!cfOnly) throw new Error('the engine variants have no "CF only" row');
  // The blend shares the learned row's fit (same settings) and refits the CF head on the same split.
  const blend = new BlendedRecommender('learned seq + CF', [
    { recommender: new LearnedModelRecommender(), weight: 1 },
    { recommender: cfOnly, weight: 1 },
  ]);
  return [new RandomBaseline(), new MostPopularBaseline(), new ItemKnnBaseline(), new EaseBaseline(500), ...engine, new LearnedModelRecommender(), blend];
}
