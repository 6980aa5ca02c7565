import type { CatalogItemCard } from '../protocol/catalog-view.ts';
import { folderLabel } from './category-path.ts';

export interface CategoryNode {
  /** The folder path, e.g. `animals/birds`. */
  path: string;
  /** Its last folder, for people: `Birds`. */
  name: string;
  /** Items in the folder and all its sub-folders. */
  count: number;
  children: CategoryNode[];
}

/**
 * The catalog's top-level folders and their direct sub-folders (deeper folders count towards
 * their second-level parent), sorted by name: the two levels a shopper browses by.
 */
export function buildCategoryTree(items: Pick<CatalogItemCard, 'category'>[]): CategoryNode[] {
  const tops = new Map<string, { count: number; children: Map<string, number> }>();
  for (const { category } of items) {
    const [top, sub] = category.split('/');
    if (!top) continue;
    const node = tops.get(top) ?? { count: 0, children: new Map<string, number>() };
    node.count += 1;
    if (sub) node.children.set(sub, (node.children.get(sub) ?? 0) + 1);
    tops.set(top, node);
  }
  const byName = (a: CategoryNode, b: CategoryNode) => a.name.localeCompare(b.name);
  return [...tops]
    .map(([top, { count, children }]) => ({
      path: top,
      name: folderLabel(top),
      count,
      children: [...children].map(([sub, subCount]) => ({ path: `${top}/${sub}`, name: folderLabel(sub), count: subCount, children: [] })).sort(byName),
    }))
    .sort(byName);
}
