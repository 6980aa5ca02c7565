/**
 * Business rules on scored items: which items may be shown at all (filters, stock, cart,
 * seen, excluded ids), additive boosts and burials, and pins. Pure functions over the
 * catalog's items; a filter that matches nothing gives an empty list, not an error.
 */
import type { BusinessRules, FieldFilter } from '../../protocol/recommend.ts';
import type { CatalogItem } from '../catalog/catalog-manifest.ts';

export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
}

/** `category` values match the path itself and everything under it. */
function categoryMatches(path: string, wanted: string): boolean {
  return path === wanted || path.startsWith(`${wanted}/`);
}

function fieldValue(item: CatalogItem, field: string): unknown {
  if (field in item) return (item as unknown as Record<string, unknown>)[field];
  return item.metadata?.[field];
}

export function checkFilters(filters: readonly FieldFilter[]): void {
  filters.forEach((f, i) => {
    if (typeof f !== 'object' || f === null || typeof f.field !== 'string' || f.field === '')
      throw new InvalidRequestError(`filters[${i}]: needs a "field" name`);
    if (f.in === undefined && f.notIn === undefined && f.min === undefined && f.max === undefined) {
      throw new InvalidRequestError(`filters[${i}] (${f.field}): give at least one of in, notIn, min, max`);
    }
    for (const key of ['in', 'notIn'] as const)
      if (f[key] !== undefined && !Array.isArray(f[key])) throw new InvalidRequestError(`filters[${i}] (${f.field}): "${key}" must be an array`);
    for (const key of ['min', 'max'] as const)
      if (f[key] !== undefined && !Number.isFinite(f[key])) throw new InvalidRequestError(`filters[${i}] (${f.field}): "${key}" must be a finite number`);
  });
}

export function passesFilter(item: CatalogItem, filter: FieldFilter): boolean {
  const value = fieldValue(item, filter.field);
  const equals = (wanted: string | number) =>
    filter.field === 'category' && typeof value === 'string' ? categoryMatches(value, String(wanted)) : value === wanted;
  if (filter.in && !filter.in.some(equals)) return false;
  if (filter.notIn && filter.notIn.some(equals)) return false;
  if (filter.min !== undefined && !(typeof value === 'number' && value >= filter.min)) return false;
  if (filter.max !== undefined && !(typeof value === 'number' && value <= filter.max)) return false;
  return true;
}

export interface RuleContext {
  /** Items the user already interacted with (viewed, bought, dismissed…). */
  seen: ReadonlySet<string>;
  inCart: ReadonlySet<string>;
  dismissed: ReadonlySet<string>;
}

/** Which items may be shown (1) under the rules; dismissed items never are. */
export function allowedItems(items: readonly CatalogItem[], rules: BusinessRules, context: RuleContext): Uint8Array {
  const allowed = new Uint8Array(items.length);
  const excluded = new Set(rules.excludeIds ?? []);
  const filters = rules.filters ?? [];
  items.forEach((item, i) => {
    if (excluded.has(item.id) || context.dismissed.has(item.id)) return;
    if ((rules.excludeOutOfStock ?? true) && item.stock === 0) return;
    if ((rules.excludeInCart ?? true) && context.inCart.has(item.id)) return;
    if (rules.excludeSeen && context.seen.has(item.id)) return;
    if (!filters.every((f) => passesFilter(item, f))) return;
    allowed[i] = 1;
  });
  return allowed;
}

/** Adds each matching boost to the item's score (z-scaled scores: ±1 is a strong move). Returns which rules touched which item. */
export function applyBoosts(items: readonly CatalogItem[], scores: Float32Array, boosts: BusinessRules['boost'] = []): Map<number, string[]> {
  const touched = new Map<number, string[]>();
  boosts.forEach((b, r) => {
    if (!Number.isFinite(b.by)) throw new InvalidRequestError(`rules.boost[${r}]: "by" must be a finite number`);
    if (b.id === undefined && b.category === undefined) throw new InvalidRequestError(`rules.boost[${r}]: give an id or a category`);
    items.forEach((item, i) => {
      if ((b.id !== undefined && item.id === b.id) || (b.category !== undefined && categoryMatches(item.category, b.category))) {
        scores[i]! += b.by;
        const label = `${b.by >= 0 ? 'boosted' : 'buried'} (${b.id ?? b.category})`;
        touched.set(i, [...(touched.get(i) ?? []), label]);
      }
    });
  });
  return touched;
}
