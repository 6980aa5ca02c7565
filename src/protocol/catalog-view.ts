/**
 * What the page may show about the loaded catalog: item cards (with absolute media URLs) and
 * a 2-D map of the catalog for people who would rather look than read.
 */
import type { Modality } from './embedding.ts';

/** What an item says about itself: the same fields in a builder's source, the catalog's manifest and a card on the page. */
export interface ItemFields {
  id: string;
  title: string;
  description?: string;
  /** `/`-separated path, e.g. `animals/birds`. */
  category: string;
  /** In the catalog's `currency`. */
  price?: number;
  stock?: number;
}

export interface CatalogItemCard extends ItemFields {
  /** Absolute URLs of the item's media in the catalog folder (a video item's `imageUrl` is its poster frame). */
  imageUrl?: string;
  audioUrl?: string;
  videoUrl?: string;
}

/** A 2-D projection of every catalog item, coordinates scaled to [0, 1]. */
export interface CatalogMap {
  /** Item ids; `x[i]`, `y[i]` place `ids[i]`. */
  ids: string[];
  x: number[];
  y: number[];
  /** The vectors projected: the catalog's shared space when it has one, else one modality. */
  source: 'shared' | Modality;
  /** How it was projected, for the map's caption. */
  method: string;
  /** Share of the vectors' variance the two axes keep (0…1). */
  varianceKept: number;
}
