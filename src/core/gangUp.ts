/**
 * "Gang up on the blocker": the sessions a blocker keeps waiting can work on its phase (the
 * provider side, when their expertise matches) or on their own side of the integration (the
 * consumer side). At most `maxHelpersPerBlocker` helpers per blocker, and no task twice.
 * Deterministic: two sessions asking from the same snapshot get different tasks.
 */
import { sessionPlan, type SwarmPlan } from './manifest';
import type { HelpClaim } from './records';
import { edgesInto, type WaitFor } from './waitFor';
import type { BlockerView, GangUpPlan, GangUpTask } from './viewTypes';

export interface ActiveClaim {
  readonly helper: string;
  readonly claim: HelpClaim;
}

export function providerTasks(plan: SwarmPlan, blocker: string, phase: number): string[] {
  const sp = sessionPlan(plan, blocker)!;
  const pp = sp.phases[phase - 1]!;
  if (pp.helpTasks.length) return [...pp.helpTasks];
  const label = `${blocker}:${phase} (${pp.title})`;
  return [`implement part of ${label}`, `write and fix the failing tests of ${label}`, `review and harden ${label}`];
}

export function consumerTask(helper: string, blocker: string, phase: number): string {
  return `build ${helper}'s side of the ${helper}↔${blocker}:${phase} integration against its contract (adapter, stubs, tests)`;
}

export function expertiseOverlap(plan: SwarmPlan, helper: string, blocker: string, phase: number): number {
  const h = new Set(sessionPlan(plan, helper)?.expertise ?? []);
  const b = sessionPlan(plan, blocker)!;
  const wanted = new Set([...b.expertise, ...b.phases[phase - 1]!.expertise]);
  let n = 0;
  for (const t of wanted) if (h.has(t)) n++;
  return n;
}

export function planGangUp(
  plan: SwarmPlan,
  wf: WaitFor,
  blockers: readonly BlockerView[],
  claims: readonly ActiveClaim[],
  unavailable: (s: string) => boolean,
): GangUpPlan[] {
  const out: GangUpPlan[] = [];
  const busy = new Set(claims.map((c) => c.helper));
  const into = edgesInto(wf);
  // Claims by the blocker they help: looked up per blocker, not filtered from all claims.
  const claimsOn = new Map<string, ActiveClaim[]>();
  for (const c of claims) {
    const list = claimsOn.get(c.claim.session);
    if (list) list.push(c);
    else claimsOn.set(c.claim.session, [c]);
  }
  for (const b of blockers) {
    const waits = into.get(b.session) ?? [];
    const phases = [...new Set(waits.map((e) => e.toPhase))].sort((x, y) => x - y);
    for (const phase of phases) {
      const onThis = (claimsOn.get(b.session) ?? []).filter((c) => c.claim.phase === phase);
      const taken = new Set(onThis.map((c) => c.claim.task));
      const tasks: GangUpTask[] = onThis.map((c) => ({
        helper: c.helper,
        side: c.claim.side,
        task: c.claim.task,
        claimed: true,
      }));
      let room = plan.polling.maxHelpersPerBlocker - onThis.length;
      const candidates = waits
        .filter((e) => e.toPhase === phase)
        .map((e) => e.from)
        .filter((h, i, all) => all.indexOf(h) === i && !busy.has(h) && !unavailable(h) && h !== b.session)
        .map((h) => ({ h, score: expertiseOverlap(plan, h, b.session, phase) }))
        .sort((x, y) => y.score - x.score || (x.h < y.h ? -1 : 1));
      const provider = providerTasks(plan, b.session, phase).filter((t) => !taken.has(t));
      for (const { h, score } of candidates) {
        if (room <= 0) break;
        let task: string | undefined;
        let side: 'provider' | 'consumer' = 'consumer';
        if (score > 0 && provider.length) {
          task = provider.shift();
          side = 'provider';
        } else {
          const t = consumerTask(h, b.session, phase);
          if (!taken.has(t)) task = t;
        }
        if (!task) continue;
        taken.add(task);
        busy.add(h);
        tasks.push({ helper: h, side, task, claimed: false });
        room--;
      }
      if (tasks.length) out.push({ blocker: b.session, phase, tasks });
    }
  }
  return out;
}
