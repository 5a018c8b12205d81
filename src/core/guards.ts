/**
 * Guards are functions of the view. Each returns ok, or every reason a person can read;
 * the CLI, the loop, the hooks and the extension act only through them.
 */
import { sessionPlan, type SwarmPlan } from './manifest';
import { formatPhaseRef, PhaseRef } from './phaseRef';
import { refusal, type Refusal } from './refusal';
import type { SessionView, SwarmView } from './viewTypes';

export type GuardResult = { ok: true } | { ok: false; reasons: Refusal[] };

const result = (reasons: Refusal[]): GuardResult => (reasons.length ? { ok: false, reasons } : { ok: true });

function sessionOf(view: SwarmView, id: string): SessionView {
  const s = view.sessions.find((x) => x.id === id);
  if (!s) throw new Error(`unknown session ${id}`);
  return s;
}

function budgetReasons(view: SwarmView, s: SessionView): Refusal[] {
  const out: Refusal[] = [];
  if (s.budgetFraction >= 1)
    out.push(
      refusal(
        'BUDGET_EXCEEDED',
        `budget spent: $${s.spendUsd} of $${s.budgetUsd} (BUDGET_EXCEEDED); an approver must run: s2 approve ${s.id} --usd N`,
      ),
    );
  if (view.swarmBudgetUsd !== null && view.swarmSpendUsd >= view.swarmBudgetUsd)
    out.push(
      refusal(
        'SWARM_BUDGET_EXCEEDED',
        `swarm budget spent: $${view.swarmSpendUsd} of $${view.swarmBudgetUsd} (SWARM_BUDGET_EXCEEDED)`,
      ),
    );
  return out;
}

export interface StartContext {
  /** The branch checked out in the session's worktree, when known. */
  readonly currentBranch?: string | null;
}

export function canStartPhase(
  view: SwarmView,
  plan: SwarmPlan,
  session: string,
  phase: number,
  ctx: StartContext = {},
): GuardResult {
  const s = sessionOf(view, session);
  const reasons: Refusal[] = [];
  if (phase < 1 || phase > s.phaseCount)
    return result([refusal('NO_SUCH_PHASE', `${session} has phases 1..${s.phaseCount}; there is no phase ${phase}`)]);
  const pv = s.phases[phase - 1]!;
  if (['verified', 'done', 'disputed'].includes(pv.state))
    reasons.push(refusal('PHASE_REPEATED', `phase ${phase} is already complete (PHASE_REPEATED)`));
  else if (phase > s.phase)
    reasons.push(
      refusal(
        'PHASE_SKIPPED',
        `phase ${s.phase} has no valid completion yet; phases go in order (PHASE_SKIPPED): complete ${s.phase} first`,
      ),
    );
  if (pv.adoptedBy && pv.adoptedBy !== session)
    reasons.push(
      refusal(
        'PHASE_ADOPTED',
        `phase ${phase} was adopted by ${pv.adoptedBy}, which completes it (s2 complete-phase ${session}:${phase}); starting it too would do the work twice`,
      ),
    );
  for (const ref of pv.needs) {
    const [dep, n] = ref.split(':');
    const d = view.sessions.find((x) => x.id === dep)?.phases[Number(n) - 1];
    if (!d) continue;
    if (d.state === 'verified') continue;
    if (d.state === 'done' && plan.verification === 'advisory') continue;
    if (d.state === 'done')
      reasons.push(
        refusal(
          'NEED_UNVERIFIED',
          `needs ${ref}: complete but not verified by a session other than ${dep} (run: s2 verify ${ref})`,
          ref,
        ),
      );
    else if (d.state === 'disputed')
      reasons.push(refusal('NEED_DISPUTED', `needs ${ref}: disputed — ${d.dispute}`, ref));
    else reasons.push(refusal('NEED_INCOMPLETE', `needs ${ref}: not complete (${d.state})`, ref));
  }
  if (s.declaredState === 'error' && pv.state === 'error')
    reasons.push(
      refusal(
        'PHASE_IN_ERROR',
        `phase ${phase} failed ${plan.polling.maxAttempts} times and is in error; a person must look at it (s2 reset-phase ${phase})`,
      ),
    );
  reasons.push(...budgetReasons(view, s));
  if (ctx.currentBranch !== undefined && ctx.currentBranch !== s.branch)
    reasons.push(
      refusal(
        'WRONG_BRANCH',
        `the checkout is on ${ctx.currentBranch ?? '(detached HEAD)'}, not on ${session}'s work branch ${s.branch}`,
      ),
    );
  return result(reasons);
}

/**
 * Was the open phase started? A phase that waits on an unmet need shows as `blocked` whether
 * or not anyone started it, so for that state the status must name the phase as started.
 */
function startedPhase(s: SessionView, state: string, phase: number): boolean {
  if (!['in-progress', 'stalled', 'error', 'blocked'].includes(state)) return false;
  if (s.declaredState === null || s.declaredState === 'idle') return false;
  return state !== 'blocked' || s.startedPhase === phase;
}

