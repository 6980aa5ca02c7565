/**
 * Catalog categories are `/`-separated folder paths (`animals/birds/cartoon`). These helpers
 * say whether an item lies in a category (the path or below it) and name a path for people.
 */

/** True when `itemCategory` is `category` or one of its sub-folders; the empty path holds everything. */
export function isInCategory(itemCategory: string, category: string): boolean {
  return category === '' || itemCategory === category || itemCategory.startsWith(`${category}/`);
}

/** One folder name for people: `body_parts` → `Body parts`, `00_symbols` → `Symbols`. */
export function folderLabel(folder: string): string {
  const words = folder.replace(/^\d+_/, '').replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A whole path for people: `animals/birds` → `Animals › Birds`. */
export function categoryLabel(category: string): string {
  return category === '' ? 'All items' : category.split('/').map(folderLabel).join(' › ');
}
