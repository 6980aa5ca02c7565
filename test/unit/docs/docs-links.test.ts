import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The front door's promises: README.md stays short, and every picture and relative link in it
 * and in docs/ points at a file that is in git (a picture that exists only on the machine that
 * took it is a broken image for everyone else).
 */
const pages = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
];
const tracked = new Set(execFileSync('git', ['ls-files'], { encoding: 'utf8' }).split('\n').filter(Boolean));
const trackedDirs = new Set(
  [...tracked].flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);

/** Relative targets of `[text](target)` and `![alt](target)`, without #anchors; external URLs and mailto: skipped. */
function relativeTargets(markdown: string): Array<{ target: string; image: boolean }> {
  const out: Array<{ target: string; image: boolean }> = [];
  for (const match of markdown.matchAll(/(!?)\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = match[2]!.split('#')[0]!;
    if (target === '' || /^[a-z]+:/i.test(target)) continue;
    out.push({ target, image: match[1] === '!' });
  }
  return out;
}

describe('README.md and docs/', () => {
  it('README.md is a front door of at most about 200 lines', () => {
    expect(readFileSync('README.md', 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });

  it.each(pages)('%s: every picture and relative link points at a file or folder in git', (page) => {
    const markdown = readFileSync(page, 'utf8');
    const targets = relativeTargets(markdown);
    const broken = targets.filter(({ target }) => {
      const path = normalize(join(dirname(page), decodeURIComponent(target))).replace(/\/$/, '');
      return !tracked.has(path) && !trackedDirs.has(path);
    });
    expect(broken, `${page} links to files that are not in git`).toEqual([]);
    if (page === 'README.md') expect(targets.filter((t) => t.image).length).toBeGreaterThan(0);
  });
});
