/**
 * The recommenders `npm run eval` evaluates, in table order. The engine's own variants
 * (content, hybrid, …) are added here; the context has the movies (titles, plots, posters
 * under `dataDir`) to build a catalog from, and the protocol and split being run.
 */
import { EaseBaseline } from './ease-baseline.ts';
import { engineVariants } from './engine-variants.ts';
import type { EvaluatedRecommender } from './eval-types.ts';
import { ItemKnnBaseline } from './item-knn-baseline.ts';
import { MostPopularBaseline } from './most-popular-baseline.ts';
import type { MovieLensData } from './movielens.ts';
import type { Protocol, Split } from './protocols.ts';
import { RandomBaseline } from './random-baseline.ts';

export interface RegistryContext {
  data: MovieLensData;
  /** Absolute path of the data folder (posters are `${dataDir}/${movie.poster}`). */
  dataDir: string;
  split: Split;
  protocol: Protocol;
}

/** Called once per protocol; each call returns fresh, unfitted recommenders. */
export function evaluatedRecommenders(context: RegistryContext): EvaluatedRecommender[] | Promise<EvaluatedRecommender[]> {
  return [
    new RandomBaseline(),
    new MostPopularBaseline(),
    new ItemKnnBaseline(),
    new EaseBaseline(500),
    ...engineVariants(context.data, (line) => console.error(line)),
  ];
}
