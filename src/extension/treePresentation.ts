/**
 * What the Swarm tree says about a session or a phase: label, description, tooltip text, and
 * an icon as a codicon id plus a theme colour id. Pure (no vscode), so it is unit-tested; the
 * tree provider only wraps it in TreeItems.
 */
import type { PhaseView, SessionView, SwarmView } from '../core/viewTypes';
import { formatAge } from '../core/view';
import { stateWords } from '../protocol/matrixModel';
import { escapeMarkdown as md } from './messageText';

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
  if (top) parts.unshift(`top blocker (${blocker!.transitive} waiting)`);
  if (s.helping) parts.push(`helping ${s.helping.session}:${s.helping.phase}`);
  const declared = s.blockedBy.filter((r) => s.waitReasons[r]);
  if (declared.length) parts.push(`waits on ${declared.map((r) => `${r} (${s.waitReasons[r]})`).join(', ')}`);
  if (s.attempts) parts.push(`attempt ${Math.min(s.attempts.count + 1, s.attempts.max)} of ${s.attempts.max}`);
  const [icon, color] = SESSION_ICONS[s.state] ?? ['circle-outline', null];
  const mine = s.id === me;
  const ctx = [
    'session',
    top ? 'topBlocker' : '',
    blocker ? 'blocker' : '',
    blocker?.stalled ? 'stalledBlocker' : '',
    mine ? 'me' : '',
    mine && Object.keys(s.waitReasons).length ? 'waiting' : '',
    mine && s.helping ? 'helping' : '',
  ]
    .filter(Boolean)
    .join('.');
  // The flag leads the label, so a long session name can never push it out of sight.
  const name = mine ? `${s.id} (this workspace)` : s.id;
  return {
    label: top ? `⚑ ${name}` : name,
    description: parts.join(' · '),
    tooltip: sessionTooltip(view, s),
    icon,
    color,
    contextValue: ctx,
  };
}

function withReason(s: SessionView, ref: string): string {
  const why = s.waitReasons[ref];
  return why ? `${ref} (“${md(why)}”)` : ref;
}

export function sessionTooltip(view: SwarmView, s: SessionView): string {
  const lines = [`**${md(s.title)}** (${md(s.id)}) — ${s.state}`, ''];
  lines.push(
    `- heartbeat: ${s.heartbeatAgeSeconds === null ? 'never' : `${formatAge(s.heartbeatAgeSeconds)} ago`}${s.stale ? ' (stale)' : ''}`,
  );
  lines.push(
    `- spend: ${money(s.spendUsd)} of ${budget(s.budgetUsd)} (${Math.round(s.budgetFraction * 100)}%) · agents ${s.agentsRunning}/${s.maxAgents}`,
  );
  lines.push(`- blocked by: ${s.blockedBy.length ? s.blockedBy.map((r) => withReason(s, r)).join(', ') : 'nothing'}`);
  if (s.blocks.length) {
    const waiters = s.blocks.map((w) => {
      const ws = view.sessions.find((x) => x.id === w);
      const refs = ws?.blockedBy.filter((r) => r.startsWith(`${s.id}:`)) ?? [];
      return `${md(w)}${ws && refs.length ? ` on ${refs.map((r) => withReason(ws, r)).join(', ')}` : ''}`;
    });
    lines.push(`- blocks: ${waiters.join('; ')} (${s.transitiveBlocks} waiting in all)`);
  }
  if (s.helping) lines.push(`- helps ${md(s.helping.session)}:${s.helping.phase}: ${md(s.helping.task)}`);
  if (s.attempts)
    lines.push(
      `- attempts at phase ${s.phase}: ${s.attempts.count} of ${s.attempts.max} failed (${md(s.attempts.lastError)})`,
    );
  const helpers = view.sessions.filter((x) => x.helping?.session === s.id);
  if (helpers.length)
    lines.push(`- helped by: ${helpers.map((h) => `${md(h.id)} (${md(h.helping!.task)})`).join('; ')}`);
  return lines.join('\n');
}

export function phasePresentation(s: SessionView, p: PhaseView, me: string | null = null): Presentation {
  const [icon, color] = PHASE_ICONS[p.state] ?? ['circle-outline', null];
  const extra = p.verifiedBy.length ? ` (by ${p.verifiedBy.join(', ')})` : '';
  const open = p.phase === s.phase;
  const attempt =
    open && s.attempts
      ? p.state === 'error'
        ? ` · failed ${s.attempts.count} of ${s.attempts.max} attempts`
        : ` · attempt ${s.attempts.count + 1} of ${s.attempts.max}`
      : '';
  const reasons = p.blockedBy
    .filter((r) => s.waitReasons[r])
    .map((r) => ` — “${s.waitReasons[r]}”`)
    .join('');
  const words = `${stateWords(p.state, p.blockedBy)}${reasons}${attempt}`;
  const tooltip = [
    `**${md(s.id)}:${p.phase}** ${md(p.title)}`,
    '',
    `- state: ${md(stateWords(p.state, p.blockedBy))}${extra}${attempt}`,
  ];
  for (const r of p.blockedBy) if (s.waitReasons[r]) tooltip.push(`- waits on ${withReason(s, r)}`);
  if (p.needs.length) tooltip.push(`- needs: ${p.needs.join(', ')}`);
  if (p.commit)
    tooltip.push(
      `- commit: \`${p.commit.slice(0, 12)}\`${p.completedBy && p.completedBy !== s.id ? ` by ${md(p.completedBy)}` : ''}`,
    );
  if (p.dispute) tooltip.push(`- dispute: ${md(p.dispute)}`);
  return {
    label: `${p.phase} · ${p.title}`,
    description: words,
    tooltip: tooltip.join('\n'),
    icon,
    color,
    contextValue: `phase.${p.state}${s.id === me ? '.me' : ''}`,
  };
}
