import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Recommender } from '../client/create-recommender.ts';
import type { CatalogMap } from '../protocol/catalog-view.ts';
import { layOutMap, type MapLayout } from './embedding-map-layout.ts';

export type MapDataState = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * The map's data: `recs.map()` and the item cards, fetched together and laid out once per
 * recommender. idle → loading → ready, or loading → failed (with the error to show); a new
 * recommender starts again, and an answer for a replaced one is dropped.
 */
export class MapDataController implements ReactiveController {
  state: MapDataState = 'idle';
  map: CatalogMap | undefined;
  layout: MapLayout | undefined;
  error = '';
  private current: Recommender | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly recommender: () => Recommender | undefined,
  ) {
    host.addController(this);
  }

  /** A new recommender: fetch its map (the render under way shows the loading state). */
  hostUpdate(): void {
    const recs = this.recommender();
    if (recs !== this.current) void this.load(recs);
  }

  private async load(recs: Recommender | undefined): Promise<void> {
    this.current = recs;
    if (!recs) return;
    this.state = 'loading';
    this.error = '';
    try {
      const [map, items] = await Promise.all([recs.map(), recs.items()]);
      if (recs !== this.current) return;
      this.layout = layOutMap(map, new Map(items.map((card) => [card.id, card])));
      this.map = map;
      this.state = 'ready';
    } catch (error) {
      if (recs !== this.current) return;
      this.error = `The map could not be drawn: ${(error as Error).message}`;
      this.state = 'failed';
    }
    this.host.requestUpdate();
  }
}
