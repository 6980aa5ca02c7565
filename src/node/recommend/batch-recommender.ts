/**
 * The engine's recommender (OnDeviceRecommender, built by recommenderCatalog exactly as the
 * worker builds it) over a catalog folder, answering one request line at a time. Each line
 * gets a fresh in-memory profile holding only that line's history, and the recommender's
 * personal state is reset before it (what forget() does in the worker), so nothing of one
 * line reaches the next. Lists are asked with `record: false`: nothing is learned from them.
 *
 * History events on items the catalog does not have are left out and counted (a shop's log
 * has delisted products; the worker likewise skips events it has no item for).
 */
import type { FusionHeadName, RecommendedItem } from '../../protocol/recommend.ts';
import { InvalidRequestError, OnDeviceRecommender } from '../../engine/recommend/on-device-recommender.ts';
import { recommenderCatalog } from '../../engine/recommend/recommender-catalog.ts';
import { ProfileStoreError } from '../../engine/store/profile-store-error.ts';
import { loadCatalogFolder, type CatalogFolder } from './load-catalog-folder.ts';
import { MemoryProfileStore } from '../../engine/store/memory-profile-store.ts';
import { wasmInt8Ranker, wasmSimdAvailable } from '../../engine/ranking/wasm/rank-int8-wasm.ts';
import { referenceInt8Ranker } from '../../engine/ranking/rank-int8-reference.ts';
import { BatchLineError, type RequestLine } from './request-line.ts';

export interface BatchRecommenderOptions {
  /** Overrides the catalog's fusion head, as the worker's `fusionHead` setting does. */
  fusionHead?: FusionHeadName;
}

/**
 * One request line's profile: the worker's own in-memory store (validation, the event cap), new
 * for each line so no history carries into the next; nothing is written anywhere.
 */
function lineProfile(): MemoryProfileStore {
  return new MemoryProfileStore({}, 'a batch line keeps its history in memory only');
}

export class BatchRecommender {
  /** History events dropped because their item is not in the catalog (all lines so far). */
  unknownHistoryItems = 0;
  private profile = lineProfile();
  private readonly recommender: OnDeviceRecommender;

  private constructor(
    private readonly folder: CatalogFolder,
    options: BatchRecommenderOptions,
  ) {
    // The learned model ranks with the WASM SIMD int8 kernel, as in the worker (the JS reference where Node has no SIMD).
    this.recommender = new OnDeviceRecommender(
      recommenderCatalog(folder.files, folder.loaded.sharedSpace, options.fusionHead),
      async () => this.profile,
      undefined,
      () => (wasmSimdAvailable() ? wasmInt8Ranker : referenceInt8Ranker),
    );
  }

  /** Loads the catalog folder (the engine's loader and checks); tfjs must be ready (initNodeTf). */
  static async open(catalogDir: string, options: BatchRecommenderOptions = {}): Promise<BatchRecommender> {
    return new BatchRecommender(await loadCatalogFolder(catalogDir), options);
  }

  get catalogName(): string {
    return this.folder.files.manifest.name;
  }

  get itemCount(): number {
    return this.folder.files.manifest.items.length;
  }

  /**
   * The engine's list for one line. A request or history the engine refuses
   * (InvalidRequestError, an invalid event) becomes a BatchLineError naming `source` and `line`.
   */
  async recommend(input: RequestLine, source = 'requests', line = 0): Promise<RecommendedItem[]> {
    const space = this.recommender.catalog.space;
    this.profile = lineProfile();
    this.recommender.resetPersonal();
    try {
      for (const event of input.history) {
        if (space.indexOf(event.itemId) === undefined) {
          this.unknownHistoryItems++;
          continue;
        }
        // The engine reads a catalog's events by its profile key (the catalog folder's URL), not its name.
        await this.profile.addEvent({ ...event, catalog: this.recommender.catalog.profileKey });
      }
      return await this.recommender.recommend(input.request, { record: false });
    } catch (error) {
      if (error instanceof InvalidRequestError || error instanceof ProfileStoreError) throw new BatchLineError(source, line, error.message, { cause: error });
      throw error;
    } finally {
      this.profile = lineProfile();
    }
  }

  /** Frees the catalog's tensors. */
  dispose(): void {
    this.recommender.catalog.space.release(true);
    this.folder.loaded.dispose();
  }
}
