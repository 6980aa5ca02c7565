/** What the page may show of a catalog item: its fields and absolute URLs of its media in the catalog folder. */
import type { CatalogItemCard } from '../../protocol/catalog-view.ts';
import { catalogFileUrl, type CatalogItem } from './catalog-manifest.ts';

/** Absolute URLs of an item's image (a video's poster), sound and video, for the fields it has. */
export function itemMediaUrls(
  catalogBaseUrl: string,
  item: Pick<CatalogItem, 'image' | 'audio' | 'video'>,
): { imageUrl?: string; audioUrl?: string; videoUrl?: string } {
  return {
    ...(item.image !== undefined ? { imageUrl: catalogFileUrl(catalogBaseUrl, item.image) } : {}),
    ...(item.audio !== undefined ? { audioUrl: catalogFileUrl(catalogBaseUrl, item.audio) } : {}),
    ...(item.video !== undefined ? { videoUrl: catalogFileUrl(catalogBaseUrl, item.video) } : {}),
  };
}

export function catalogItemCard(catalogBaseUrl: string, item: CatalogItem): CatalogItemCard {
  return {
    id: item.id,
    title: item.title,
    ...(item.description !== undefined ? { description: item.description } : {}),
    category: item.category,
    ...(item.price !== undefined ? { price: item.price } : {}),
    ...(item.stock !== undefined ? { stock: item.stock } : {}),
    ...itemMediaUrls(catalogBaseUrl, item),
  };
}
