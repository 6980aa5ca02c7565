import { describe, expect, it } from 'vitest';
import { categoryLabel, folderLabel, isInCategory } from '../../src/demo/category-path.ts';
import { buildCategoryTree } from '../../src/demo/category-tree.ts';

describe('demo category navigation', () => {
  it('builds two levels of folders with counts that include deeper folders, sorted by name', () => {
    const items = ['animals/birds', 'animals/birds/cartoon', 'animals/birds', 'animals', 'vehicles/auto', 'food/fruit/cartoon'].map((category) => ({
      category,
    }));
    expect(buildCategoryTree(items)).toEqual([
      {
        path: 'animals',
        name: 'Animals',
        count: 4,
        children: [{ path: 'animals/birds', name: 'Birds', count: 3, children: [] }],
      },
      { path: 'food', name: 'Food', count: 1, children: [{ path: 'food/fruit', name: 'Fruit', count: 1, children: [] }] },
      { path: 'vehicles', name: 'Vehicles', count: 1, children: [{ path: 'vehicles/auto', name: 'Auto', count: 1, children: [] }] },
    ]);
  });

  it('matches a folder and its sub-folders only, not a folder that merely starts with the same letters', () => {
    expect(isInCategory('animals/birds/cartoon', 'animals/birds')).toBe(true);
    expect(isInCategory('animals/birds', 'animals/birds')).toBe(true);
    expect(isInCategory('animals/birdsong', 'animals/birds')).toBe(false);
    expect(isInCategory('food', '')).toBe(true);
  });

  it('names folders for people', () => {
    expect(folderLabel('body_parts')).toBe('Body parts');
    expect(folderLabel('00_symbols')).toBe('Symbols');
    expect(categoryLabel('people/body_parts')).toBe('People › Body parts');
    expect(categoryLabel('')).toBe('All items');
  });
});
