/**
 * A confusion matrix as a dependency-free SVG heat map: rows the true class, columns the
 * predicted class, each cell's count written in it and shaded by its share of the row (so
 * the diagonal reads as per-class recall).
 */
import type { ConfusionMatrix } from './confusion-matrix.ts';
import { escapeXml, text } from '../eval/svg-helpers.ts';

const CELL = 34;

export function confusionMatrixSvg(confusion: ConfusionMatrix, title: string): string {
  const n = confusion.labels.length;
  const labelWidth = Math.max(60, ...confusion.labels.map((l) => l.length * 7 + 12));
  const left = labelWidth + 20;
  const top = labelWidth + 48;
  const width = left + n * CELL + 24;
  const height = top + n * CELL + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    text(8, 18, title, 'start', 'font-size="13" font-weight="600"'),
    text(left + (n * CELL) / 2, 36, 'predicted', 'middle', 'fill="#555"'),
    text(12, top + (n * CELL) / 2, 'true', 'middle', `fill="#555" transform="rotate(-90 12 ${top + (n * CELL) / 2})"`),
  ];
  confusion.labels.forEach((label, i) => {
    parts.push(text(left - 6, top + i * CELL + CELL / 2 + 4, label, 'end'));
    const x = left + i * CELL + CELL / 2 + 4;
    parts.push(text(x, top - 6, label, 'start', `transform="rotate(-60 ${x} ${top - 6})"`));
  });
  confusion.counts.forEach((row, r) => {
    const total = row.reduce((s, c) => s + c, 0);
    row.forEach((count, c) => {
      const share = total > 0 ? count / total : 0;
      const fill = r === c ? `rgba(0,114,178,${share.toFixed(3)})` : `rgba(213,94,0,${share.toFixed(3)})`;
      const x = left + c * CELL;
      const y = top + r * CELL;
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#ddd"><title>${escapeXml(`${confusion.labels[r]} → ${confusion.labels[c]}: ${count}`)}</title></rect>`,
      );
      if (count > 0) parts.push(text(x + CELL / 2, y + CELL / 2 + 4, String(count), 'middle', share > 0.6 ? 'fill="#fff"' : ''));
    });
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}
