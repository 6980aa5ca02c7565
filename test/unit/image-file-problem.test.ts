import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageFileProblem } from '../../src/demo/image-file-problem.ts';

/** Real stamp pictures from the default catalog (WebP) and a hand-written SVG. */
const frogWebp = readFileSync('public/catalogs/tuxpaint/media/image/animals/amphibians/frog.webp');

describe('imageFileProblem', () => {
  it('accepts a real picture, whatever MIME type the browser guessed from its name', async () => {
    expect(await imageFileProblem(new Blob([frogWebp], { type: 'image/webp' }), 'frog.webp')).toBeUndefined();
    expect(await imageFileProblem(new Blob([frogWebp], { type: '' }), 'frog')).toBeUndefined();
    const svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>';
    expect(await imageFileProblem(new Blob([svg], { type: 'image/svg+xml' }), 'dot.svg')).toBeUndefined();
  });

  it('refuses a text file renamed .png by its bytes', async () => {
    const problem = await imageFileProblem(new Blob(['just some notes'], { type: 'image/png' }), 'notes.png');
    expect(problem).toBe('“notes.png” is not a picture this page can read: its contents are not PNG, JPEG, GIF, WebP or SVG. Choose a PNG, JPEG, GIF, WebP or SVG picture.');
  });

  it('refuses by MIME type before reading, and an empty file', async () => {
    expect(await imageFileProblem(new Blob([frogWebp], { type: 'audio/ogg' }), 'frog.ogg')).toBe('“frog.ogg” is not a picture (it is audio/ogg). Choose a PNG, JPEG, GIF, WebP or SVG picture.');
    expect(await imageFileProblem(new Blob([], { type: 'image/png' }), 'empty.png')).toBe('“empty.png” is empty. Choose a PNG, JPEG, GIF, WebP or SVG picture.');
  });
});
