import type { Snapshot } from './snapshot';

/**
 * What a snapshot says beyond heartbeats, as one string: equal keys mean nothing happened
 * but sessions staying alive. The status record changes with every heartbeat (`heartbeatAt`,
 * and with it `seq`, `updatedAt` and the signature), so those are left out; everything else a
 * session can write (state, phase, blocks, help, completions, acks, spend, the witness log),
 * the work tips, the coordination tip, approvals, instructions and problems are in. A rogue
 * that dresses a change as a heartbeat only slows the remote probe, never by more than its cap.
 */
export function activityKey(snapshot: Snapshot): string {
  const parts: string[] = [snapshot.coordinationTip];
  for (const id of Object.keys(snapshot.sessions).sort()) {
    const s = snapshot.sessions[id]!;
    let status = '';
    if (s.status) {
      const { seq: _seq, updatedAt: _u, heartbeatAt: _h, signature: _sig, ...rest } = s.status;
      status = JSON.stringify(rest);
    }
    parts.push(
      id,
      s.workTip ?? '',
      status,
      `${s.completions.length}/${s.verifications.length}/${s.acks.length}/${s.ledger.length}/${s.witness.length}/${s.problems.length}`,
      s.integration ? JSON.stringify(s.integration) : '',
    );
  }
  parts.push(String(snapshot.approvals.length), snapshot.instructions.map((i) => i.blob).join(','));
  parts.push(snapshot.problems.map((p) => `${p.code}:${p.session}:${p.path ?? ''}`).join(','));
  return parts.join('\n');
}
