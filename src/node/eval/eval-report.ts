/**
 * What an evaluation run leaves behind: plain-text tables per protocol for the terminal
 * (accuracy, beyond accuracy, paired differences, the MMR curve), every number with its 95 %
 * bootstrap interval, and a JSON file with every number (aggregates only, never per-user
 * data, so the file says nothing about any MovieLens user; it still goes to the git-ignored
 * eval-results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatTable } from '../../../bench/format-table.ts';
import type { Estimate } from './bootstrap.ts';
import type { Protocol, Split } from './protocols.ts';
import type { EvaluationResult } from './run-evaluation.ts';
import type { PairedComparison, RowSummary, StatName } from './run-statistics.ts';

export interface EvaluationReport {
  dataset: 'MovieLens-100k (posters and plots)';
  createdAt: string;
  dataDir: string;
  split: Split;
  runs: EvaluationResult[];
}

export const PROTOCOL_TITLES: Record<Protocol, string> = {
  A: 'protocol A (random 75/25 per user)',
  B: 'protocol B (leave-last-out, ties by hash)',
  'C-random': 'protocol C (new items: a random 20 %)',
  'C-newest': 'protocol C (new items: the newest 20 %)',
};

export type Column = [label: string, stat: StatName];

/** The accuracy columns each protocol reports (DATA.md §3). */
export function accuracyColumns(result: Pick<EvaluationResult, 'protocol' | 'k'>): Column[] {
  const k = result.k;
  if (result.protocol === 'B')
    return [
      [`HR@${k}`, 'hr'],
      [`NDCG@${k}`, 'ndcg'],
      [`cold-target HR@${k}`, 'coldHr'],
    ];
  if (result.protocol === 'A')
    return [
      [`P@${k}`, 'precision'],
      [`R@${k}`, 'recall'],
      [`NDCG@${k}`, 'ndcg'],
    ];
  return [
    [`R@${k}`, 'cappedRecall'],
    [`NDCG@${k}`, 'ndcg'],
  ];
}

/** The beyond-accuracy columns (issue 14 §6); novelty is constant on protocol C and left out there. */
export function beyondColumns(result: Pick<EvaluationResult, 'protocol' | 'k'>): Column[] {
  const k = result.k;
  const accuracy = result.protocol === 'B' ? 'HR' : result.protocol === 'A' ? 'NDCG' : 'R';
  return [
    [`coverage@${k}`, 'coverage'],
    ['Gini', 'gini'],
    ['ILD genre', 'ildCategory'],
    ['ILD text', 'ildEmbedding'],
    ...(result.protocol.startsWith('C') ? [] : [['novelty (bits)', 'novelty'] as Column]),
    [`${accuracy} light ⅓`, 'lightAccuracy'],
    [`${accuracy} heavy ⅓`, 'heavyAccuracy'],
    ['heavy − light', 'lightHeavyGap'],
  ];
}

/** `0.149 [0.121, 0.178]`; '-' when the statistic does not apply. */
export function formatEstimate(e: Estimate | undefined, digits = 3): string {
  if (!e || Number.isNaN(e.value)) return '-';
  const f = (v: number) => (Number.isNaN(v) ? '?' : v.toFixed(digits));
  return `${f(e.value)} [${f(e.low)}, ${f(e.high)}]`;
}

/** A paired difference, marked * when its interval excludes 0. */
export function formatDifference(e: Estimate | undefined, digits = 3): string {
  if (!e || Number.isNaN(e.value)) return '-';
  const sign = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;
  return `${sign(e.value)} [${sign(e.low)}, ${sign(e.high)}]${excludesZero(e) ? ' *' : ''}`;
}

export const excludesZero = (e: Estimate): boolean => e.low > 0 || e.high < 0;

export function runTitle(result: EvaluationResult): string {
  const cases = result.cases === result.users ? `${result.users} users` : `${result.users} users, ${result.cases} cases (last ${result.steps} steps each)`;
  const cold = result.protocol === 'B' ? `; cold-target slice: ${result.coldCases} cases whose target has < ${result.coldStartThreshold} training ratings` : '';
  const items = result.coldItems !== undefined ? `; ${result.coldItems} new items` : '';
  return (
    `MovieLens-100k, ${PROTOCOL_TITLES[result.protocol]}, split ${result.split}: ${cases}${items}, ` +
    `${result.trainRatings} training ratings from ${result.trainUsers} users${cold}. ` +
    `95 % intervals: percentile bootstrap over users, ${result.bootstrap.resamples} resamples (seed ${result.bootstrap.seed}).`
  );
}

function rowsTable(rows: readonly RowSummary[], columns: Column[], timings: boolean): string {
  const headers = ['recommender', 'group', ...columns.map(([label]) => label), ...(timings ? ['fit s', 'score s'] : [])];
  const body = rows.map((r) => [
    r.name,
    r.group,
    ...columns.map(([, stat]) => formatEstimate(r.stats[stat])),
    ...(timings ? [r.fitSeconds?.toFixed(1) ?? '-', r.scoreSeconds?.toFixed(1) ?? '-'] : []),
  ]);
  return formatTable(headers, body);
}

function comparisonsTable(comparisons: readonly PairedComparison[], columns: Column[]): string {
  const headers = ['a', 'b', 'why', ...columns.map(([label]) => `Δ ${label}`)];
  const body = comparisons.map((c) => [c.a, c.b, c.reasons.join(', '), ...columns.map(([, stat]) => formatDifference(c.stats[stat]))]);
  return formatTable(headers, body);
}

export function formatEvaluationTable(result: EvaluationResult): string {
  const accuracy = accuracyColumns(result);
  const headline = accuracy.slice(0, 2);
  const parts = [
    runTitle(result),
    rowsTable(result.results, accuracy, true),
    `Beyond accuracy (coverage and Gini over ${result.protocol.startsWith('C') ? 'the new items' : 'the catalog'}; light ⅓ ≤ ${result.activity.lightMax} and heavy ⅓ ≥ ${result.activity.heavyMin} training ratings):`,
    rowsTable(result.results, beyondColumns(result), false),
  ];
  if (result.comparisons.length > 0) {
    parts.push('Paired differences a − b (same resampled users; * = the 95 % interval excludes 0):', comparisonsTable(result.comparisons, headline));
  }
  if (result.curve) {
    const columns: Column[] = [...headline, ['ILD genre', 'ildCategory'], ['ILD text', 'ildEmbedding'], [`coverage@${result.k}`, 'coverage']];
    parts.push(
      `Accuracy–diversity curve: ${result.curve.recommender} re-ranked by the engine's MMR at each λ (1 = relevance only; the for-you default is 0.8):`,
      rowsTable(result.curve.results, columns, false),
    );
    if (result.curve.comparisons.length > 0) parts.push(comparisonsTable(result.curve.comparisons, columns));
  }
  return parts.join('\n');
}

export function writeEvaluationJson(file: string, report: EvaluationReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
