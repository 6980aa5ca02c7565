import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * custom-elements.json is committed (so a shop, an IDE or a docs tool reads it from the
 * package without building anything) and generated from the widget's source and JSDoc by the
 * Custom Elements Manifest analyzer. This regenerates it and fails when the committed one is
 * stale, and checks that docs/widget.md documents exactly what the manifest declares.
 */
interface Named {
  name: string;
  default?: string;
}
interface Declaration {
  tagName?: string;
  customElement?: boolean;
  attributes?: Named[];
  events?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  modules: Array<{ path: string; declarations?: Declaration[] }>;
}

const out = mkdtempSync(join(tmpdir(), 'cem-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as Manifest;
const element = committed.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'ondevice-recs')!;
const widgetDoc = readFileSync('docs/widget.md', 'utf8');
/** First-column names of the markdown table whose header row starts with `| header`. */
function tableNames(header: string): string[] {
  const lines = widgetDoc.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`| ${header}`));
  expect(start, `docs/widget.md has a table starting "| ${header}"`).toBeGreaterThan(-1);
  const names: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    names.push(/^\| `([^`]+)`/.exec(line)![1]!);
  }
  return names;
}

describe('custom-elements.json', () => {
  it('is what the analyzer makes from the source now (run `npm run analyze:widget` after changing the widget)', () => {
    // The analyzer joins --outdir to the working folder, so it gets a relative path.
    execFileSync(
      process.execPath,
      [
        'node_modules/@custom-elements-manifest/analyzer/cem.js',
        'analyze',
        '--config',
        'custom-elements-manifest.config.mjs',
        '--outdir',
        relative(process.cwd(), out),
      ],
      { stdio: 'ignore' },
    );
    expect(JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'))).toEqual(committed);
  });

  it('declares <ondevice-recs> with its attributes, events, parts and custom properties', () => {
    expect(element.customElement).toBe(true);
    expect(element.attributes!.map((a) => a.name)).toEqual(['catalog', 'mode', 'item-id', 'k', 'item-href', 'assets', 'dwell-ms', 'heading']);
    expect(element.events!.map((e) => e.name)).toEqual(['recs-ready', 'recs-update', 'recs-error', 'recs-select']);
    expect(element.cssParts!.map((p) => p.name)).toEqual(['heading', 'list', 'item', 'image', 'title', 'why', 'message', 'placeholder', 'video-badge']);
    expect(element.cssProperties!.find((p) => p.name === '--recs-accent')?.default).toBe('#2563eb');
  });

  it('matches docs/widget.md: every attribute, event, part and custom property, with the same defaults', () => {
    const names = (list: Named[] | undefined) => list!.map((x) => x.name).sort();
    expect(tableNames('attribute').sort()).toEqual(names(element.attributes));
    expect(tableNames('event').sort()).toEqual(names(element.events));
    expect(tableNames('part').sort()).toEqual(names(element.cssParts));
    expect(tableNames('custom property').sort()).toEqual(names(element.cssProperties));
    for (const p of element.cssProperties!) expect(widgetDoc).toContain(`| \`${p.name}\` | \`${p.default}\` |`);
  });
});
