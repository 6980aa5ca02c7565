/**
 * Twelve real Tux Paint stamps for small catalog builds in tests: sound effects (blackbird,
 * firetruck, rabbit), a silent sound (nandou: audio refused), SVGs (bread, cheese) and
 * spoken-only audio.
 */
export const FIXTURE_STAMP_IDS: readonly string[] = [
  'animals/birds/blackbird',
  'animals/birds/nandou',
  'animals/mammals/badger',
  'animals/mammals/elephant',
  'animals/mammals/rodents/rabbit',
  'animals/mammals/rodents/mouse',
  'food/bread',
  'food/cheese',
  'food/pizza',
  'food/loaf_of_bread',
  'vehicles/emergency/firetruck',
  'symbols/money/00_symbols/euro_1_euro',
];
