/**
 * Off-catalog items in the profile: things the shopper viewed that the catalog lacks, kept as
 * their vectors (one ad-hoc item per modality, id `offcat:<item id>:<modality>`) and named in
 * events by their key `offcat:<item id>`, so the history reads all of an item's modalities as
 * one token. They are the user's data like everything else in the profile: `exportProfile`
 * lists them and `forgetProfile` deletes them. At most MAX_OFF_CATALOG_ITEMS are kept.
 *
 * `offCatalogTokenVectors` returns the same modality vectors a catalog item's token carries, so
 * whatever maps a catalog item's vectors into a ranking space maps these the same way: the
 * shared space (content-features.ts) and the learned item tower (LearnedRanker.contentVector,
 * read by the recommender's learned history).
 */
import type { Modality } from '../../protocol/embedding.ts';
import { MAX_OFF_CATALOG_ITEMS } from '../../protocol/limits.ts';
import type { AdhocItem } from '../../protocol/profile.ts';
import type { OffCatalogVector } from '../encoders/embed-off-catalog-content.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import { MAX_ID_LENGTH } from '../store/validate-event.ts';
import { InvalidRequestError } from './business-rules.ts';

const PREFIX = 'offcat:';
const MODALITIES: readonly Modality[] = ['text', 'image', 'audio'];
/** Longest item id: the key plus `:<modality>` must fit an ad-hoc id. */
export const MAX_OFF_CATALOG_ID_LENGTH = MAX_ID_LENGTH - PREFIX.length - ':audio'.length;

export type OffCatalogStore = Pick<ProfileStore, 'putAdhocItem' | 'adhocItem' | 'adhocItems' | 'deleteAdhocItems'>;

/** The history's key of an off-catalog item (an event's `adhocId`). */
export function offCatalogKey(itemId: string): string {
  if (itemId.length === 0 || itemId.length > MAX_OFF_CATALOG_ID_LENGTH)
    throw new InvalidRequestError(`track: an item id must have 1 to ${MAX_OFF_CATALOG_ID_LENGTH} characters, got ${itemId.length}`);
  return `${PREFIX}${itemId}`;
}

export function isOffCatalogKey(adhocId: string): boolean {
  return adhocId.startsWith(PREFIX);
}

/** The key of an off-catalog ad-hoc item's id (`offcat:<id>:<modality>` → `offcat:<id>`), or undefined for another ad-hoc item. */
function keyOf(adhocId: string): string | undefined {
  if (!isOffCatalogKey(adhocId)) return undefined;
  const cut = adhocId.lastIndexOf(':');
  return cut > PREFIX.length - 1 ? adhocId.slice(0, cut) : undefined;
}

/** Whether the item's vectors are stored already (then it is never embedded again). */
export async function hasOffCatalogItem(store: OffCatalogStore, key: string): Promise<boolean> {
  for (const m of MODALITIES) if (await store.adhocItem(`${key}:${m}`)) return true;
  return false;
}

/**
 * Keeps the item's vectors (its title as their label), then deletes the oldest off-catalog
 * items beyond `max`. Search-by-example items are never deleted here.
 */
export async function storeOffCatalogItem(
  store: OffCatalogStore,
  key: string,
  title: string | undefined,
  vectors: readonly OffCatalogVector[],
  { max = MAX_OFF_CATALOG_ITEMS, createdAt = Date.now() }: { max?: number; createdAt?: number } = {},
): Promise<void> {
  for (const v of vectors) {
    await store.putAdhocItem({
      id: `${key}:${v.modality}`,
      modality: v.modality,
      vector: v.vector,
      encoder: v.encoder,
      createdAt,
      ...(title ? { label: title.slice(0, 200) } : {}),
    });
  }
  const groups = new Map<string, { createdAt: number; ids: string[] }>();
  for (const item of await store.adhocItems()) {
    const k = keyOf(item.id);
    if (k === undefined) continue;
    const group = groups.get(k) ?? { createdAt: item.createdAt, ids: [] };
    group.createdAt = Math.max(group.createdAt, item.createdAt);
    group.ids.push(item.id);
    groups.set(k, group);
  }
  if (groups.size <= max) return;
  const oldest = [...groups.entries()].filter(([k]) => k !== key).sort(([, a], [, b]) => a.createdAt - b.createdAt);
  await store.deleteAdhocItems(oldest.slice(0, groups.size - max).flatMap(([, g]) => g.ids));
}

/**
 * The history token's vectors of an off-catalog item: its stored modalities that the catalog
 * has, with the catalog's dims (a vector of another encoder is left out). Undefined when none
 * is left (deleted, forgotten, another catalog's encoders). The item tower's hook (see above).
 */
export async function offCatalogTokenVectors(
  store: Pick<OffCatalogStore, 'adhocItem'>,
  key: string,
  dimsOf: (modality: Modality) => number | undefined,
): Promise<{ title?: string; vectors: Partial<Record<Modality, Float32Array>> } | undefined> {
  const vectors: Partial<Record<Modality, Float32Array>> = {};
  let title: string | undefined;
  for (const m of MODALITIES) {
    const item: AdhocItem | undefined = await store.adhocItem(`${key}:${m}`);
    if (!item || item.vector.length !== dimsOf(m)) continue;
    vectors[m] = item.vector;
    title ??= item.label;
  }
  return Object.keys(vectors).length === 0 ? undefined : { ...(title !== undefined ? { title } : {}), vectors };
}
