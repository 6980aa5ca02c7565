/**
 * The engine's IVF searches: indexes opened once per URL (their centroids stay in memory, their
 * partitions in the index's own memory budget and the Cache API), searched with the int8 kernel the
 * start-up probe chose. Category names are mapped to the index's category table.
 */
import type { IvfSearchRequest, IvfSearchSummary } from '../../protocol/engine-api.ts';
import type { Int8Ranker } from '../ranking/int8-matrix.ts';
import { IvfIndex } from './ivf-index.ts';

export class IvfService {
  private readonly indexes = new Map<string, Promise<IvfIndex>>();

  constructor(private readonly ranker: () => Int8Ranker) {}

  async search(request: IvfSearchRequest, baseUrl: string): Promise<IvfSearchSummary> {
    const url = new URL(request.indexUrl, baseUrl).href;
    const key = `${url}\n${request.sha256 ?? ''}`;
    let opening = this.indexes.get(key);
    const opened = opening === undefined;
    if (!opening) {
      const ranker = this.ranker();
      opening = IvfIndex.open(url, ranker, { ...(request.sha256 ? { sha256: request.sha256 } : {}) });
      this.indexes.set(key, opening);
      opening.catch(() => this.indexes.delete(key));
    }
    const started = performance.now();
    const index = await opening;
    const openMs = performance.now() - started;
    if (!(request.query instanceof Float32Array)) throw new TypeError('ivfSearch: query must be a Float32Array');
    if (!Number.isInteger(request.k) || request.k < 1) throw new RangeError(`ivfSearch: k must be a positive integer, got ${request.k}`);
    const categories = request.categories?.map((name) => index.index.categories?.indexOf(name) ?? -1).filter((i) => i >= 0);
    const searchStarted = performance.now();
    const result = await index.search(request.query, request.k, {
      ...(request.nprobe ? { nprobe: request.nprobe } : {}),
      ...(categories ? { categories } : {}),
    });
    return {
      rows: Array.from(result.rows),
      scores: Array.from(result.scores),
      partitions: index.partitions,
      partitionsProbed: result.partitionsProbed,
      partitionsCached: result.partitionsCached,
      bytesFetched: result.bytesFetched + (opened ? index.openBytesFetched : 0),
      searchMs: performance.now() - searchStarted,
      openMs: opened ? openMs : 0,
      ranker: this.ranker().name,
      notices: result.notices,
    };
  }
}
