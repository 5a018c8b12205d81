import type { RunMetrics } from './swarmMetrics';
import { SESSIONS } from './swarmPlan';

/**
 * The timeline picture of one run as SVG: one row per session, time to the right (model
 * minutes), phase bars (numbered; an adopted phase outlined in orange), blocked spans (grey,
 * under the row), help spans (green, over the row), and time a session was down (red).
 */
const W = 1000;
const LEFT = 70;
const ROW = 34;
const TOP = 30;

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function timelineSvg(m: RunMetrics, title: string, spanMs?: number): string {
  const total = Math.max(spanMs ?? 0, m.makespanS * 1000, 1);
  const x = (ms: number): number => LEFT + (Math.max(0, ms) / total) * (W - LEFT - 10);
  const y = (s: string): number => TOP + SESSIONS.indexOf(s as (typeof SESSIONS)[number]) * ROW;
  const H = TOP + SESSIONS.length * ROW + 40;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const s of SESSIONS) {
    out.push(`<text x="6" y="${y(s) + 20}">${s}</text>`);
    out.push(`<line x1="${LEFT}" y1="${y(s) + ROW - 2}" x2="${W - 10}" y2="${y(s) + ROW - 2}" stroke="#eeeeee"/>`);
  }
  for (const sp of m.spans.filter((z) => z.kind === 'blocked'))
    out.push(
      `<rect x="${x(sp.from)}" y="${y(sp.session) + 22}" width="${Math.max(1, x(sp.to) - x(sp.from))}" height="7" fill="#9e9e9e"><title>${esc(sp.label)}</title></rect>`,
    );
  m.bars.forEach((b) => {
    const n = Number(b.ref.split(':')[1]);
    const fill = n % 2 ? '#4a78c2' : '#7fa3dc';
    const adopted = b.completedBy !== b.session;
    out.push(
      `<rect x="${x(b.start)}" y="${y(b.session) + 6}" width="${Math.max(1, x(b.end) - x(b.start))}" height="15" fill="${fill}"${adopted ? ' stroke="#f08c00" stroke-width="2"' : ''}><title>${esc(`${b.ref}${adopted ? ` (adopted, completed by ${b.completedBy})` : ''}`)}</title></rect>`,
    );
    if (x(b.end) - x(b.start) > 12)
      out.push(`<text x="${x(b.start) + 2}" y="${y(b.session) + 18}" fill="#ffffff" font-size="10">${n}</text>`);
  });
  for (const sp of m.spans.filter((z) => z.kind === 'help'))
    out.push(
      `<rect x="${x(sp.from)}" y="${y(sp.session) + 1}" width="${Math.max(1, x(sp.to) - x(sp.from))}" height="4" fill="#2f9e44"><title>${esc(sp.label)}</title></rect>`,
    );
  for (const sp of m.spans.filter((z) => z.kind === 'down'))
    out.push(
      `<rect x="${x(sp.from)}" y="${y(sp.session) + 12}" width="${Math.max(2, x(sp.to) - x(sp.from))}" height="3" fill="#e03131"><title>${esc(sp.label)}</title></rect>`,
    );
  const axisY = TOP + SESSIONS.length * ROW + 4;
  const minutes = total / (m.scale * 1000) / 60;
  const step = minutes > 120 ? 30 : minutes > 40 ? 10 : 5;
  for (let t = 0; t <= minutes; t += step) {
    const px = x(t * 60 * m.scale * 1000);
    out.push(`<line x1="${px}" y1="${TOP}" x2="${px}" y2="${axisY}" stroke="#dddddd"/>`);
    out.push(`<text x="${px}" y="${axisY + 12}" text-anchor="middle" fill="#555555">${t}</text>`);
  }
  out.push(
    `<text x="${LEFT}" y="${axisY + 28}" fill="#555555">model minutes · bars: phases (orange outline: adopted) · grey: blocked · green: helping · red: down</text>`,
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
