/**
 * A small, dependency-free SVG bar chart for the growth table: distinct states
 * per configuration on a log scale, with the time written above each bar.
 */
export interface GrowthPoint {
  readonly label: string;
  readonly states: number;
  readonly seconds: number;
  /** The run hit its time cap: the bar is a lower bound. */
  readonly capped: boolean;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function growthSvg(points: readonly GrowthPoint[]): string {
  const w = 80 * points.length + 100;
  const h = 320;
  const top = 40;
  const bottom = 260;
  const maxLog = Math.max(1, ...points.map((p) => Math.log10(Math.max(1, p.states))));
  const bars = points.map((p, i) => {
    const x = 70 + i * 80;
    const y = bottom - ((bottom - top) * Math.log10(Math.max(1, p.states))) / Math.ceil(maxLog);
    const fill = p.capped ? '#c98' : '#58a';
    const states = p.states >= 1e6 ? `${(p.states / 1e6).toFixed(1)}M` : p.states >= 1e3 ? `${(p.states / 1e3).toFixed(1)}k` : String(p.states);
    return [
      `<rect x="${x}" y="${y.toFixed(1)}" width="50" height="${(bottom - y).toFixed(1)}" fill="${fill}"/>`,
      `<text x="${x + 25}" y="${(y - 18).toFixed(1)}" font-size="11" text-anchor="middle">${p.capped ? '&gt;' : ''}${states}</text>`,
      `<text x="${x + 25}" y="${(y - 5).toFixed(1)}" font-size="10" text-anchor="middle" fill="#555">${p.seconds.toFixed(1)} s</text>`,
      `<text x="${x + 25}" y="${bottom + 16}" font-size="11" text-anchor="middle">${escape(p.label)}</text>`,
    ].join('');
  });
  const ticks: string[] = [];
  for (let d = 0; d <= Math.ceil(maxLog); d++) {
    const y = bottom - ((bottom - top) * d) / Math.ceil(maxLog);
    ticks.push(`<line x1="60" x2="${w - 20}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="55" y="${y + 4}" font-size="10" text-anchor="end">1e${d}</text>`);
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">`,
    `<text x="${w / 2}" y="20" font-size="13" text-anchor="middle">rx-basic growth: distinct states (log scale) by frames (f) and producers (p); red = capped</text>`,
    ...ticks,
    ...bars,
    `<text x="${w / 2}" y="${h - 10}" font-size="11" text-anchor="middle">configuration</text>`,
    '</svg>',
    '',
  ].join('\n');
}
