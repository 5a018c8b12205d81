import type { StatusRecord } from './records';
import type { PhaseState, SwarmView } from './viewTypes';

/**
 * What a session waited on or helped with that is now over: declared waits (`s2 block`) on a
 * phase that is complete, and a help claim on a phase that is complete. The session's own loop
 * ends them (a recorded status change), so the person sees "no longer blocked" and nothing
 * else — not a FALSE_BLOCKER or HELP_MISDIRECTED for a wait that was honest when declared. Pure.
 */
export interface SettledWaits {
  /** Declared waits (`session:phase`) whose phase is complete. */
  readonly waits: readonly string[];
  /** The help claim's phase when that phase is complete, else null. */
  readonly help: string | null;
}

const COMPLETE: ReadonlySet<PhaseState> = new Set(['verified', 'done', 'disputed']);

export function settledWaits(view: SwarmView, me: string, status: StatusRecord | null): SettledWaits {
  const mine = view.sessions.find((s) => s.id === me);
  if (!mine || !status) return { waits: [], help: null };
  const complete = (ref: string): boolean => {
    const [session, n] = ref.split(':');
    const p = view.sessions.find((s) => s.id === session)?.phases[Number(n) - 1];
    return !!p && COMPLETE.has(p.state) && !mine.blockedBy.includes(ref);
  };
  const waits = status.blockedOn.map((b) => b.on).filter(complete);
  const help = status.helping ? `${status.helping.session}:${status.helping.phase}` : null;
  return { waits, help: help && complete(help) ? help : null };
}

export function nothingSettled(s: SettledWaits): boolean {
  return s.waits.length === 0 && s.help === null;
}
