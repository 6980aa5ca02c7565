import type { Recommender } from '../client/create-recommender.ts';
import type { ProgressListener } from '../protocol/progress.ts';

/**
 * The same recommender, except that `warmUp` also tells `listener` about the model bytes it
 * loads, so the page's loading status can show downloads that an element (search) started.
 * A Proxy rather than a copy, so it keeps working whatever shape the recommender object has.
 */
export function tapWarmUpProgress(recs: Recommender, listener: ProgressListener): Recommender {
  const warmUp: Recommender['warmUp'] = (modalities, onProgress) =>
    recs.warmUp(modalities, (update) => {
      listener(update);
      onProgress?.(update);
    });
  return new Proxy(recs, { get: (target, key) => (key === 'warmUp' ? warmUp : (Reflect.get(target, key, target) as unknown)) });
}
