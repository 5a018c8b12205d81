import { parseManifest } from '../../src/core/manifest';
import { StatusRecord } from '../../src/core/records';
import { emptySession, type SessionSnapshot, type Snapshot } from '../../src/core/snapshot';

/**
 * The smallest snapshot a pure view test needs: the manifest, and for each of its sessions a
 * status (or none) and no other records. One shape for the editor, extension and awaiting-input
 * tests, so a new Snapshot field is added here once.
 */
export function snapshotOf(
  manifest: string,
  statuses: Readonly<Record<string, StatusRecord | null>>,
  id = 'snap',
): Snapshot {
  const plan = parseManifest(manifest);
  const sessions: Record<string, SessionSnapshot> = {};
  for (const s of plan.sessions) sessions[s.id] = { ...emptySession(s.id), status: statuses[s.id] ?? null };
  return {
    id,
    plan,
    coordinationTip: 'c',
    sessions,
    approvals: [],
    instructions: [],
    problems: [],
    commits: new Map(),
  };
}

/** A working session's status at phase 1, written and heartbeating at `now`; `patch` changes any field. */
export function statusAt(session: string, now: Date, patch: Partial<StatusRecord> = {}): StatusRecord {
  const at = now.toISOString();
  return StatusRecord.parse({
    kind: 'status',
    session,
    seq: 1,
    updatedAt: at,
    heartbeatAt: at,
    state: 'working',
    phase: 1,
    ...patch,
  });
}
