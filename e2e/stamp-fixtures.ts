import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { itemAt } from '../src/shared/item-at.ts';

export { cosine } from '../test/cosine.ts';

/** The real Tux Paint stamps (found or fetched by the repo's script; never committed). */
export const stampsDir = execFileSync('node', ['scripts/fetch-tuxpaint-stamps.mjs'], { encoding: 'utf8' }).trim();

/** A fixed sample across categories and formats: PNG photo cut-outs and SVG drawings. */
export const SAMPLE_IMAGES = [
  'animals/mammals/badger.png',
  'vehicles/auto/sedan.png',
  'vehicles/auto/sportscar.svg',
  'food/bread.svg',
  'food/cheese.svg',
  'household/dishes/glass.png',
];

/** Sound effects and a spoken description (Ogg Vorbis), short enough for the software WebGPU adapter. */
export const SAMPLE_AUDIO = ['animals/mammals/badger.ogg', 'animals/birds/crow.ogg', 'animals/insects/bee.ogg', 'animals/mammals/badger_desc.ogg'];

/** The stamps' own English descriptions: the first line of each NAME.txt. */
export const SAMPLE_TEXT_STAMPS = ['animals/mammals/badger', 'vehicles/auto/sedan', 'food/bread', 'food/cheese'];

export function stampBytes(path: string): Buffer {
  return readFileSync(join(stampsDir, path));
}

export function stampDescription(stamp: string): string {
  return itemAt(readFileSync(join(stampsDir, `${stamp}.txt`), 'utf8').split('\n'), 0).trim();
}
