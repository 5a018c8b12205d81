/**
 * Heartbeat leases, as Kubernetes sizes them: stale after three missed heartbeats plus one
 * poll interval (210 s at the defaults). Stale is advisory: it alerts and allows adoption.
 */
import type { SwarmPlan } from './manifest';
import type { StatusRecord } from './records';
import { CLOCK_SKEW_SECONDS } from './recordTimes';

export function staleAfterSeconds(plan: SwarmPlan): number {
  return 3 * plan.polling.heartbeatSeconds + plan.polling.intervalSeconds;
}

export function heartbeatAgeSeconds(status: StatusRecord | null, now: Date): number | null {
  if (!status) return null;
  const t = Date.parse(status.heartbeatAt);
  return Number.isFinite(t) ? Math.max(0, Math.round((now.getTime() - t) / 1000)) : null;
}

/**
 * `done` is what the completions say (every phase valid), never the status's declared state.
 * A heartbeat dated past the allowed clock skew is not believed: it would keep a silent
 * session alive, and never adoptable, for as long as its writer wished.
 */
export function isStale(plan: SwarmPlan, status: StatusRecord | null, now: Date, done = false): boolean {
  if (status && !done && Date.parse(status.heartbeatAt) > now.getTime() + CLOCK_SKEW_SECONDS * 1000) return true;
  const age = heartbeatAgeSeconds(status, now);
  return age !== null && !done && age > staleAfterSeconds(plan);
}
