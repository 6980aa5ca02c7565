import { describe, expect, it } from 'vitest';
import { readCliFlags, UsageError } from '../../src/node/cli-flags.ts';

const spec = { values: ['out', 'k'], repeatable: ['compare'], booleans: ['fresh'] } as const;

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('readCliFlags', () => {
  it('reads --name value, --name=value, repeatable and boolean flags', () => {
    const flags = readCliFlags(['--out', 'a.json', '--k=10', '--compare', 'a:b', '--compare=c:d', '--fresh'], spec);
    expect(flags.value('out')).toBe('a.json');
    expect(flags.value('k')).toBe('10');
    expect(flags.all('compare')).toEqual(['a:b', 'c:d']);
    expect(flags.has('fresh')).toBe(true);
    expect(flags.has('k')).toBe(true);
    expect(flags.given).toEqual(['out', 'k', 'compare', 'fresh']);
    const none = readCliFlags([], spec);
    expect(none.value('out')).toBeUndefined();
    expect(none.all('compare')).toEqual([]);
    expect(none.has('fresh')).toBe(false);
  });

  it('keeps "-" and an inline value that starts with "--" as values', () => {
    expect(readCliFlags(['--out', '-'], spec).value('out')).toBe('-');
    expect(readCliFlags(['--out=--weird'], spec).value('out')).toBe('--weird');
  });

  it('names the flag in every mistake, with the same words in every CLI', () => {
    expect(usageError(() => readCliFlags(['--bogus', 'x'], spec)).message).toBe('unknown option --bogus');
    expect(usageError(() => readCliFlags(['-h'], spec)).message).toBe('unknown option -h');
    expect(usageError(() => readCliFlags(['--out'], spec)).message).toBe('option --out needs a value');
    expect(usageError(() => readCliFlags(['--out', '--k', '3'], spec)).message).toBe('option --out needs a value');
    expect(usageError(() => readCliFlags(['--out='], spec)).message).toBe('option --out needs a value');
    expect(usageError(() => readCliFlags(['--k', '1', '--k', '2'], spec)).message).toBe('option --k given twice');
    expect(usageError(() => readCliFlags(['--fresh', '--fresh'], spec)).message).toBe('option --fresh given twice');
    expect(usageError(() => readCliFlags(['--fresh=yes'], spec)).message).toBe('option --fresh takes no value');
    expect(usageError(() => readCliFlags(['stray'], spec)).message).toBe('unexpected argument "stray"');
  });

  it('appends the usage when asked, and takes positionals only when allowed', () => {
    expect(usageError(() => readCliFlags(['--bogus'], spec, 'usage: tool --out FILE')).message).toBe('unknown option --bogus\nusage: tool --out FILE');
    const flags = readCliFlags(['build.jsonl', '--out', 'dir', 'more'], { values: ['out'], positionals: true });
    expect(flags.positionals).toEqual(['build.jsonl', 'more']);
    expect(flags.value('out')).toBe('dir');
  });
});
