// Bar charts drawn on the server as SVG: no script, no CDN, no inline style. Colours come from
// classes in staff.css; sizes are SVG attributes. Every text is escaped here.

export interface BarChartInput {
  /** Used for the id of the title, so several charts fit on one page. */
  id: string;
  title: string;
  labels: string[];
  values: number[];
  /** Show every n-th label on the x axis (all by default). */
  labelEvery?: number;
}

const W = 720;
const H = 240;
const LEFT = 56;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 34;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A "nice" axis maximum and step: 1, 2 or 5 times a power of ten, about four gridlines. */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 4, step: 1 };
  const rough = max / 4;
  const pow = 10 ** Math.floor(Math.log10(rough));
  // Whole steps only: the charts count sessions and hours.
  const step = Math.max(1, Math.round([1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough)!));
  return { top: Math.ceil(max / step) * step, step };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** An accessible bar chart (role="img" with a title); the page also shows the figures as a table. */
export function barChart(input: BarChartInput): string {
  const { id, title, labels, values } = input;
  const every = input.labelEvery ?? 1;
  const { top, step } = niceScale(Math.max(0, ...values));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / Math.max(1, values.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => TOP + plotH - (v / top) * plotH;
  const parts: string[] = [];
  for (let v = 0; v <= top; v += step) {
    parts.push(`<line class="chart-grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="chart-axis" x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  values.forEach((v, i) => {
    const x = LEFT + i * slot + (slot - barW) / 2;
    const label = escapeXml(labels[i] ?? '');
    if (v > 0) {
      parts.push(
        `<rect class="chart-bar" x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(TOP + plotH - y(v)).toFixed(1)}"><title>${label}: ${fmt(v)}</title></rect>`,
      );
    }
    if (i % every === 0) {
      parts.push(`<text class="chart-axis" x="${(x + barW / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${label}</text>`);
    }
  });
  const titleId = `chart-${escapeXml(id)}-title`;
  return (
    `<svg class="chart" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-labelledby="${titleId}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${titleId}">${escapeXml(title)}</title>` +
    `<line class="chart-baseline" x1="${LEFT}" x2="${W - RIGHT}" y1="${TOP + plotH}" y2="${TOP + plotH}"/>` +
    parts.join('') +
    `</svg>`
  );
}
