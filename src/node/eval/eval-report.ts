/**
 * What an evaluation run leaves behind: an aligned plain-text table per protocol for the
 * terminal, and a JSON file with every number (aggregates only, never per-user data, so the
 * file says nothing about any MovieLens user; it still goes to the git-ignored eval-results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatTable } from '../../../bench/format-table.ts';
import type { RankingMetrics } from './metrics.ts';
import type { Protocol, Split } from './protocols.ts';
import type { EvaluationResult } from './run-evaluation.ts';

export interface EvaluationReport {
  dataset: 'MovieLens-100k (posters and plots)';
  createdAt: string;
  dataDir: string;
  split: Split;
  runs: EvaluationResult[];
}

export const PROTOCOL_TITLES: Record<Protocol, string> = {
  A: 'protocol A (random 75/25 per user)',
  B: 'protocol B (leave-last-out)',
};

/** The metric columns each protocol reports (DATA.md §3), as [label, read]. */
export function metricColumns(result: EvaluationResult): Array<[string, (r: EvaluationResult['results'][number]) => number | undefined]> {
  const k = result.k;
  const pick = (name: keyof RankingMetrics) => (r: { metrics: RankingMetrics }) => r.metrics[name];
  if (result.protocol === 'B') {
    return [
      [`HR@${k}`, pick('hr')],
      [`NDCG@${k}`, pick('ndcg')],
      [`cold HR@${k}`, (r) => r.cold?.metrics.hr],
      [`cold NDCG@${k}`, (r) => r.cold?.metrics.ndcg],
    ];
  }
  return [
    [`P@${k}`, pick('precision')],
    [`R@${k}`, pick('recall')],
    [`NDCG@${k}`, pick('ndcg')],
  ];
}

export function formatEvaluationTable(result: EvaluationResult): string {
  const columns = metricColumns(result);
  const headers = ['recommender', 'group', ...columns.map(([label]) => label), 'users', 'fit s', 'score s'];
  const rows = result.results.map((r) => [
    r.name,
    r.group,
    ...columns.map(([, read]) => formatMetric(read(r))),
    String(r.users),
    r.fitSeconds.toFixed(1),
    r.scoreSeconds.toFixed(1),
  ]);
  const cold =
    result.protocol === 'B' ? `; cold slice: ${result.coldUsers} users whose target has < ${result.coldStartThreshold} training interactions` : '';
  const title =
    `MovieLens-100k, ${PROTOCOL_TITLES[result.protocol]}, split ${result.split}: ${result.users} users, ` +
    `${result.trainRatings} training ratings from ${result.trainUsers} users${cold}`;
  return `${title}\n${formatTable(headers, rows)}`;
}

const formatMetric = (value: number | undefined): string => (value === undefined ? '-' : value.toFixed(4));

export function writeEvaluationJson(file: string, report: EvaluationReport): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}
