import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOrFetchOpenclipart } from '../../scripts/fetch-openclipart.mjs';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { decodeVectors } from '../../src/engine/catalog/vector-codec.ts';
import {
  openclipartLicense,
  openclipartSourceItems,
  parseSvgMetadata,
  scanOpenclipart,
  svgNamespaceMissing,
  svgProblem,
  xmlText,
} from '../../src/node/catalog/openclipart-source.ts';
import { itemAt } from '../../src/shared/item-at.ts';

const run = promisify(execFile);
let dir: string;
const temp = mkdtempSync(join(tmpdir(), 'catalog-openclipart-'));

beforeAll(() => {
  dir = findOrFetchOpenclipart();
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

const svgText = (id: string): string => readFileSync(join(dir, 'svg', `${id}.svg`), 'utf8');

describe('SVG metadata reader (real files)', () => {
  it('reads title, description, keywords and creator', () => {
    const meta = parseSvgMetadata(svgText('animals/2_dead_frogs_lumen_desig_01'));
    expect(meta.title).toBe('2 dead frogs');
    expect(meta.description).toBe('2 dead frogs... nothing more...');
    expect(meta.keywords).toEqual(expect.arrayContaining(['frog', 'swamp', 'skeleton']));
    expect(meta.creator).toBe('Lumen Design Studio');
  });

  it('takes the work title, not an agent title; drops the creator keyword and an empty description', () => {
    const meta = parseSvgMetadata(svgText('animals/bugs/ragnetto_incazzato_archi_01'));
    expect(meta.title).toBe('Ragnetto incazzato');
    expect(meta.creator).toBe('Architetto Francesco Rollandin');
    expect(meta.keywords).toEqual(['insect']);
    expect(meta.description).toBeUndefined();
  });

  it('maps a file to an item; a collection-wide title falls back to the file name', () => {
    const items = openclipartSourceItems(dir);
    const frogs = items.find((i) => i.id === 'animals/2_dead_frogs_lumen_desig_01')!;
    expect(frogs).toMatchObject({ title: '2 dead frogs', category: 'animals', description: '2 dead frogs... nothing more...' });
    expect(frogs.imagePath).toMatch(/2_dead_frogs_lumen_desig_01\.(png|svg)$/);
    const spider = items.find((i) => i.id === 'animals/bugs/ragnetto_incazzato_archi_01')!;
    expect(spider.description).toBe('insect'); // keywords joined when there is no dc:description
    const star = items.find((i) => i.id === 'shapes/stars/star_61pt06step')!;
    expect(star.metadata.collection).toBe('gramastar');
    expect(star.title).toBe('Star 61pt06step');
    // symlinked duplicates are kept once
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(items.length).toBeGreaterThan(7000);
  });

  it('decodes entities and CDATA, and tells SVG from not-SVG', () => {
    expect(xmlText('a &amp; b &#233;&#x41; <x>c</x><![CDATA[<d>]]>')).toBe('a & b éA c <d>');
    expect(svgProblem('<?xml version="1.0"?>\n<!-- c --><!DOCTYPE svg [ <!ENTITY a "b"> ]>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>\n')).toBeUndefined();
    expect(svgProblem('<svg/>')).toBeUndefined();
    expect(svgProblem('')).toBe('empty file');
    expect(svgProblem('<html><body/></html>')).toBe('no <svg> root element');
    expect(svgProblem('<svg><path d="M0 0"/>')).toBe('truncated (no closing </svg>)');
    expect(svgNamespaceMissing('<svg height="100" width="100"></svg>')).toBe(true);
    expect(svgNamespaceMissing(`<svg width='1' xmlns='http://www.w3.org/2000/svg'/>`)).toBe(false);
    expect(svgNamespaceMissing('<svg:svg xmlns:svg="http://www.w3.org/2000/svg"></svg:svg>')).toBe(false);
    expect(svgNamespaceMissing(svgText('shapes/stars/star_52pt23step'))).toBe(true);
    expect(svgNamespaceMissing(svgText('animals/2_dead_frogs_lumen_desig_01'))).toBe(false);
  });

  it('skips invalid files and symlinks with a counted reason', () => {
    const root = join(temp, 'fake');
    mkdirSync(join(root, 'svg', 'animals', 'cats'), { recursive: true });
    writeFileSync(join(root, 'svg', 'animals', 'cats', 'good.svg'), svgText('animals/bugs/ragnetto_incazzato_archi_01'));
    writeFileSync(join(root, 'svg', 'animals', 'bad.svg'), 'GIF89a not an svg');
    writeFileSync(join(root, 'svg', 'animals', 'cut.svg'), '<svg xmlns="http://www.w3.org/2000/svg"><g>');
    writeFileSync(join(root, 'svg', 'animals', 'nons.svg'), svgText('shapes/stars/star_52pt23step'));
    symlinkSync('cats/good.svg', join(root, 'svg', 'animals', 'link.svg'));
    symlinkSync('missing.svg', join(root, 'svg', 'animals', 'dangling.svg'));
    const scan = scanOpenclipart(root);
    expect(scan.files).toBe(6);
    expect(scan.items.map((i) => i.id)).toEqual(['animals/cats/good']);
    expect(itemAt(scan.items, 0).imagePath).toMatch(/good\.svg$/);
    expect(itemAt(scan.items, 0).metadata.alsoIn).toEqual(['animals']);
    expect(scan.skipped).toEqual({
      'not a valid SVG: no <svg> root element': 1,
      'not a valid SVG: truncated (no closing </svg>)': 1,
      'symlink to another SVG (kept once, category in metadata.alsoIn)': 1,
      'broken symlink': 1,
      'SVG without the SVG namespace (resvg cannot render it) and no PNG render': 1,
    });
  });

  it('spreads --limit over the top-level categories', () => {
    const ten = openclipartSourceItems(dir, { limit: 10 });
    expect(ten).toHaveLength(10);
    expect(new Set(ten.map((i) => i.category.split('/')[0])).size).toBe(10);
    const hundred = openclipartSourceItems(dir, { limit: 100 });
    expect(hundred).toHaveLength(100);
    expect(new Set(hundred.map((i) => i.category.split('/')[0])).size).toBe(22);
  });

  it('gives a public-domain licence', () => {
    const license = openclipartLicense(dir);
    expect(itemAt(license.licenses, 0).license).toBe('public-domain');
    expect(license.notice).toMatch(/PUBLIC DOMAIN/);
    expect(license.version).toBe('1:0.18+dfsg-19');
  });
});

describe('catalog build --source openclipart', () => {
  it('builds a catalog with text and image vectors', async () => {
    const out = join(temp, 'catalog');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/node/catalog/catalog-cli.ts', 'build', '--source', 'openclipart', '--out', out, '--limit', '10'],
      {
        cwd: join(import.meta.dirname, '..', '..'),
        maxBuffer: 16 << 20,
      },
    );
    expect(stdout).toMatch(/items: 10/);
    const manifest = parseCatalogManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), 'manifest.json');
    expect(manifest.items).toHaveLength(10);
    expect(Object.keys(manifest.vectorFiles).sort()).toEqual(['image', 'text']);
    for (const modality of ['text', 'image'] as const) {
      const file = manifest.vectorFiles[modality]!;
      expect(file.count).toBe(10);
      const vectors = decodeVectors(new Uint8Array(readFileSync(join(out, file.path))), file.format, file.count, file.dims, file.path);
      expect(vectors.some((v) => v !== 0)).toBe(true);
      expect(vectors.every((v) => Number.isFinite(v))).toBe(true);
    }
    const expected = new Map(openclipartSourceItems(dir, { limit: 10 }).map((i) => [i.id, i]));
    for (const item of manifest.items) {
      expect(item.title.trim()).not.toBe('');
      expect(item.category).toBe(expected.get(item.id)!.category);
      expect(item.category.startsWith(itemAt(item.id.split('/'), 0))).toBe(true);
      expect(item.vectorRows.text).toBeTypeOf('number');
      expect(item.vectorRows.image).toBeTypeOf('number');
      expect(existsSync(join(out, item.image!))).toBe(true);
      expect(item.metadata?.keywords).toBeInstanceOf(Array);
    }
    expect(manifest.licenses?.[0]?.license).toBe('public-domain');
    expect(readFileSync(join(out, 'NOTICE'), 'utf8')).toMatch(/PUBLIC DOMAIN/);
  }, 300_000);
});
