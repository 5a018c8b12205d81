/**
 * When the loop next asks a shared remote for news (one `git fetch`, one request at the
 * server). Fast while the swarm is busy, slower the longer it has been quiet: the delay is
 * half the quiet time so far, never under `probeMs` and never over `maxMs`. Half, so that a
 * change after a quiet spell of T waits at most T/2 (and never more than `maxMs`); ×1.5 per
 * check, so that a minute of quiet already costs ≤ 2 checks a minute and two minutes ≤ 1.
 * Pure: the caller passes the clock; "activity" is whatever the caller saw change (not a
 * heartbeat: idle sessions heartbeat forever, and that must not count as busy).
 */
export interface ProbeSettings {
  /** The fastest pace, while busy (`polling.probeSeconds`). */
  readonly probeMs: number;
  /** The slowest pace, after a long quiet spell (`polling.probeMaxSeconds`): the worst-case wait. */
  readonly maxMs: number;
}

export interface ProbeClock {
  /** When the remote was last asked (a fetch), or null before the first time. */
  readonly lastCheckAt: number | null;
  /** When anything other than a heartbeat last changed, here or at the remote. */
  readonly lastActivityAt: number;
}

/** The wait after a check made `quietForMs` after the last activity. */
export function probeDelay(quietForMs: number, s: ProbeSettings): number {
  const max = Math.max(s.probeMs, s.maxMs);
  return Math.min(max, Math.max(s.probeMs, quietForMs / 2));
}

/** When the next check is due: activity after the last check makes it due one probe after that check. */
export function nextCheckAt(c: ProbeClock, s: ProbeSettings): number {
  if (c.lastCheckAt === null) return -Infinity;
  return c.lastCheckAt + probeDelay(c.lastCheckAt - c.lastActivityAt, s);
}

export function checkDue(c: ProbeClock, now: number, s: ProbeSettings): boolean {
  return now >= nextCheckAt(c, s);
}
