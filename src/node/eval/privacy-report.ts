/**
 * `npm run eval:privacy`'s outputs from one evaluation run: the markdown table (every row at
 * every K and ε with its 95 % interval, and its paired difference from the same row at K = 1,
 * ε = ∞) and the SVG chart of the headline metric against ε. Pure: strings in, strings out.
 */
import type { Estimate } from './bootstrap.ts';
import { formatDifference, formatEstimate } from './eval-report.ts';
import { formatEpsilon, REFERENCE, rowName, settingLabel, type PrivacySetting } from './privacy-settings.ts';
import type { EvaluationResult } from './run-evaluation.ts';
import type { StatName } from './run-statistics.ts';
import { escapeXml, niceCeiling, text } from './svg-helpers.ts';

const sameSetting = (a: PrivacySetting, b: PrivacySetting) => a.minSessions === b.minSessions && a.epsilon === b.epsilon;

function estimateOf(result: EvaluationResult, name: string, stat: StatName): Estimate | undefined {
  return result.results.find((r) => r.name === name)?.stats[stat];
}

function differenceOf(result: EvaluationResult, a: string, b: string, stat: StatName): Estimate | undefined {
  return result.comparisons.find((c) => c.a === a && c.b === b)?.stats[stat];
}

/** A markdown table: row, K, ε, HR@k, NDCG@k, and ΔHR@k / ΔNDCG@k against the same row at K = 1, ε = ∞. */
export function privacyTable(result: EvaluationResult, rows: readonly string[], settings: readonly PrivacySetting[]): string {
  const k = result.k;
  const lines = [
    `| Row | K | ε | HR@${k} [95 % CI] | NDCG@${k} [95 % CI] | ΔHR@${k} vs ${settingLabel(REFERENCE)} | ΔNDCG@${k} vs ${settingLabel(REFERENCE)} |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    for (const s of settings) {
      const name = rowName(row, s);
      const reference = rowName(row, REFERENCE);
      const diff = (stat: StatName) => (sameSetting(s, REFERENCE) ? '(reference)' : formatDifference(differenceOf(result, name, reference, stat)));
      lines.push(
        `| ${row} | ${s.minSessions} | ${formatEpsilon(s.epsilon)} | ${formatEstimate(estimateOf(result, name, 'hr'))} | ${formatEstimate(estimateOf(result, name, 'ndcg'))} | ${diff('hr')} | ${diff('ndcg')} |`,
      );
    }
  }
  return lines.join('\n');
}

const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7'];
const WIDTH = 640;
const HEIGHT = 380;
const M = { left: 64, right: 170, top: 48, bottom: 56 };

/**
 * HR@k against ε (∞ on the left, the strongest privacy on the right), one line per row at the
 * swept K with its 95 % interval as an error bar; the reference (K = 1, ε = ∞) as a hollow
 * marker left of ∞, so K's own effect shows as the step between the two.
 */
export function privacyChartSvg(result: EvaluationResult, rows: readonly string[], settings: readonly PrivacySetting[]): string {
  const swept = settings.filter((s) => !sameSetting(s, REFERENCE));
  const columns = ['K=1 ∞', ...swept.map((s) => `K=${s.minSessions} ${formatEpsilon(s.epsilon)}`)];
  const plotW = WIDTH - M.left - M.right;
  const plotH = HEIGHT - M.top - M.bottom;
  const x = (i: number) => M.left + (plotW * (i + 0.5)) / columns.length;
  const highs = rows.flatMap((row) => settings.map((s) => estimateOf(result, rowName(row, s), 'hr')?.high ?? 0));
  const top = niceCeiling(Math.max(0.01, ...highs.filter(Number.isFinite)));
  const y = (v: number) => M.top + plotH * (1 - v / top);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(
      M.left,
      24,
      `HR@${result.k} against the privacy of the catalog's aggregates (protocol ${result.protocol}, ${result.split}, ${result.users} users)`,
      'start',
      'font-weight="600"',
    ),
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#333"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (top * t) / 4;
    parts.push(
      `<line x1="${M.left - 4}" y1="${y(v).toFixed(1)}" x2="${M.left + plotW}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/>`,
      text(M.left - 8, y(v) + 4, v.toFixed(3), 'end'),
    );
  }
  columns.forEach((label, i) => parts.push(text(x(i), M.top + plotH + 18, label, 'middle')));
  parts.push(text(M.left + plotW / 2, HEIGHT - 12, 'minimum sessions K and budget ε (smaller ε: more noise, more privacy)', 'middle'));
  rows.forEach((row, r) => {
    const colour = COLOURS[r % COLOURS.length];
    const dx = (r - (rows.length - 1) / 2) * 6;
    const points: string[] = [];
    const all = [REFERENCE, ...swept];
    all.forEach((s, i) => {
      const e = estimateOf(result, rowName(row, s), 'hr');
      if (!e || !Number.isFinite(e.value)) return;
      const cx = x(i) + dx;
      parts.push(`<line x1="${cx.toFixed(1)}" y1="${y(e.low).toFixed(1)}" x2="${cx.toFixed(1)}" y2="${y(e.high).toFixed(1)}" stroke="${colour}"/>`);
      const fill = i === 0 ? '#fff' : colour;
      parts.push(
        `<circle cx="${cx.toFixed(1)}" cy="${y(e.value).toFixed(1)}" r="4" fill="${fill}" stroke="${colour}" stroke-width="2"><title>${escapeXml(`${rowName(row, s)}: ${formatEstimate(e)}`)}</title></circle>`,
      );
      if (i > 0) points.push(`${cx.toFixed(1)},${y(e.value).toFixed(1)}`);
    });
    if (points.length > 1) parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.5"/>`);
    const ly = M.top + 14 + r * 20;
    parts.push(`<circle cx="${WIDTH - M.right + 20}" cy="${ly - 4}" r="4" fill="${colour}"/>`, text(WIDTH - M.right + 30, ly, row, 'start'));
  });
  parts.push(text(WIDTH - M.right + 16, M.top + 14 + rows.length * 20 + 8, 'hollow: K=1, exact', 'start', 'fill="#555"'));
  parts.push('</svg>', '');
  return parts.join('\n');
}
