import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchTuxPaintStamps } from '../../scripts/fetch-tuxpaint-stamps.mjs';
import { imageFileProblem } from '../../src/demo/image-file-problem.ts';

/**
 * A real stamp picture (the original PNG from Debian's tuxpaint-stamps-default), and the WebP the
 * catalog builder makes of such a picture (same library, sharp), plus a hand-written SVG. Not
 * read from the built catalog, which a fresh clone has only after the e2e server built it.
 */
let frogPng: Uint8Array<ArrayBuffer>;
let frogWebp: Uint8Array<ArrayBuffer>;
beforeAll(async () => {
  const png = readFileSync(join(findOrFetchTuxPaintStamps(), 'animals', 'amphibians', 'frog.png'));
  frogPng = new Uint8Array(png);
  frogWebp = new Uint8Array(await sharp(png).webp().toBuffer());
});

describe('imageFileProblem', () => {
  it('accepts a real picture, whatever MIME type the browser guessed from its name', async () => {
    expect(await imageFileProblem(new Blob([frogWebp], { type: 'image/webp' }), 'frog.webp')).toBeUndefined();
    expect(await imageFileProblem(new Blob([frogWebp], { type: '' }), 'frog')).toBeUndefined();
    expect(await imageFileProblem(new Blob([frogPng], { type: 'image/png' }), 'frog.png')).toBeUndefined();
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>';
    expect(await imageFileProblem(new Blob([svg], { type: 'image/svg+xml' }), 'dot.svg')).toBeUndefined();
  });

  it('refuses a text file renamed .png by its bytes', async () => {
    const problem = await imageFileProblem(new Blob(['just some notes'], { type: 'image/png' }), 'notes.png');
    expect(problem).toBe(
      '“notes.png” is not a picture this page can read: its contents are not PNG, JPEG, GIF, WebP or SVG. Choose a PNG, JPEG, GIF, WebP or SVG picture.',
    );
  });

  it('refuses by MIME type before reading, and an empty file', async () => {
    expect(await imageFileProblem(new Blob([frogWebp], { type: 'audio/ogg' }), 'frog.ogg')).toBe(
      '“frog.ogg” is not a picture (it is audio/ogg). Choose a PNG, JPEG, GIF, WebP or SVG picture.',
    );
    expect(await imageFileProblem(new Blob([], { type: 'image/png' }), 'empty.png')).toBe(
      '“empty.png” is empty. Choose a PNG, JPEG, GIF, WebP or SVG picture.',
    );
  });
});
