import { parseManifest } from '../../src/core/manifest';
import type { StatusRecord } from '../../src/core/records';
import type { SessionSnapshot, Snapshot } from '../../src/core/snapshot';

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
  for (const s of plan.sessions)
    sessions[s.id] = {
      session: s.id,
      recordsTip: null,
      workTip: null,
      status: statuses[s.id] ?? null,
      completions: [],
      verifications: [],
      acks: [],
      ledger: [],
      witness: [],
      problems: [],
    };
  return { id, plan, coordinationTip: 'c', sessions, approvals: [], instructions: [], problems: [], commits: {} };
}
