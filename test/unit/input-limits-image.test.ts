import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkImageLimits, readImageHeaderSize } from '../../src/shared/image/check-image-limits.ts';
import { checkSvgLimits } from '../../src/shared/image/check-svg-limits.ts';
import { detectImageFormat, isSvgText } from '../../src/shared/image/detect-image-format.ts';
import { decodeImageBytes } from '../../src/node/decode-image-file.ts';
import { imageFileProblem } from '../../src/demo/image-file-problem.ts';
import { MAX_IMAGE_PIXELS, MAX_SVG_ELEMENTS, MAX_SVG_REFERENCE_DEPTH } from '../../src/protocol/limits.ts';
import { pngClaimingSize, SNIFF_HOSTILE_STRINGS, svgPatternBomb, svgUseBomb } from '../hostile-inputs.ts';
import { expectInputError } from './expect-input-error.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('SVG sniff (linear time)', () => {
  it('answers the hostile strings of issue 11 (64 KB of whitespace included) and says none is SVG', () => {
    for (const text of SNIFF_HOSTILE_STRINGS) {
      expect(isSvgText(text)).toBe(false);
      expect(detectImageFormat(utf8(text))).toBeUndefined();
    }
    // The same whitespace before a real root still is SVG, and every prolog item is still skipped.
    expect(isSvgText(`${' \n'.repeat(30_000)}<svg xmlns="http://www.w3.org/2000/svg"/>`)).toBe(true);
    expect(
      isSvgText(
        '<?xml version="1.0"?>\n<!-- by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" [\n<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n]>\n<svg:svg xmlns:svg="x">',
      ),
    ).toBe(true);
    expect(isSvgText('<!DOCTYPE svg [ <!ENTITY a "]"> ] ><svg>')).toBe(true);
    expect(isSvgText('<svgx>')).toBe(false);
    expect(isSvgText('<html><svg>')).toBe(false);
    expect(isSvgText('<!-- never closed <svg>')).toBe(false);
  });
});

describe('picture limits, read from the header before decoding', () => {
  it('reads width and height from PNG, JPEG, WebP and GIF headers', async () => {
    const base = sharp({ create: { width: 37, height: 23, channels: 3, background: '#808080' } });
    for (const format of ['png', 'jpeg', 'webp', 'gif'] as const) {
      const bytes = new Uint8Array(await base.clone().toFormat(format).toBuffer());
      expect(readImageHeaderSize(bytes)).toEqual({ width: 37, height: 23 });
    }
  });

  it('refuses 16,384² and 30,000² PNGs of about 1 MB as too-large, naming the size, in Node', async () => {
    for (const side of [16_384, 30_000]) {
      const png = pngClaimingSize(side, side);
      expect(png.byteLength).toBeGreaterThan(1_000_000);
      expect(png.byteLength).toBeLessThan(1_200_000);
      await expectInputError(() => checkImageLimits(png, 'png', 'huge.png'), 'too-large', new RegExp(`huge\\.png is ${side}×${side} pixels`));
      await expectInputError(decodeImageBytes(png, 'huge.png'), 'too-large', /the limit is 40 megapixels/);
      expect(await imageFileProblem(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'huge.png')).toMatch(
        new RegExp(`^“huge\\.png” is ${side}×${side} pixels .*Choose a smaller picture\\.$`),
      );
    }
  });

  it('refuses a real decodable 48 MP JPEG by its header, and accepts one at the limit', async () => {
    const jpeg = new Uint8Array(
      await sharp({ create: { width: 8000, height: 6000, channels: 3, background: '#336699' } })
        .jpeg({ quality: 50 })
        .toBuffer(),
    );
    await expectInputError(decodeImageBytes(jpeg, 'photo.jpg'), 'too-large', /photo\.jpg is 8000×6000 pixels \(48\.0 megapixels\)/);
    const side = Math.floor(Math.sqrt(MAX_IMAGE_PIXELS));
    const atLimit = pngClaimingSize(side, side, 1000);
    expect(() => checkImageLimits(atLimit, 'png')).not.toThrow();
  });

  it('refuses a header that gives no size as corrupt-image', async () => {
    await expectInputError(
      () => checkImageLimits(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0), 'png', 'cut.png'),
      'corrupt-image',
      /cut\.png looks like PNG but could not be decoded \(its header gives no picture size/,
    );
  });
});

describe('SVG limits, checked with a streaming parser before resvg', () => {
  it('refuses a <use> bomb (10⁹ rectangles from 3 kB) and a 40-deep pattern chain as too-large', async () => {
    const bomb = utf8(svgUseBomb(9, 10));
    expect(bomb.byteLength).toBeLessThan(4000);
    await expectInputError(() => checkSvgLimits(bomb, 'bomb.svg'), 'too-large', new RegExp(`expands to more than ${MAX_SVG_ELEMENTS} elements`));
    await expectInputError(decodeImageBytes(bomb, 'bomb.svg'), 'too-large');
    await expectInputError(
      () => checkSvgLimits(utf8(svgPatternBomb(40)), 'pattern.svg'),
      'too-large',
      new RegExp(`chained more than ${MAX_SVG_REFERENCE_DEPTH} deep`),
    );
    await expectInputError(
      () => checkSvgLimits(utf8(`<svg>${'<g>'.repeat(300)}${'</g>'.repeat(300)}</svg>`), 'deep.svg'),
      'too-large',
      /nested more than 256 deep/,
    );
  });

  it('accepts honest references (a small fan-out, a cycle resvg skips) and counts them', () => {
    expect(checkSvgLimits(utf8(svgUseBomb(3, 10)))).toEqual({
      // svg + defs (rect 1, l1 = 1 + 10 × 2, l2 = 1 + 10 × 22, l3 = 1 + 10 × 222) + the <use> of l3 (1 + 2221)
      elements: 1 + (1 + 1 + 21 + 221 + 2221) + 2222,
      referenceDepth: 4,
    });
    const cycle = checkSvgLimits(utf8('<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>'));
    expect(cycle).toEqual({ elements: 3, referenceDepth: 0 });
  });

  it('reads an Illustrator-style DOCTYPE with entities, and refuses XML that is not well-formed', async () => {
    const illustrator = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ns_svg "http://www.w3.org/2000/svg">]><svg xmlns="&ns_svg;"><rect/></svg>';
    expect(checkSvgLimits(utf8(illustrator)).elements).toBe(2);
    await expectInputError(() => checkSvgLimits(utf8('<svg><g></svg>'), 'broken.svg'), 'corrupt-image', /broken\.svg is not a valid SVG \(not well-formed XML/);
  });
});
