/**
 * A dependency-free SVG bar chart of an evaluation report: one panel per protocol, grouped
 * bars (one per headline metric) for each recommender with the 95 % bootstrap interval as an
 * error bar, value labels on the bars so the chart can be read without the JSON. Colours are
 * the Okabe–Ito palette (colour-blind safe).
 */
import { accuracyColumns, PROTOCOL_TITLES, type Column, type EvaluationReport } from './eval-report.ts';
import type { EvaluationResult } from './run-evaluation.ts';
import { escapeXml, niceCeiling, text } from './svg-helpers.ts';

/** The bars: the protocol's accuracy columns (the cold-target slice is left to the table). */
const chartColumns = (run: EvaluationResult): Column[] => accuracyColumns(run).filter(([, stat]) => stat !== 'coldHr');

const COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];
const PANEL_HEIGHT = 340;
const MARGIN = { left: 64, right: 24, top: 56, bottom: 64 };

export function evaluationChartSvg(report: EvaluationReport): string {
  // Each recommender's group is wide enough for its bars and for its name (about 6.5 px a character).
  const groupWidths = report.runs.map(
    (run) => run.results.length * Math.max(chartColumns(run).length * 22 + 28, ...run.results.map((r) => r.name.length * 6.5 + 12)),
  );
  const titleWidth = Math.max(0, ...report.runs.map((run) => panelTitle(run).length * 8.5 + 40));
  const width = Math.ceil(Math.max(560, titleWidth, MARGIN.left + MARGIN.right + Math.max(0, ...groupWidths)));
  const height = Math.max(1, report.runs.length) * PANEL_HEIGHT;
  const panels = report.runs.map((run, i) => panel(run, 0, i * PANEL_HEIGHT, width));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}

function panel(run: EvaluationResult, x0: number, y0: number, width: number): string {
  const columns = chartColumns(run);
  const plotLeft = x0 + MARGIN.left;
  const plotRight = x0 + width - MARGIN.right;
  const plotTop = y0 + MARGIN.top;
  const plotBottom = y0 + PANEL_HEIGHT - MARGIN.bottom;
  const values = run.results.flatMap((r) => columns.map(([, stat]) => Math.max(r.stats[stat]?.high ?? 0, r.stats[stat]?.value ?? 0)).filter(Number.isFinite));
  const top = niceCeiling(Math.max(0.01, ...values));
  const y = (v: number) => plotBottom - (v / top) * (plotBottom - plotTop);
  const out: string[] = [];
  out.push(text(x0 + width / 2, y0 + 22, panelTitle(run), 'middle', 'font-size="15" font-weight="600"'));
  // Y axis: five gridlines with labels.
  for (let t = 0; t <= 5; t++) {
    const v = (top * t) / 5;
    out.push(`<line x1="${plotLeft}" x2="${plotRight}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="${t === 0 ? '#333' : '#ddd'}"/>`);
    out.push(text(plotLeft - 6, y(v) + 4, v.toFixed(top < 0.1 ? 3 : 2), 'end'));
  }
  out.push(`<line x1="${plotLeft}" x2="${plotLeft}" y1="${plotTop}" y2="${plotBottom}" stroke="#333"/>`);
  out.push(
    text(
      x0 + 16,
      (plotTop + plotBottom) / 2,
      `score (@${run.k}), bars: 95 % interval`,
      'middle',
      `transform="rotate(-90 ${x0 + 16} ${(plotTop + plotBottom) / 2})"`,
    ),
  );
  // Legend.
  let lx = plotLeft;
  columns.forEach(([label], m) => {
    out.push(`<rect x="${lx}" y="${y0 + 34}" width="12" height="12" fill="${COLOURS[m % COLOURS.length]}"/>`);
    out.push(text(lx + 16, y0 + 44, label, 'start'));
    lx += 36 + label.length * 7.5;
  });
  // Bars, grouped per recommender.
  const groupWidth = (plotRight - plotLeft) / Math.max(1, run.results.length);
  const barWidth = Math.min(28, (groupWidth - 16) / columns.length);
  run.results.forEach((r, g) => {
    const centre = plotLeft + groupWidth * (g + 0.5);
    const start = centre - (barWidth * columns.length) / 2;
    columns.forEach(([label, stat], m) => {
      const e = r.stats[stat];
      if (!e || Number.isNaN(e.value)) return;
      const v = e.value;
      const bx = start + m * barWidth;
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(plotBottom - y(v)).toFixed(1)}" fill="${COLOURS[m % COLOURS.length]}"><title>${escapeXml(`${r.name} ${label}: ${v.toFixed(4)} [${e.low.toFixed(4)}, ${e.high.toFixed(4)}]`)}</title></rect>`,
      );
      const lx2 = bx + (barWidth - 2) / 2;
      // The 95 % interval as an error bar with caps.
      if (Number.isFinite(e.low) && Number.isFinite(e.high)) {
        const cap = Math.min(4, (barWidth - 2) / 3);
        out.push(
          `<path d="M${lx2.toFixed(1)} ${y(e.low).toFixed(1)}V${y(e.high).toFixed(1)}M${(lx2 - cap).toFixed(1)} ${y(e.low).toFixed(1)}h${(2 * cap).toFixed(1)}M${(lx2 - cap).toFixed(1)} ${y(e.high).toFixed(1)}h${(2 * cap).toFixed(1)}" stroke="#222" stroke-width="1" fill="none"/>`,
        );
      }
      const labelY = y(Number.isFinite(e.high) ? Math.max(v, e.high) : v) - 4;
      out.push(text(lx2, labelY, v.toFixed(3), 'start', `font-size="9" transform="rotate(-60 ${lx2.toFixed(1)} ${labelY.toFixed(1)})"`));
    });
    out.push(text(centre, plotBottom + 18, r.name, 'middle'));
    out.push(text(centre, plotBottom + 32, r.group, 'middle', 'fill="#666" font-size="10"'));
  });
  out.push(text((plotLeft + plotRight) / 2, plotBottom + 52, 'recommender', 'middle', 'fill="#333"'));
  return out.join('\n');
}

function panelTitle(run: EvaluationResult): string {
  const cases = run.cases === run.users ? '' : `, ${run.cases} cases`;
  return `MovieLens-100k: ${PROTOCOL_TITLES[run.protocol]}, split ${run.split} (${run.users} users${cases})`;
}
