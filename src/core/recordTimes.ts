/**
 * Times in records are the writer's word. A time in the future would win every "latest
 * wins" comparison for ever (a verification dated 9999 keeps a completion disputed), keep a
 * heartbeat or a help lease alive, so a record dated more than the allowed clock skew after
 * the reader's `now` is reported and not believed: the verification and the integration
 * verdict are left out, the heartbeat and the help claim count as expired. Culprits an
 * integration names must be sessions of the manifest.
 */
import { withSessions, type SessionSnapshot, type Snapshot } from './snapshot';
import type { Violation } from './viewTypes';

export const CLOCK_SKEW_SECONDS = 300;

const EPOCH = new Date(0).toISOString();

export function screenTimes(snap: Snapshot, now: Date, violations: Violation[]): Snapshot {
  const limit = now.getTime() + CLOCK_SKEW_SECONDS * 1000;
  const future = (at: string | null | undefined): boolean => !!at && !(Date.parse(at) <= limit);
  let ids: Set<string> | undefined;
  const known = (s: string): boolean => (ids ??= new Set(snap.plan.sessions.map((p) => p.id))).has(s);
  const report = (session: string, what: string, at: string): void => {
    violations.push({
      code: 'FUTURE_TIMESTAMP',
      session,
      severity: 'error',
      ref: what,
      message: `${session}'s ${what} is dated ${at.slice(0, 40)}, more than ${CLOCK_SKEW_SECONDS} s after now (${now.toISOString()}); it is not believed`,
    });
  };
  // Copies only for what changes: most sessions come through as they are.
  const changed = new Map<string, SessionSnapshot>();
  for (const id of Object.keys(snap.sessions)) {
    const s = snap.sessions[id]!; // keys, not [id, s] pairs: one array, not one per session
    const verifications = s.verifications.some((v) => future(v.at))
      ? s.verifications.filter((v) => {
          if (!future(v.at)) return true;
          report(id, `verification of ${v.target}:${v.phase}`, v.at);
          return false;
        })
      : s.verifications;
    let integration = s.integration ?? null;
    if (integration && future(integration.at)) {
      report(id, 'integration verdict', integration.at);
      integration = null;
    }
    if (integration && integration.culprits.some((c) => !known(c))) {
      const unknown = integration.culprits.filter((c) => !known(c));
      violations.push({
        code: 'RECORD_INVALID',
        session: id,
        severity: 'error',
        ref: 'integration culprits',
        message: `${id}'s integration verdict names culprits that are not sessions of the manifest (${unknown.slice(0, 3).join(', ')}); they are left out`,
      });
      integration = { ...integration, culprits: integration.culprits.filter(known) };
    }
    let status = s.status;
    if (status && future(status.heartbeatAt)) {
      report(id, 'heartbeat', status.heartbeatAt);
      status = { ...status, heartbeatAt: EPOCH };
    }
    if (status?.helping && future(status.helping.claimedAt)) {
      report(id, 'help claim', status.helping.claimedAt);
      status = { ...status, helping: { ...status.helping, claimedAt: EPOCH } };
    }
    if (verifications !== s.verifications || integration !== (s.integration ?? null) || status !== s.status)
      changed.set(id, { ...s, verifications, integration, status });
  }
  return withSessions(snap, changed);
}
