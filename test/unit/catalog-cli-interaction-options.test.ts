/**
 * The catalog CLI's aggregation flags (--neighbours, --transition-window, --max-gap,
 * --max-session-items) reach the shipped signals, and a shop's `text` field is what gets
 * embedded. Real CLI processes, real text encoder, a four-product shop and a hand-made log.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCatalogManifest } from '../../src/engine/catalog/catalog-manifest-parser.ts';
import { CatalogInputError, textToEmbed } from '../../src/node/catalog/build-catalog.ts';
import { parseShopJsonl } from '../../src/node/catalog/shop-source.ts';

const run = promisify(execFile);
const CLI = ['node_modules/tsx/dist/cli.mjs', 'src/node/catalog/catalog-cli.ts'];
const work = mkdtempSync(join(tmpdir(), 'catalog-cli-signals-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const PRODUCTS = [
  { id: 'hat', title: 'Red hat', category: 'clothes/hats', description: 'A red woollen hat.' },
  { id: 'scarf', title: 'Scarf', category: 'clothes', text: 'A long striped scarf for winter.' },
  { id: 'boots', title: 'Boots', category: 'shoes' },
  { id: 'gloves', title: 'Gloves', category: 'clothes' },
];
/** Seconds: shopper 1 views hat, scarf, boots 10 s apart; shopper 2 hat, then gloves two hours later. */
const LOG = ['session,item,timestamp,event', 's1,hat,1000,view', 's1,scarf,1010,view', 's1,boots,1020,view', 's2,hat,5000,view', 's2,gloves,12200,view'].join(
  '\n',
);

describe('catalog CLI: how interactions are aggregated', () => {
  it('ships the signals the flags ask for', async () => {
    writeFileSync(join(work, 'shop.jsonl'), PRODUCTS.map((p) => JSON.stringify(p)).join('\n'));
    writeFileSync(join(work, 'log.csv'), LOG);
    const build = async (out: string, flags: string[]) => {
      await run(
        process.execPath,
        [
          ...CLI,
          'build',
          '--source',
          'jsonl',
          join(work, 'shop.jsonl'),
          '--media',
          work,
          '--modalities',
          'text',
          '--workers',
          '1',
          '--interactions',
          join(work, 'log.csv'),
          '--out',
          join(work, out),
          ...flags,
        ],
        { maxBuffer: 64 << 20 },
      );
      return parseCatalogManifest(JSON.parse(readFileSync(join(work, out, 'manifest.json'), 'utf8')), 'manifest.json');
    };
    // Two shoppers: under the default K = 5 nothing would ship; K = 1 shows what each flag does.
    const defaults = await build('defaults', ['--min-sessions', '1']);
    // Defaults: the next event only, gaps up to an hour: hat→scarf, scarf→boots; hat→gloves is 2 h.
    expect(defaults.signals!.maxGapSeconds).toBe(3600);
    expect(defaults.signals!.transitions.hat!.map((n) => n.item)).toEqual(['scarf']);
    const wide = await build('wide', ['--min-sessions', '1', '--transition-window', '2', '--max-gap', '10000', '--neighbours', '1']);
    expect(wide.signals).toMatchObject({ k: 1, maxGapSeconds: 10000 });
    // Window 2 credits hat→boots (weight ½); the 2 h gap now counts (hat→gloves); one neighbour each.
    expect(Object.values(wide.signals!.transitions).every((list) => list.length <= 1)).toBe(true);
    expect(Object.values(wide.signals!.coOccurrence).every((list) => list.length <= 1)).toBe(true);
    expect(wide.signals!.transitions.scarf!.map((n) => n.item)).toEqual(['boots']);
    expect(wide.signals!.transitions.hat).toHaveLength(1);
    expect(wide.signals!.transitions.hat![0]!.p).toBeLessThan(1); // shared between scarf, boots and gloves before the cut
    const k5 = await build('k5', []);
    expect(k5.signals).toMatchObject({ popularity: [], coOccurrence: {}, transitions: {}, privacy: { minSessions: 5 } });
    const noisy = await build('noisy', ['--min-sessions', '2', '--epsilon', '4', '--noise-seed', '9']);
    expect(noisy.signals!.privacy).toEqual({
      minSessions: 2,
      noise: { mechanism: 'laplace', epsilon: 4, delta: 1e-6, maxItemsPerSession: 20, maxPairsPerSession: 20 },
    });
    await expect(
      run(process.execPath, [
        ...CLI,
        'build',
        '--source',
        'jsonl',
        join(work, 'shop.jsonl'),
        '--media',
        work,
        '--out',
        join(work, 'x'),
        '--interactions',
        join(work, 'log.csv'),
        '--epsilon',
        '0',
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/--epsilon must be a number > 0, or inf for exact counts \(got "0"\)/),
    });
    await expect(
      run(process.execPath, [
        ...CLI,
        'build',
        '--source',
        'jsonl',
        join(work, 'shop.jsonl'),
        '--media',
        work,
        '--out',
        join(work, 'x'),
        '--transition-window',
        '2',
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/--transition-window is about aggregating --interactions/),
    });
    await expect(
      run(process.execPath, [
        ...CLI,
        'build',
        '--source',
        'jsonl',
        join(work, 'shop.jsonl'),
        '--media',
        work,
        '--out',
        join(work, 'x'),
        '--interactions',
        join(work, 'log.csv'),
        '--max-gap',
        'soon',
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/--max-gap must be a number ≥ 0 \(got "soon"\)/),
    });
  });

  it('embeds a product\'s `text` when it gives one, else "title. description"', () => {
    const items = parseShopJsonl(PRODUCTS.map((p) => JSON.stringify(p)).join('\n'), work, 'shop.jsonl');
    expect(items.map(textToEmbed)).toEqual(['Red hat. A red woollen hat.', 'A long striped scarf for winter.', 'Boots', 'Gloves']);
    expect(() => parseShopJsonl('{"id":"a","title":"A","category":"c","text":7}', work, 'shop.jsonl')).toThrow(CatalogInputError);
    expect(() => parseShopJsonl('{"id":"a","title":"A","category":"c","text":7}', work, 'shop.jsonl')).toThrow(
      /shop\.jsonl line 1: field "text" must be a non-empty string/,
    );
  });
});
