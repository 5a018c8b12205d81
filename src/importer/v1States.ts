/**
 * Reduce every status report of a session to its last known state. Reports are ordered by
 * their own timestamps (self-reported: often wrong, but the only clock v1 has; the view
 * decides staleness from them). A report without a timestamp cannot be ordered and is not
 * used. The phase follows v2's meaning, the phase being worked on or the next one: "phase 2
 * complete" is phase 3, idle, unless 2 was the session's last phase (then done); a report
 * that names no phase, or v1's shared Phase 0 task pool, keeps the phase of the report before.
 */
import type { SessionState } from '../core/records';
import { V1_SESSIONS } from './v1Sessions';
import type { StateCandidate, V1State } from './v1Types';

export interface StatesResult {
  readonly states: V1State[];
  /** source → what became of that report. */
  readonly outcome: Map<string, string>;
}

function byTime(a: StateCandidate, b: StateCandidate): number {
  return a.updatedAt! < b.updatedAt! ? -1 : a.updatedAt! > b.updatedAt! ? 1 : a.source < b.source ? -1 : 1;
}

/** The newest timed report of each session, with the phase carried as described above. */
export function lastStates(
  candidates: readonly StateCandidate[],
  phaseCounts: ReadonlyMap<string, number>,
): StatesResult {
  const outcome = new Map<string, string>();
  const states: V1State[] = [];
  const sessions = V1_SESSIONS.map((s) => s.id).filter((id) => candidates.some((c) => c.session === id));
  for (const session of sessions) {
    const count = phaseCounts.get(session) ?? 1;
    const mine = candidates.filter((c) => c.session === session);
    for (const c of mine.filter((x) => !x.updatedAt))
      outcome.set(
        c.source,
        `${session}: "${c.v1Status}" has no timestamp, so it cannot be ordered; not used as the last state`,
      );
    const timed = mine.filter((c) => c.updatedAt).sort(byTime);
    let phase = 0;
    let phaseFrom = '';
    let allDone = false;
    let last: V1State | undefined;
    for (const c of timed) {
      const notes: string[] = [];
      let state: SessionState;
      if (c.kind === 'finished') {
        const done = c.completed?.[1];
        if (done !== undefined && done > 0)
          [phase, phaseFrom, allDone] = [Math.min(done + 1, count), c.source, done >= count];
        state = allDone ? 'done' : 'idle';
      } else {
        allDone = false;
        if (c.phase !== undefined && c.phase > 0) [phase, phaseFrom] = [Math.min(c.phase, count), c.source];
        state = c.kind;
      }
      if (phaseFrom && phaseFrom !== c.source)
        notes.push(
          `phase ${phase} carried from ${phaseFrom}${c.phase === 0 ? " (this report is about v1's Phase 0 task pool)" : ''}`,
        );
      if (c.dateOnly) notes.push('timestamp is a date only');
      if (state === 'blocked' && !c.blockedOn.length) notes.push('blocked, but the report names no blocker');
      last = {
        session,
        phase,
        state,
        updatedAt: c.updatedAt!,
        blockedOn: [...c.blockedOn],
        v1Status: c.v1Status,
        source: c.source,
        notes,
        baselinePhase: 0,
        v1: { state, phase, blockedOn: [...c.blockedOn] },
      };
      outcome.set(c.source, `${session}: ${state} in phase ${phase} at ${c.updatedAt}`);
    }
    if (!last) continue;
    for (const c of timed)
      if (c.source !== last.source) outcome.set(c.source, `${outcome.get(c.source)} (older than ${last.source})`);
    outcome.set(last.source, `${outcome.get(last.source)} (last known state)`);
    states.push(last);
  }
  return { states, outcome };
}
