import type { PhaseView, SessionView, SwarmView } from '../core/viewTypes';
import { formatAge } from '../core/view';
import { stateWords } from '../protocol/matrixModel';

/**
 * What the Swarm tree says about a session or a phase: label, description, tooltip text, and
 * an icon as a codicon id plus a theme colour id. Pure (no vscode), so it is unit-tested; the
 * tree provider only wraps it in TreeItems.
 */
export interface Presentation {
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: string;
  readonly color: string | null;
  readonly contextValue: string;
}

const SESSION_ICONS: Record<string, [string, string | null]> = {
  working: ['sync', 'charts.blue'],
  blocked: ['circle-slash', 'charts.red'],
  helping: ['heart', 'charts.purple'],
  error: ['error', 'errorForeground'],
  done: ['pass-filled', 'charts.green'],
  stale: ['watch', 'charts.yellow'],
  idle: ['debug-pause', null],
  'not-started': ['circle-large-outline', 'disabledForeground'],
};

const PHASE_ICONS: Record<string, [string, string | null]> = {
  verified: ['pass-filled', 'charts.green'],
  done: ['pass', 'charts.green'],
  disputed: ['warning', 'charts.orange'],
  invalid: ['error', 'errorForeground'],
  'in-progress': ['play-circle', 'charts.blue'],
  stalled: ['watch', 'charts.yellow'],
  error: ['error', 'errorForeground'],
  blocked: ['circle-slash', 'charts.red'],
  ready: ['circle-large-outline', 'charts.blue'],
  'not-started': ['circle-outline', 'disabledForeground'],
};

export function money(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

function budget(usd: number): string {
  return Number.isInteger(usd) ? `$${usd}` : money(usd);
}

export function sessionPresentation(view: SwarmView, s: SessionView, me: string | null): Presentation {
  const top = view.blockers[0]?.session === s.id;
  const blocker = view.blockers.find((b) => b.session === s.id);
  const phase = s.phase > s.phaseCount ? `done ${s.phaseCount}/${s.phaseCount}` : `phase ${s.phase}/${s.phaseCount}`;
  const parts = [`${phase} · ${money(s.spendUsd)} of ${budget(s.budgetUsd)}`];
  if (top) parts.unshift(`⚑ top blocker (${blocker!.transitive} waiting)`);
  if (s.helping) parts.push(`helping ${s.helping.session}:${s.helping.phase}`);
  const [icon, color] = SESSION_ICONS[s.state] ?? ['circle-outline', null];
  const ctx = ['session', top ? 'topBlocker' : '', blocker ? 'blocker' : '', s.id === me ? 'me' : '']
    .filter(Boolean)
    .join('.');
  return {
    label: s.id === me ? `${s.id} (this workspace)` : s.id,
    description: parts.join(' · '),
    tooltip: sessionTooltip(view, s),
    icon,
    color,
    contextValue: ctx,
  };
}

export function sessionTooltip(view: SwarmView, s: SessionView): string {
  const lines = [`**${s.title}** (${s.id}) — ${s.state}`, ''];
  lines.push(
    `- heartbeat: ${s.heartbeatAgeSeconds === null ? 'never' : `${formatAge(s.heartbeatAgeSeconds)} ago`}${s.stale ? ' (stale)' : ''}`,
  );
  lines.push(
    `- spend: ${money(s.spendUsd)} of ${budget(s.budgetUsd)} (${Math.round(s.budgetFraction * 100)}%) · agents ${s.agentsRunning}/${s.maxAgents}`,
  );
  lines.push(`- blocked by: ${s.blockedBy.length ? s.blockedBy.join(', ') : 'nothing'}`);
  if (s.blocks.length) lines.push(`- blocks: ${s.blocks.join(', ')} (${s.transitiveBlocks} waiting in all)`);
  if (s.helping) lines.push(`- helps ${s.helping.session}:${s.helping.phase}: ${s.helping.task}`);
  const helpers = view.sessions.filter((x) => x.helping?.session === s.id);
  if (helpers.length) lines.push(`- helped by: ${helpers.map((h) => `${h.id} (${h.helping!.task})`).join('; ')}`);
  return lines.join('\n');
}

export function phasePresentation(s: SessionView, p: PhaseView): Presentation {
  const [icon, color] = PHASE_ICONS[p.state] ?? ['circle-outline', null];
  const extra = p.verifiedBy.length ? ` (by ${p.verifiedBy.join(', ')})` : '';
  const tooltip = [`**${s.id}:${p.phase}** ${p.title}`, '', `- state: ${stateWords(p.state, p.blockedBy)}${extra}`];
  if (p.needs.length) tooltip.push(`- needs: ${p.needs.join(', ')}`);
  if (p.commit)
    tooltip.push(
      `- commit: \`${p.commit.slice(0, 12)}\`${p.completedBy && p.completedBy !== s.id ? ` by ${p.completedBy}` : ''}`,
    );
  if (p.dispute) tooltip.push(`- dispute: ${p.dispute}`);
  return {
    label: `${p.phase} · ${p.title}`,
    description: stateWords(p.state, p.blockedBy),
    tooltip: tooltip.join('\n'),
    icon,
    color,
    contextValue: `phase.${p.state}`,
  };
}
