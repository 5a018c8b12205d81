import type { SwarmView } from './viewTypes';

/**
 * The loop's events: the difference between the last view and this one, as seen by one
 * session. Each event has a key; an event is emitted when its key appears, so an alert is
 * shown once per change, never on every tick.
 */
export type SwarmEventType =
  | 'INSTRUCTION_NEW'
  | 'BLOCKED'
  | 'UNBLOCKED'
  | 'BLOCKING'
  | 'DEADLOCK'
  | 'STUCK_BLOCKER'
  | 'BUDGET_80'
  | 'BUDGET_100'
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
        message: `You are blocked by ${mine.blockedBy.join(', ')}`,
        refs: [...mine.blockedBy],
      });
    if (mine.transitiveBlocks > 0)
      out.push({
        type: 'BLOCKING',
        key: `blocking:${mine.transitiveBlocks}`,
        session: me!,
        message: `You block ${mine.transitiveBlocks} session(s): ${mine.blocks.join(', ')}`,
        refs: [...mine.blocks],
      });
    if (mine.budgetFraction >= 1)
      out.push({
        type: 'BUDGET_100',
        key: `budget100:${mine.budgetUsd}`,
        session: me!,
        message: `Budget spent: $${mine.spendUsd} of $${mine.budgetUsd}`,
        refs: [],
      });
    else if (mine.budgetFraction >= 0.8)
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
