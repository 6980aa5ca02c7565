import { describe, expect, it } from 'vitest';
import { parseEpsilons, privacySettings, rowName, settingSignalOptions } from '../../src/node/eval/privacy-settings.ts';
import { privacyChartSvg, privacyTable } from '../../src/node/eval/privacy-report.ts';
import type { EvaluationResult } from '../../src/node/eval/run-evaluation.ts';

describe('privacy evaluation settings', () => {
  it('reads ε values (inf first by default), refuses 0 and junk', () => {
    expect(parseEpsilons('inf,8,4,2,1')).toEqual([Infinity, 8, 4, 2, 1]);
    expect(parseEpsilons('∞, 0.5, 0.5')).toEqual([Infinity, 0.5]);
    expect(() => parseEpsilons('4,0')).toThrow('--epsilons takes numbers > 0 or inf, comma-separated (got "0")');
    expect(() => parseEpsilons('x')).toThrow('(got "x")');
  });

  it('compares K at every ε with the reference K = 1, ε = ∞, and aggregates accordingly', () => {
    const settings = privacySettings([Infinity, 2], 5);
    expect(settings).toEqual([
      { minSessions: 1, epsilon: Infinity },
      { minSessions: 5, epsilon: Infinity },
      { minSessions: 5, epsilon: 2 },
    ]);
    expect(privacySettings([Infinity, 2], 1)).toHaveLength(2);
    expect(rowName('CF only', settings[2]!)).toBe('CF only · K=5 ε=2');
    expect(settingSignalOptions(settings[0]!, 1)).toMatchObject({ minSessions: 1, transitionWindow: 5 });
    expect(settingSignalOptions(settings[0]!, 1).privacy).toBeUndefined();
    expect(settingSignalOptions(settings[2]!, 1).privacy).toEqual({ epsilon: 2, seed: 2001 });
  });
});

describe('privacy evaluation report', () => {
  const settings = privacySettings([Infinity, 2], 5);
  const names = settings.map((s) => rowName('CF only', s));
  const result = {
    protocol: 'B',
    split: 'dev',
    k: 10,
    users: 3,
    cases: 9,
    results: [
      { name: names[0], group: 'collaborative', stats: { hr: { value: 0.3, low: 0.2, high: 0.4 }, ndcg: { value: 0.15, low: 0.1, high: 0.2 } } },
      { name: names[1], group: 'collaborative', stats: { hr: { value: 0.25, low: 0.15, high: 0.35 }, ndcg: { value: 0.12, low: 0.08, high: 0.16 } } },
      { name: names[2], group: 'collaborative', stats: { hr: { value: 0.1, low: 0.05, high: 0.15 }, ndcg: { value: 0.05, low: 0.02, high: 0.08 } } },
    ],
    comparisons: [
      { a: names[1], b: names[0], reasons: ['asked'], stats: { hr: { value: -0.05, low: -0.12, high: 0.02 }, ndcg: { value: -0.03, low: -0.06, high: 0.01 } } },
      { a: names[2], b: names[0], reasons: ['asked'], stats: { hr: { value: -0.2, low: -0.3, high: -0.1 }, ndcg: { value: -0.1, low: -0.15, high: -0.05 } } },
    ],
  } as unknown as EvaluationResult;

  it('tabulates every setting with its interval and its paired difference from the reference', () => {
    expect(privacyTable(result, ['CF only'], settings).split('\n')).toEqual([
      '| Row | K | ε | HR@10 [95 % CI] | NDCG@10 [95 % CI] | ΔHR@10 vs K=1 ε=∞ | ΔNDCG@10 vs K=1 ε=∞ |',
      '|---|---|---|---|---|---|---|',
      '| CF only | 1 | ∞ | 0.300 [0.200, 0.400] | 0.150 [0.100, 0.200] | (reference) | (reference) |',
      '| CF only | 5 | ∞ | 0.250 [0.150, 0.350] | 0.120 [0.080, 0.160] | -0.050 [-0.120, +0.020] | -0.030 [-0.060, +0.010] |',
      '| CF only | 5 | 2 | 0.100 [0.050, 0.150] | 0.050 [0.020, 0.080] | -0.200 [-0.300, -0.100] * | -0.100 [-0.150, -0.050] * |',
    ]);
  });

  it('charts HR against ε: one marker and error bar per setting, the reference hollow', () => {
    const svg = privacyChartSvg(result, ['CF only'], settings);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<circle [^>]*r="4"/g)).toHaveLength(3 + 1); // three settings + the legend
    expect(svg).toContain('fill="#fff" stroke="#0072B2"');
    expect(svg).toContain('CF only · K=5 ε=2: 0.100 [0.050, 0.150]');
  });
});
