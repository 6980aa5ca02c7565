/** What the page may show of a catalog item: its fields and absolute URLs of its media in the catalog folder. */
import type { CatalogItemCard } from '../../protocol/catalog-view.ts';
import { catalogFileUrl, type CatalogItem } from './catalog-manifest.ts';

/** Absolute URLs of an item's image and sound, for the fields it has. */
export function itemMediaUrls(catalogBaseUrl: string, item: Pick<CatalogItem, 'image' | 'audio'>): { imageUrl?: string; audioUrl?: string } {
  return {
    ...(item.image !== undefined ? { imageUrl: catalogFileUrl(catalogBaseUrl, item.image) } : {}),
    ...(item.audio !== undefined ? { audioUrl: catalogFileUrl(catalogBaseUrl, item.audio) } : {}),
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
