import type { Snapshot } from '../core/snapshot';
import type { SwarmView } from '../core/viewTypes';

/**
 * What a phase's record document shows: the phase as the view computed it, the completion
 * record(s) that claim it, the verifications of it, and who helps on it. Pure.
 */
export function phaseRecordOf(
  view: SwarmView,
  snap: Snapshot | null,
  session: string,
  phase: number,
): Record<string, unknown> {
  const s = view.sessions.find((x) => x.id === session);
  const p = s?.phases[phase - 1];
  if (!s || !p) return { error: `no phase ${session}:${phase} in swarm ${view.swarm}` };
  const completions = snap
    ? Object.values(snap.sessions)
        .flatMap((x) => x.completions)
        .filter((c) => (c.forSession ?? c.session) === session && c.phase === phase)
    : [];
  const verifications = snap
    ? Object.values(snap.sessions)
        .flatMap((x) => x.verifications)
        .filter((v) => v.target === session && v.phase === phase)
    : [];
  const helpers = view.sessions
    .filter((x) => x.helping?.session === session && x.helping.phase === phase)
    .map((x) => ({ helper: x.id, task: x.helping!.task, side: x.helping!.side, claimedAt: x.helping!.claimedAt }));
  const waiting = view.sessions.filter((x) => x.blockedBy.includes(`${session}:${phase}`)).map((x) => x.id);
  return {
    phase: { ...p },
    session: { id: s.id, state: s.state, openPhase: s.phase },
    waiting,
    helpers,
    completions: completions.map((c) => ({ ...c, signature: c.signature ? { by: c.signature.by } : undefined })),
    verifications: verifications.map((v) => ({ verifier: v.verifier, result: v.result, at: v.at, detail: v.detail })),
  };
}
