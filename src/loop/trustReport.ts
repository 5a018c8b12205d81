import type { Snapshot } from '../core/snapshot';
import type { Violation } from '../core/viewTypes';
import { unprotectedApproverKeys } from '../git/approverKeys';
import type { SwarmSession } from './swarmSession';

/**
 * What `s2 status` adds about the root of trust: which manifest is in effect and who is pinned,
 * and a warning for every approver key that sits in clear on this machine — the one place an
 * agent with a shell could take an approver's signature from.
 */
export async function trustReport(
  s: SwarmSession,
  snapshot: Snapshot,
): Promise<{ warnings: Violation[]; line: string }> {
  const clear = await unprotectedApproverKeys(snapshot.plan.swarm, Object.keys(snapshot.plan.approvers), s.env);
  const warnings: Violation[] = clear.map((c) => ({
    code: 'APPROVER_KEY_UNPROTECTED',
    session: `approver:${c.approver}`,
    severity: 'warning',
    path: c.file,
    message: `the private key of approver ${c.approver} is stored in clear at ${c.file}: any agent running as this user can read it and sign for ${c.approver}. Re-create it with a passphrase (s2 init with S2_APPROVER_PASSPHRASE, or from a terminal)`,
  }));
  const m = snapshot.manifest;
  const line = m
    ? `manifest ${m.status} · in effect ${m.effective?.slice(0, 12) ?? '(unsigned)'}${m.tip !== m.effective ? ` · tip ${m.tip.slice(0, 12)}` : ''} · ${m.chain.length} approved · pinned (${m.pinSource}): ${
        Object.entries(m.pinned)
          .map(([a, f]) => `${a} ${f}`)
          .join(', ') || 'none'
      }`
    : '';
  return { warnings, line };
}
