/**
 * Which loop events become notifications, how loud, and with which actions. The loop emits
 * each event once per change (its key); on top of that at most `max` notifications are shown
 * per tick and the rest are summed up in one, so a burst never becomes a storm. Pure.
 */
import type { SwarmEvent } from '../core/events';
import { escapeLinks, inWords } from './messageText';
import type { AlertLevel } from './settings';

export type AlertSeverity = 'error' | 'warning' | 'info';
export type AlertAction =
  'Help Blocker' | 'Open Matrix' | 'Show Problems' | 'Show Budget' | 'Start Phase' | 'Show in Tree' | 'Reset Phase';

export interface Alert {
  readonly key: string;
  readonly severity: AlertSeverity;
  readonly message: string;
  readonly actions: readonly AlertAction[];
}

const ABOUT_ME = new Set([
  'BLOCKED',
  'BLOCKING',
  'BUDGET_80',
  'BUDGET_100',
  'INSTRUCTION_NEW',
  'UNBLOCKED',
  'PHASE_ERROR',
  'HOOKS_OFF',
]);

export function alertOf(e: SwarmEvent): Alert {
  // Record text rides in the message (reasons, tasks, ids): it must not become a clickable link.
  const base = { key: e.key, message: escapeLinks(`S²: ${inWords(e.message)}`) };
  switch (e.type) {
    case 'BLOCKED':
      return { ...base, severity: 'warning', actions: ['Help Blocker', 'Show in Tree'] };
    case 'BLOCKING':
      return { ...base, severity: 'warning', actions: ['Show in Tree', 'Open Matrix'] };
    case 'DEADLOCK':
      return { ...base, severity: 'error', actions: ['Open Matrix', 'Show Problems'] };
    case 'STUCK_BLOCKER':
      return { ...base, severity: 'error', actions: ['Help Blocker', 'Open Matrix'] };
    case 'BUDGET_80':
      return { ...base, severity: 'warning', actions: ['Show Budget'] };
    case 'BUDGET_100':
      return { ...base, severity: 'error', actions: ['Show Budget'] };
    case 'PHASE_ERROR':
      return { ...base, severity: 'error', actions: ['Reset Phase', 'Show Problems'] };
    case 'HOOKS_OFF':
      return { ...base, severity: 'error', actions: ['Show Budget'] };
    case 'UNBLOCKED':
      return { ...base, severity: 'info', actions: ['Start Phase'] };
    case 'INSTRUCTION_NEW':
      return { ...base, severity: 'info', actions: ['Open Matrix'] };
    default:
      return { ...base, severity: 'warning', actions: ['Show Problems'] };
  }
}

/** Whether an event concerns `me` (events about the whole swarm concern everyone in 'all'). */
export function concerns(e: SwarmEvent, me: string | null): boolean {
  if (ABOUT_ME.has(e.type)) return true;
  if (!me) return false;
  return e.session === me || e.refs.some((r) => r === me || r.startsWith(`${me}:`) || r.split(',').includes(me));
}

export function planAlerts(
  events: readonly SwarmEvent[],
  level: AlertLevel,
  me: string | null,
  max: number,
): { show: Alert[]; suppressed: number } {
  if (level === 'off') return { show: [], suppressed: 0 };
  const wanted = events.filter((e) => level === 'all' || concerns(e, me)).map(alertOf);
  const rank: Record<AlertSeverity, number> = { error: 0, warning: 1, info: 2 };
  wanted.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { show: wanted.slice(0, max), suppressed: Math.max(0, wanted.length - max) };
}
