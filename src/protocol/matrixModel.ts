/**
 * The Dependency Matrix as data: sessions × phases, each cell with its state, the cells it
 * waits on, and whether it sits on a deadlock cycle. A pure function of the view, so the
 * webview only draws and the tests need no VS Code.
 */
import type { SessionView, SwarmView } from '../core/viewTypes';
import type { CellState, MatrixCell, MatrixModel, MatrixRow } from './matrixProtocol';

export function matrixModelOf(view: SwarmView, me: string | null): MatrixModel {
  const phaseCount = Math.max(0, ...view.sessions.map((s) => s.phaseCount));
  const cycleWaits = cycleEnds(view);
  const cycleSessions = new Set(view.deadlocks.flatMap((d) => d.sessions));
  const awaited = new Set(view.blockers.flatMap((b) => b.phases));
  const critical = new Set(view.criticalPath);
  const top = view.blockers[0]?.session ?? null;
  const rows: MatrixRow[] = view.sessions.map((s) => ({
    session: s.id,
    title: s.title,
    state: s.state,
    me: s.id === me,
    topBlocker: s.id === top,
    inCycle: cycleSessions.has(s.id),
    summary: rowSummary(s),
    awaitingInput: s.awaitingInput?.message ?? null,
    cells: Array.from({ length: phaseCount }, (_, i) => cellOf(s, i + 1, cycleWaits, awaited, critical)),
  }));
  return {
    snapshot: view.snapshot,
    swarm: view.swarm,
    now: view.now,
    me,
    phaseCount,
    rows,
    deadlocks: view.deadlocks.map((d) => ({
      sessions: [...d.sessions],
      text: `${d.sessions.join(' ↔ ')}: ${d.suggestion.text}`,
    })),
  };
}

function cellOf(
  s: SessionView,
  phase: number,
  cycleWaits: Set<string>,
  awaited: Set<string>,
  critical: Set<string>,
): MatrixCell {
  const ref = `${s.id}:${phase}`;
  const p = s.phases[phase - 1];
  if (!p)
    return {
      session: s.id,
      phase,
      state: 'none',
      title: '',
      blockedBy: [],
      inCycle: false,
      awaited: false,
      critical: false,
      label: `${ref}: no such phase`,
    };
  const state: CellState = p.state;
  const words = stateWords(state, p.blockedBy);
  return {
    session: s.id,
    phase,
    state,
    title: p.title,
    blockedBy: [...p.blockedBy],
    inCycle: cycleWaits.has(ref),
    awaited: awaited.has(ref),
    critical: critical.has(ref),
    label: `${ref} ${p.title}: ${words}${awaited.has(ref) ? ', others wait on it' : ''}${cycleWaits.has(ref) ? ', in a deadlock cycle' : ''}`,
  };
}

/** Human words for a phase state, as the tree and the matrix both say them. */
export function stateWords(state: CellState, blockedBy: readonly string[] = []): string {
  switch (state) {
    case 'verified':
      return 'done · verified';
    case 'done':
      return 'done · not verified';
    case 'blocked':
      return blockedBy.length ? `blocked by ${blockedBy.join(', ')}` : 'blocked';
    case 'in-progress':
      return 'in progress';
    case 'not-started':
      return 'not started';
    case 'none':
      return '';
    default:
      return state;
  }
}

function rowSummary(s: SessionView): string {
  const phase = s.phase > s.phaseCount ? `done ${s.phaseCount}/${s.phaseCount}` : `phase ${s.phase}/${s.phaseCount}`;
  return `${s.id} · ${s.state} · ${phase}${s.awaitingInput ? ` · waits for a person: ${s.awaitingInput.message}` : ''}`;
}

/** Both ends of every wait inside a cycle (`a:2 -> b:3` marks a:2 and b:3). */
function cycleEnds(view: SwarmView): Set<string> {
  const out = new Set<string>();
  for (const d of view.deadlocks) {
    for (const w of d.phases) {
      const [from, to] = w.split(' -> ');
      if (from) out.add(from.trim());
      if (to) out.add(to.trim());
    }
  }
  return out;
}
