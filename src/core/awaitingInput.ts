/**
 * A session whose agent waits on a person (a permission prompt, an idle prompt). Counted
 * as stuck once it has waited longer than `polling.awaitingInputStuckSeconds`: nobody
 * answered, and whoever waits on that session waits on a person who does not know it.
 */
import type { SwarmPlan } from './manifest';
import type { StatusRecord } from './records';
import type { AwaitingInputView, SwarmView } from './viewTypes';

export function awaitingInputOf(plan: SwarmPlan, status: StatusRecord | null, now: Date): AwaitingInputView | null {
  const w = status?.awaitingInput;
  if (!w) return null;
  const t = Date.parse(w.since);
  const ageSeconds = Number.isFinite(t) ? Math.max(0, Math.round((now.getTime() - t) / 1000)) : 0;
  return {
    since: w.since,
    runtime: w.runtime,
    message: w.message,
    ageSeconds,
    stuck: ageSeconds > plan.polling.awaitingInputStuckSeconds,
  };
}

/** Sessions that began waiting (or waited on something new) between two views: one alert each. */
export function newlyAwaiting(
  prev: SwarmView | null,
  next: SwarmView,
): { session: string; message: string; runtime: string }[] {
  const before = new Map((prev?.sessions ?? []).map((s) => [s.id, s.awaitingInput?.since ?? null]));
  return next.sessions
    .filter((s) => s.awaitingInput && before.get(s.id) !== s.awaitingInput.since)
    .map((s) => ({ session: s.id, message: s.awaitingInput!.message, runtime: s.awaitingInput!.runtime }));
}
