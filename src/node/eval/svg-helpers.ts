/** Small helpers the harness's dependency-free SVG charts share. */

/** 1, 2, 2.5 or 5 times a power of ten, at least `v`: round axis labels. */
export function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= v) return step * power;
  return 10 * power;
}

export function text(x: number, y: number, content: string, anchor: 'start' | 'middle' | 'end', extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" text-anchor="${anchor}" ${extra}>${escapeXml(content)}</text>`;
}

export const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
