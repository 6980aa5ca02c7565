/**
 * The accuracy–diversity curve as a dependency-free SVG: for each MMR λ, the headline accuracy
 * (y) against intra-list diversity (x), one panel per diversity measure (genre, text
 * embedding), each point with its 95 % bootstrap intervals on both axes and labelled with λ.
 */
import type { Estimate } from './bootstrap.ts';
import { accuracyColumns, PROTOCOL_TITLES } from './eval-report.ts';
import type { EvaluationResult } from './run-evaluation.ts';
import type { StatName } from './run-statistics.ts';
import { escapeXml, niceCeiling, text } from './svg-helpers.ts';

const PANEL = { width: 420, height: 340, left: 64, right: 20, top: 56, bottom: 52 };

export function mmrCurveSvg(run: EvaluationResult): string {
  if (!run.curve) throw new Error('mmrCurveSvg: the run has no accuracy–diversity curve');
  const [label, stat] = accuracyColumns(run)[0]!;
  const panels: Array<[string, StatName]> = [
    ['ILD genre (1 − Jaccard)', 'ildCategory'],
    ['ILD text (1 − cosine)', 'ildEmbedding'],
  ];
  const width = PANEL.width * panels.length;
  const height = PANEL.height + 30;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(
      width / 2,
      20,
      `${run.curve.recommender}: MMR λ sweep, ${PROTOCOL_TITLES[run.protocol]}, split ${run.split} (bars: 95 % intervals)`,
      'middle',
      'font-size="14" font-weight="600"',
    ),
  ];
  panels.forEach(([xLabel, xStat], p) => out.push(panel(run, p * PANEL.width, 24, xLabel, xStat, label, stat)));
  out.push('</svg>', '');
  return out.join('\n');
}

function panel(run: EvaluationResult, x0: number, y0: number, xLabel: string, xStat: StatName, yLabel: string, yStat: StatName): string {
  const points = run
    .curve!.results.map((r) => ({ name: r.name, x: r.stats[xStat], y: r.stats[yStat] }))
    .filter((p): p is { name: string; x: Estimate; y: Estimate } => !!p.x && !!p.y);
  const left = x0 + PANEL.left;
  const right = x0 + PANEL.width - PANEL.right;
  const top = y0 + PANEL.top - 24;
  const bottom = y0 + PANEL.height - PANEL.bottom;
  const finite = (vs: number[]) => vs.filter(Number.isFinite);
  const xs = finite(points.flatMap((p) => [p.x.low, p.x.high, p.x.value]));
  const ys = finite(points.flatMap((p) => [p.y.low, p.y.high, p.y.value]));
  const xMin = Math.max(0, Math.floor(Math.min(1, ...xs) * 20) / 20);
  const xMax = Math.max(xMin + 0.05, Math.ceil(Math.max(0, ...xs) * 20) / 20);
  const yMax = niceCeiling(Math.max(0.01, ...ys));
  const sx = (v: number) => left + ((v - xMin) / (xMax - xMin)) * (right - left);
  const sy = (v: number) => bottom - (v / yMax) * (bottom - top);
  const out: string[] = [];
  for (let t = 0; t <= 5; t++) {
    const v = (yMax * t) / 5;
    out.push(`<line x1="${left}" x2="${right}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="${t === 0 ? '#333' : '#ddd'}"/>`);
    out.push(text(left - 6, sy(v) + 4, v.toFixed(yMax < 0.1 ? 3 : 2), 'end'));
    const xv = xMin + ((xMax - xMin) * t) / 5;
    out.push(text(sx(xv), bottom + 16, xv.toFixed(2), 'middle'));
  }
  out.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#333"/>`);
  out.push(text((left + right) / 2, bottom + 36, xLabel, 'middle'));
  out.push(text(x0 + 16, (top + bottom) / 2, yLabel, 'middle', `transform="rotate(-90 ${x0 + 16} ${(top + bottom) / 2})"`));
  out.push(
    `<polyline points="${points.map((p) => `${sx(p.x.value).toFixed(1)},${sy(p.y.value).toFixed(1)}`).join(' ')}" fill="none" stroke="#0072B2" stroke-width="1.5"/>`,
  );
  // Labels only where they do not overlap one already drawn (every point keeps its tooltip).
  const labelled: Array<[number, number]> = [];
  for (const p of points) {
    const cx = sx(p.x.value);
    const cy = sy(p.y.value);
    if (Number.isFinite(p.y.low) && Number.isFinite(p.y.high))
      out.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${sy(p.y.low).toFixed(1)}" y2="${sy(p.y.high).toFixed(1)}" stroke="#555"/>`);
    if (Number.isFinite(p.x.low) && Number.isFinite(p.x.high))
      out.push(`<line x1="${sx(p.x.low).toFixed(1)}" x2="${sx(p.x.high).toFixed(1)}" y1="${cy.toFixed(1)}" y2="${cy.toFixed(1)}" stroke="#555"/>`);
    out.push(
      `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="3.5" fill="#D55E00"><title>${escapeXml(`${p.name}: ${yLabel} ${p.y.value.toFixed(4)}, ${xLabel} ${p.x.value.toFixed(4)}`)}</title></circle>`,
    );
    if (labelled.every(([lx, ly]) => Math.abs(lx - cx) > 34 || Math.abs(ly - cy) > 12)) {
      out.push(text(cx + 6, cy - 6, p.name, 'start', 'font-size="10"'));
      labelled.push([cx, cy]);
    }
  }
  return out.join('\n');
}
