/**
 * The loop's events: the difference between the last view and this one, as seen by one
 * session. Each event has a key; an event is emitted when its key appears, so an alert is
 * shown once per change, never on every tick.
 */
import type { SwarmView } from './viewTypes';
import { BUDGET_WARN_FRACTION } from './budget';

export type SwarmEventType =
  | 'INSTRUCTION_NEW'
  | 'BLOCKED'
  | 'UNBLOCKED'
  | 'BLOCKING'
  | 'DEADLOCK'
  | 'STUCK_BLOCKER'
  | 'BUDGET_80'
  | 'BUDGET_100'
  | 'PHASE_ERROR'
  | 'HOOKS_OFF'
  | 'VIOLATION';

export interface SwarmEvent {
  readonly type: SwarmEventType;
  readonly key: string;
  readonly session: string;
  readonly message: string;
  readonly refs: readonly string[];
}

/** The events that hold in `view` for `me`, keyed; deadlocks need `confirmed` (seen twice). */
export function eventsOf(view: SwarmView, me: string | null): SwarmEvent[] {
  const out: SwarmEvent[] = [];
  const mine = me ? view.sessions.find((s) => s.id === me) : undefined;
  if (mine) {
    for (const id of mine.pendingInstructions)
      out.push({
        type: 'INSTRUCTION_NEW',
        key: `instr:${id}`,
        session: me!,
        message: `new instruction for ${me}: ${id}`,
        refs: [id],
      });
    if (mine.blockedBy.length)
      out.push({
        type: 'BLOCKED',
        key: `blocked:${mine.blockedBy.join(',')}`,
        session: me!,
        message: `You are blocked by ${mine.blockedBy.map((r) => withReason(r, mine.waitReasons[r])).join(', ')}`,
        refs: [...mine.blockedBy],
      });
    if (mine.transitiveBlocks > 0)
      out.push({
        type: 'BLOCKING',
        key: `blocking:${mine.transitiveBlocks}`,
        session: me!,
        message: blockingMessage(view, me!),
        refs: [...mine.blocks],
      });
    const open = mine.phases[mine.phase - 1];
    if (open?.state === 'error')
      out.push({
        type: 'PHASE_ERROR',
        key: `error:${me}:${open.phase}`,
        session: me!,
        message: `${me}:${open.phase} is in error${mine.attempts ? ` after ${mine.attempts.count} of ${mine.attempts.max} attempts (${mine.attempts.lastError})` : ''}: a person must look, then reset it`,
        refs: [`${me}:${open.phase}`],
      });
    if (mine.budgetFraction >= 1)
      out.push({
        type: 'BUDGET_100',
        key: `budget100:${mine.budgetUsd}`,
        session: me!,
        message: `Budget spent: $${mine.spendUsd} of $${mine.budgetUsd}`,
        refs: [],
      });
    else if (mine.budgetFraction >= BUDGET_WARN_FRACTION)
      out.push({
        type: 'BUDGET_80',
        key: `budget80:${mine.budgetUsd}`,
        session: me!,
        message: `Budget ${Math.round(mine.budgetFraction * 100)}%: $${mine.spendUsd} of $${mine.budgetUsd}`,
        refs: [],
      });
  }
  for (const d of view.deadlocks)
    out.push({
      type: 'DEADLOCK',
      key: `deadlock:${d.sessions.join(',')}`,
      session: d.sessions[0]!,
      message: `Deadlock between ${d.sessions.join(', ')} — ${d.suggestion.text}`,
      refs: [...d.sessions],
    });
  for (const v of view.violations) {
    if (v.code === 'DEADLOCK' || v.code === 'BUDGET_EXCEEDED' || v.code === 'BUDGET_WARNING') continue;
    const type = v.code === 'STUCK_BLOCKER' ? 'STUCK_BLOCKER' : 'VIOLATION';
    out.push({
      type,
      key: `v:${v.code}:${v.session}:${v.ref ?? ''}`,
      session: v.session,
      message: `${v.code}: ${v.message}`,
      refs: v.ref ? [v.ref] : [],
    });
  }
  return out;
}

function withReason(ref: string, reason: string | undefined): string {
  return reason ? `${ref} (“${reason}”)` : ref;
}

/**
 * "You block 2 sessions: talent waits on webrtc:3 (“needs the media path”); cli waits through
 * talent" — every waiter named, direct ones with the phase and the reason they gave.
 */
export function blockingMessage(view: SwarmView, me: string): string {
  const byId = new Map(view.sessions.map((s) => [s.id, s]));
  const waitsOn = (s: string): string[] =>
    view.sessions.filter((x) => x.blockedBy.some((r) => r.split(':')[0] === s)).map((x) => x.id);
  const direct = waitsOn(me).filter((x) => x !== me);
  const parts = direct.map((w) => {
    const refs = byId.get(w)!.blockedBy.filter((r) => r.split(':')[0] === me);
    return `${w} waits on ${refs.map((r) => withReason(r, byId.get(w)!.waitReasons[r])).join(', ')}`;
  });
  const seen = new Set([me, ...direct]);
  const queue = direct.map((d) => ({ id: d, via: d }));
  const through = new Map<string, string[]>();
  while (queue.length) {
    const { id } = queue.shift()!;
    for (const w of waitsOn(id)) {
      if (seen.has(w)) continue;
      seen.add(w);
      (through.get(id) ?? through.set(id, []).get(id)!).push(w);
      queue.push({ id: w, via: id });
    }
  }
  for (const [via, ws] of through) parts.push(`${ws.join(', ')} ${ws.length === 1 ? 'waits' : 'wait'} through ${via}`);
  const n = seen.size - 1;
  return `You block ${n} session${n === 1 ? '' : 's'}: ${parts.join('; ')}`;
}

/**
 * New events between two views. A deadlock is reported only when the same cycle is in both
 * (PostgreSQL's deadlock_timeout idea: a cycle seen mid-update is not a deadlock yet).
 */
export function diffViews(
  prev: SwarmView | null,
  next: SwarmView,
  me: string | null,
  alreadyAlerted: ReadonlySet<string> = new Set(),
): SwarmEvent[] {
  const before = new Set(prev ? eventsOf(prev, me).map((e) => e.key) : []);
  const out: SwarmEvent[] = [];
  for (const e of eventsOf(next, me)) {
    if (e.type === 'DEADLOCK') {
      if (before.has(e.key) && !alreadyAlerted.has(e.key)) out.push(e);
      continue;
    }
    if (!before.has(e.key) && !alreadyAlerted.has(e.key)) out.push(e);
  }
  if (prev && me) {
    const was = prev.sessions.find((s) => s.id === me);
    const now = next.sessions.find((s) => s.id === me);
    if (was?.blockedBy.length && now && now.blockedBy.length === 0)
      out.push({
        type: 'UNBLOCKED',
        key: `unblocked:${was.blockedBy.join(',')}`,
        session: me,
        message: `You are no longer blocked (was: ${was.blockedBy.join(', ')})`,
        refs: [...was.blockedBy],
      });
  }
  return out;
}
