/**
 * The baseline: how many phases of each session count as complete before S² (the manifest's
 * `baselinePhase`), since v1 left no completion v2 could verify.
 *
 * - The claim: the highest phase v1 said the session had completed, in a status
 *   (`phase_2_complete` → 2, "Phases 4-6 … ready" → 6, working or blocked in phase 4 → 3) or in
 *   the header of an instruction the orchestrator wrote for it (`**Status:** Phase 3 Complete`
 *   → 3). The highest wins: statuses lag (a session busy with v1's Phase 0 task pool kept
 *   reporting it), and the orchestrator's header is how v1 moved a session to its next phase.
 * - The cap: a baseline phase must not depend on a phase outside another session's baseline.
 *   v1 let sessions finish phases while their declared blocker was open (h323 reported phases
 *   4-6 complete while the matrix had phase 4 BLOCKED by session 4, which was still in phase 4);
 *   v2 would have refused to start such a phase, so the baseline stops before it and the claim
 *   is reported as not admitted. Repeated until no baseline changes (a cap can cap others).
 *
 * Then each last known state is aligned with its baseline, so the status record does not
 * contradict it: phase = baseline + 1 (done after the last phase); blocked on the needs of that
 * phase that no baseline covers; otherwise v1's state when it was about that phase, else idle.
 * What v1 said is kept in `v1` and in a note. Pure, deterministic.
 */
import { parsePhaseRef } from '../core/phaseRef';
import type { BaselineFact, CompletedFact, ManifestInput, StateCandidate, V1State } from './v1Types';

type Sessions = ManifestInput['sessions'];

function needsOf(sessions: Sessions, id: string, phase: number): string[] {
  const p = (sessions[id]?.phases ?? {})[String(phase)];
  return p?.needs ?? [];
}

/** Completions v1 claimed in its status reports: finished through N, or working in N (so through N-1). */
export function statusClaims(candidates: readonly StateCandidate[]): CompletedFact[] {
  const out: CompletedFact[] = [];
  for (const c of candidates) {
    const through =
      c.kind === 'finished' ? c.completed?.[1] : c.phase !== undefined && c.phase > 0 ? c.phase - 1 : undefined;
    if (through !== undefined && through > 0)
      out.push({ session: c.session, through, text: c.v1Status, by: 'status', source: c.source });
  }
  return out;
}

/** The highest claim per session; ties go to a status, then to the first source in path order. */
function bestClaims(claims: readonly CompletedFact[]): Map<string, CompletedFact> {
  const best = new Map<string, CompletedFact>();
  const better = (a: CompletedFact, b: CompletedFact) =>
    a.through > b.through || (a.through === b.through && (a.by !== b.by ? a.by === 'status' : a.source < b.source));
  for (const c of claims) {
    const cur = best.get(c.session);
    if (!cur || better(c, cur)) best.set(c.session, c);
  }
  return best;
}

export function baselines(sessions: Sessions, claims: readonly CompletedFact[]): BaselineFact[] {
  const ids = Object.keys(sessions);
  const best = bestClaims(claims);
  const base = new Map(ids.map((id) => [id, Math.min(best.get(id)?.through ?? 0, sessions[id]!.phaseCount ?? 1)]));
  const why = new Map<string, string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const id of ids) {
      for (let n = 1; n <= base.get(id)!; n++) {
        const unmet = needsOf(sessions, id, n).filter((on) => {
          const ref = parsePhaseRef(on);
          return ref.phase > (base.get(ref.session) ?? 0);
        });
        if (!unmet.length) continue;
        const refs = unmet.map(parsePhaseRef);
        why.set(
          id,
          `${id}:${n} needs ${unmet.join(', ')}, and ${refs.map((r) => `${r.session}'s baseline is ${base.get(r.session) ?? 0}`).join(', ')}: v2 would not have started ${id}:${n}`,
        );
        base.set(id, n - 1);
        changed = true;
        break;
      }
    }
  }
  return ids.map((id) => {
    const claimed = best.get(id) ?? null;
    const b = base.get(id)!;
    const capped =
      claimed && claimed.through > b ? (why.get(id) ?? `${id} has ${sessions[id]!.phaseCount ?? 1} phases`) : null;
    return { session: id, baselinePhase: b, claimed, capped };
  });
}

/** The state a status record may say given the baselines (see above). */
export function alignStates(states: readonly V1State[], sessions: Sessions, facts: readonly BaselineFact[]): V1State[] {
  const base = new Map(facts.map((f) => [f.session, f.baselinePhase]));
  return states.map((v) => {
    const count = sessions[v.session]?.phaseCount ?? 1;
    const b = base.get(v.session) ?? 0;
    let phase = Math.min(b + 1, count);
    let state = v.v1.state;
    let blockedOn = [...v.v1.blockedOn];
    let why = '';
    if (b >= count) {
      [phase, state, blockedOn] = [count, 'done', []];
      why = `all ${count} phases are in the baseline`;
    } else {
      const unmet = needsOf(sessions, v.session, phase).filter(
        (on) => parsePhaseRef(on).phase > (base.get(parsePhaseRef(on).session) ?? 0),
      );
      if (unmet.length) {
        state = 'blocked';
        blockedOn = [
          ...new Set([
            ...unmet,
            ...blockedOn.filter((on) => parsePhaseRef(on).phase > (base.get(parsePhaseRef(on).session) ?? 0)),
          ]),
        ];
        why = `phase ${phase} needs ${unmet.join(', ')}, which no baseline covers`;
      } else if (v.v1.phase !== phase || state === 'done') {
        [state, blockedOn] = ['idle', []];
        why = `v1's report is not about phase ${phase}`;
      }
    }
    const notes = [...v.notes];
    if (b > 0) notes.push(`phases 1-${b} complete before S² (baselinePhase ${b})`);
    if (state !== v.v1.state || phase !== v.v1.phase || blockedOn.join() !== v.v1.blockedOn.join()) {
      notes.push(
        `v1 said ${v.v1.state} in phase ${v.v1.phase} ("${v.v1Status}"); written as ${state} in phase ${phase}${blockedOn.length ? ` on ${blockedOn.join(', ')}` : ''}: ${why}`,
      );
    }
    return { ...v, phase, state, blockedOn, notes, baselinePhase: b };
  });
}