export function canCompletePhase(view: SwarmView, session: string, phase: number): GuardResult {
  const s = sessionOf(view, session);
  const reasons: Refusal[] = [];
  const pv = s.phases[phase - 1];
  if (!pv) return result([refusal('NO_SUCH_PHASE', `${session} has no phase ${phase}`)]);
  if (['verified', 'done', 'disputed'].includes(pv.state))
    reasons.push(refusal('PHASE_REPEATED', `phase ${phase} is already complete (PHASE_REPEATED)`));
  else if (phase !== s.phase)
    reasons.push(
      refusal(
        'PHASE_SKIPPED',
        `phase ${s.phase} is the open phase; phase ${phase} cannot be completed before it (PHASE_SKIPPED)`,
      ),
    );
  else if (!startedPhase(s, pv.state, phase))
    reasons.push(refusal('PHASE_NOT_STARTED', `phase ${phase} was never started (run: s2 start-phase ${phase})`));
  return result(reasons);
}

export function canSpawnAgents(view: SwarmView, session: string, count = 1): GuardResult {
  const s = sessionOf(view, session);
  const reasons = budgetReasons(view, s);
  if (s.agentsRunning + count > s.maxAgents) reasons.push(agentCapRefusal(s.agentsRunning, s.maxAgents));
  return result(reasons);
}

export function canHelp(view: SwarmView, plan: SwarmPlan, helper: string, target: PhaseRef, task: string): GuardResult {
  const h = sessionOf(view, helper);
  const reasons: Refusal[] = [];
  const ref = formatPhaseRef(target);
  if (target.session === helper) reasons.push(refusal('SELF_HELP', `${helper} cannot help itself`, ref));
  const blocker = view.blockers.find((b) => b.session === target.session);
  if (!blocker) reasons.push(falseBlockerRefusal(target.session));
  else if (!blocker.phases.includes(ref))
    reasons.push(
      refusal('NOT_WAITED_ON', `nobody waits on ${ref}; sessions wait on ${blocker.phases.join(', ')}`, ref),
    );
  const targetView = view.sessions.find((s) => s.id === target.session);
  if (targetView?.helping && targetView.helping.session === helper)
    reasons.push(
      refusal('HELP_LOOP', `${target.session} is helping ${helper}: this would be a help loop (HELP_LOOP)`, ref),
    );
  const claims = view.sessions.filter((s) => s.helping && s.id !== helper && s.helping.session === target.session);
  if (claims.some((s) => s.helping!.phase === target.phase && s.helping!.task === task))
    reasons.push(
      refusal('DUPLICATE_HELP', `another session already claimed this task on ${ref} (DUPLICATE_HELP)`, ref),
    );
  if (claims.length >= plan.polling.maxHelpersPerBlocker)
    reasons.push(
      refusal(
        'HELPER_CAP',
        `${target.session} already has ${claims.length} helpers, the cap (maxHelpersPerBlocker)`,
        ref,
      ),
    );
  reasons.push(...budgetReasons(view, h));
  return result(reasons);
}

export function canAdopt(view: SwarmView, plan: SwarmPlan, adopter: string, target: PhaseRef): GuardResult {
  const reasons: Refusal[] = [];
  const ref = formatPhaseRef(target);
  const t = sessionOf(view, target.session);
  const a = sessionOf(view, adopter);
  if (target.session === adopter) reasons.push(refusal('SELF_ADOPT', 'a session does not adopt its own phase', ref));
  const silentBlocker = view.blockers.some((b) => b.session === t.id && b.stalled);
  if (!(t.stale || t.declaredState === 'error' || silentBlocker))
    reasons.push(
      refusal(
        'TARGET_ALIVE',
        `${target.session} is alive (heartbeat ${t.heartbeatAgeSeconds ?? '—'} s ago) and not in error; only a stuck session's phase can be adopted`,
        ref,
      ),
    );
  if (t.phase !== target.phase) reasons.push(notOpenPhaseRefusal(target.session, t.phase, target.phase));
  const wanted = new Set([...t.expertise, ...(sessionPlan(plan, t.id)?.phases[target.phase - 1]?.expertise ?? [])]);
  if (wanted.size && !a.expertise.some((e) => wanted.has(e)))
    reasons.push(
      refusal(
        'EXPERTISE_MISMATCH',
        `${adopter}'s expertise (${a.expertise.join(', ') || 'none'}) does not match ${[...wanted].join(', ')}`,
        ref,
      ),
    );
  reasons.push(...budgetReasons(view, a));
  return result(reasons);
}

/** The agent cap, as the guard and the store's last-moment check (budgetOps) both refuse it. */
export function agentCapRefusal(running: number, cap: number): Refusal {
  return refusal('AGENT_CAP', `agent cap: ${running} of ${cap} agents already run; stop one first (s2 agents stop ID)`);
}

/** Help goes only to a session the wait-for graph names as a blocker. */
export function falseBlockerRefusal(session: string): Refusal {
  return refusal('FALSE_BLOCKER', `${session} blocks no session; help goes only to real blockers (FALSE_BLOCKER)`);
}

/** A phase that is not the session's open one: adoption and adopted completion both refuse it. */
export function notOpenPhaseRefusal(session: string, open: number, phase: number): Refusal {
  return refusal('NOT_OPEN_PHASE', `${session}'s open phase is ${open}, not ${phase}`, `${session}:${phase}`);
}
