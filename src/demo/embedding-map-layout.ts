import type { CatalogItemCard, CatalogMap } from '../protocol/catalog-view.ts';
import { categoryLabel } from './category-path.ts';
import { MAP_HEIGHT, MAP_WIDTH } from './embedding-map-size.ts';

/** Margin inside the plot, in viewBox units, so edge points and their rings are not cut off. */
const PAD = 24;

/**
 * Category colours, most distinct first (the largest categories get them). Colour is never the
 * only cue: the legend, shapes for history and recommendations, the title on hover and focus.
 */
const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#e36c0a',
  '#b5179e',
  '#0f8b8d',
  '#8c564b',
  '#c49000',
  '#393b79',
  '#5f6b7a',
  '#00a6d6',
  '#8a8a00',
  '#7b4173',
  '#e377c2',
  '#6b8e23',
];

/** One item on the map. */
export interface MapPoint {
  id: string;
  title: string;
  /** Title and category, what a screen reader says for the point. */
  name: string;
  category: string;
  top: string;
  colour: string;
  /** Position in viewBox units (y down). */
  x: number;
  y: number;
  imageUrl?: string;
}

/** Where every item of a map lies in the plot, and the legend of its colours. */
export interface MapLayout {
  points: MapPoint[];
  /** The points' positions, for the arrow-key search (nearestInDirection). */
  xs: Float64Array;
  ys: Float64Array;
  legend: Array<{ top: string; colour: string; count: number }>;
}

const topCategory = (category: string) => category.split('/')[0] ?? category;

/** The map's points in viewBox units, coloured by top-level category (the largest categories get the most distinct colours). */
export function layOutMap(map: CatalogMap, cards: ReadonlyMap<string, CatalogItemCard>): MapLayout {
  const sizes = new Map<string, number>();
  for (const id of map.ids) {
    const top = topCategory(cards.get(id)?.category ?? '');
    sizes.set(top, (sizes.get(top) ?? 0) + 1);
  }
  const sizeOf = (top: string) => sizes.get(top) ?? 0;
  const tops = [...sizes.keys()].sort();
  const bySize = [...tops].sort((a, b) => sizeOf(b) - sizeOf(a));
  const colours = new Map(bySize.map((top, i) => [top, PALETTE[i % PALETTE.length]]));
  // Every top category got a colour above; the grey only satisfies the type checker.
  const colourOf = (top: string) => colours.get(top) ?? '#5f6b7a';
  const points = map.ids.map((id, i): MapPoint => {
    const card = cards.get(id);
    const category = card?.category ?? '';
    const top = topCategory(category);
    const title = card?.title ?? id;
    return {
      id,
      title,
      name: `${title}, ${categoryLabel(category)}`,
      category,
      top,
      colour: colourOf(top),
      x: PAD + (map.x[i] ?? 0) * (MAP_WIDTH - 2 * PAD),
      // Screen y grows downwards; the projection's y grows upwards.
      y: PAD + (1 - (map.y[i] ?? 0)) * (MAP_HEIGHT - 2 * PAD),
      ...(card?.imageUrl ? { imageUrl: card.imageUrl } : {}),
    };
  });
  return {
    points,
    xs: Float64Array.from(points, (p) => p.x),
    ys: Float64Array.from(points, (p) => p.y),
    legend: tops.map((top) => ({ top, colour: colourOf(top), count: sizeOf(top) })),
  };
}
