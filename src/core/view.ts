/**
 * The engine: a pure, deterministic function of (snapshot, now). Every session that read the
 * same tips computes the same view, carrying the snapshot id it came from.
 */
import { sessionBudget, swarmBudget, BUDGET_WARN_FRACTION, METERED_SOURCES } from './budget';
import { findPrice } from './claudeUsage';
import { CompletionTable, evaluateCompletions, satisfiesNeed } from './completions';
import { ActiveClaim, planGangUp } from './gangUp';
import { awaitingInputOf } from './awaitingInput';
import { heartbeatAgeSeconds, isStale, staleAfterSeconds } from './liveness';
import { formatPhaseRef, type PhaseRef } from './phaseRef';
import type { Snapshot } from './snapshot';
import { buildWaitFor, criticalPath, findDeadlocks, rankBlockers, WaitFor } from './waitFor';
import type {
  DisplayState,
  IntegrationSummary,
  PhaseState,
  PhaseView,
  SessionView,
  SwarmView,
  Violation,
} from './viewTypes';
import { buildGraph, cycles, reverse } from './graph';
import { screenTimes } from './recordTimes';
import { enforceNeeds, screenAdoptions } from './claimChecks';
import { summariseRepeats } from './violationSummary';

export function computeView(read: Snapshot, now: Date): SwarmView {
  const plan = read.plan;
  const violations: Violation[] = [];
  const snap = screenAdoptions(screenTimes(read, now, violations), violations);
  const problem = (p: Snapshot['problems'][number]): void => {
    violations.push({
      code: p.code,
      session: p.session,
      severity: p.severity ?? 'error',
      message: p.message,
      ...(p.path ? { path: p.path } : {}),
    });
  };
  snap.problems.forEach(problem);
  for (const s of Object.values(snap.sessions)) s.problems.forEach(problem);
  const table = enforceNeeds(snap, evaluateCompletions(snap, violations), now, violations);
  const wf = buildWaitFor(snap, table, violations);
  const stale = new Map<string, boolean>();
  for (const s of plan.sessions)
    stale.set(s.id, isStale(plan, snap.sessions[s.id]?.status ?? null, now, wf.current.get(s.id)! > s.phaseCount));
  const inError = (s: string): boolean => snap.sessions[s]?.status?.state === 'error';
  // A blocker that never wrote a status is silent too, once the plan it belongs to is older than a lease.
  const planAge = snap.coordinationTime ? (now.getTime() - Date.parse(snap.coordinationTime)) / 1000 : 0;
  const neverStarted = (s: string): boolean => !snap.sessions[s]?.status && planAge > staleAfterSeconds(plan);
  const waitsTooLong = (s: string): boolean =>
    awaitingInputOf(plan, snap.sessions[s]?.status ?? null, now)?.stuck === true;
  const waiters = reverse(wf.graph);
  const blockers = rankBlockers(wf, (s) => stale.get(s)! || inError(s) || neverStarted(s) || waitsTooLong(s), waiters);
  for (const b of blockers) {
    if (!b.stalled) continue;
    const age = heartbeatAgeSeconds(snap.sessions[b.session]?.status ?? null, now);
    const waiting = awaitingInputOf(plan, snap.sessions[b.session]?.status ?? null, now);
    const why = inError(b.session)
      ? 'is in error'
      : waiting?.stuck
        ? `has waited for a person for ${formatAge(waiting.ageSeconds)} (${waiting.message})`
        : age === null
          ? `has never reported (the plan is ${formatAge(Math.round(planAge))} old)`
          : `has been silent for ${formatAge(age)}`;
    violations.push({
      code: 'STUCK_BLOCKER',
      session: b.session,
      severity: 'error',
      ref: b.phases.join(','),
      message: `${b.transitive} session(s) wait on ${b.session} (${b.phases.join(', ')}), which ${why}; its open phase can be adopted (s2 adopt ${b.phases[0]})`,
    });
  }
  const deadlocks = findDeadlocks(wf);
  for (const d of deadlocks) {
    violations.push({
      code: 'DEADLOCK',
      session: d.sessions[0]!,
      severity: 'error',
      ref: d.sessions.join(','),
      message: `deadlock between ${d.sessions.join(', ')} (${d.phases.join('; ')}); suggestion: ${d.suggestion.text}`,
    });
  }
  const claims = analyseHelp(
    snap,
    wf,
    blockers.map((b) => b.session),
    now,
    violations,
  );
  const gangUp = planGangUp(
    plan,
    wf,
    blockers,
    claims,
    (s) => stale.get(s)! || inError(s) || sessionBudget(snap, s).fraction >= 1,
  );
  checkStatusClaims(snap, table, wf, violations);
  const index: ViewIndex = {
    waiters,
    edgesFrom: groupBy(wf.edges, (e) => e.from),
    blockerOf: new Map(blockers.map((b) => [b.session, b])),
    instructionsOf: groupBy(snap.instructions, (i) => i.session),
    claimOf: new Map(claims.map((c) => [c.helper, c.claim])),
    adopterOf: adoptersOf(snap),
  };
  const sessions = plan.sessions.map((sp) =>
    sessionView(snap, sp, table, wf, index, stale.get(sp.id)!, now, violations),
  );
  const swarm = swarmBudget(snap, plan);
  if (swarm && swarm.fraction >= 1)
    violations.push({
      code: 'SWARM_BUDGET_EXCEEDED',
      session: '*',
      severity: 'error',
      message: `the swarm spent $${swarm.spendUsd} of its $${swarm.capUsd} budget; an approver must raise it (s2 approve '*' --usd N)`,
    });
  if (swarm && swarm.fraction < 1 && swarm.fraction >= BUDGET_WARN_FRACTION)
    violations.push({
      code: 'SWARM_BUDGET_WARNING',
      session: '*',
      severity: 'warning',
      message: `the swarm spent $${swarm.spendUsd} of its $${swarm.capUsd} budget (${Math.round(swarm.fraction * 100)}%)`,
    });
  violations.push(...unpricedModels(snap));
  const integrations = Object.values(snap.sessions)
    .map((x) => x.integration)
    .filter((x): x is NonNullable<typeof x> => !!x)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.session < b.session ? -1 : 1))
    .map((r): IntegrationSummary => ({
      by: r.session,
      at: r.at,
      result: r.result,
      merged: r.merged.map((m) => `${m.session}:${m.phase}`),
      culprits: r.culprits,
    }));
  const lastIntegration = integrations.at(-1) ?? null;
  const lastGreenIntegration = [...integrations].reverse().find((i) => i.result === 'pass') ?? null;
  if (lastIntegration && lastIntegration.result !== 'pass') {
    violations.push({
      code: 'INTEGRATION_FAILED',
      session: lastIntegration.culprits[0] ?? lastIntegration.by,
      severity: 'error',
      ref: lastIntegration.culprits.join(','),
      message: `the integration gate run by ${lastIntegration.by} at ${lastIntegration.at} ${lastIntegration.result === 'conflict' ? 'hit a merge conflict' : 'failed'}${lastIntegration.culprits.length ? `; involved: ${lastIntegration.culprits.join(', ')}` : ''}${lastGreenIntegration ? `; last green: ${lastGreenIntegration.at}` : ''}`,
    });
  }
  sortViolations(violations);
  return {
    snapshot: snap.id,
    swarm: plan.swarm,
    now: now.toISOString(),
    sessions,
    blockers,
    deadlocks,
    criticalPath: criticalPath(plan, table, wf.edges),
    gangUp,
    violations: summariseRepeats(dedupe(violations)),
    swarmSpendUsd: swarm?.spendUsd ?? sessions.reduce((s, x) => s + x.spendUsd, 0),
    swarmBudgetUsd: swarm?.capUsd ?? null,
    lastIntegration,
    lastGreenIntegration,
  };
}

/** A model metered without a price in the manifest: once per model, never $0 in silence. */
function unpricedModels(snap: Snapshot): Violation[] {
  const seen = new Map<string, string[]>();
  for (const s of Object.values(snap.sessions))
    for (const e of s.ledger)
      if (METERED_SOURCES.has(e.source) && !findPrice(snap.plan.pricing, e.model)) {
        const who = seen.get(e.model) ?? [];
        if (!who.includes(s.session)) who.push(s.session);
        seen.set(e.model, who);
      }
  return [...seen.entries()].map(([model, who]) => ({
    code: 'UNPRICED_MODEL',
    session: '*',
    severity: 'warning' as const,
    ref: model,
    message: `model ${model} (used by ${who.sort().join(', ')}) has no price in the manifest; it is metered at the highest price of the table. An approver adds it under pricing:`,
  }));
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    // One finding, one report: the same code on the same session and ref is one violation.
    const k =
      v.ref || v.path ? `${v.code}|${v.session}|${v.ref ?? ''}|${v.path ?? ''}` : `${v.code}|${v.session}|${v.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function formatAge(seconds: number | null): string {
  if (seconds === null) return 'ever';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Help claims: which are live, and every way a claim can be wrong. */
function analyseHelp(
  snap: Snapshot,
  wf: WaitFor,
  blockerIds: string[],
  now: Date,
  violations: Violation[],
): ActiveClaim[] {
  const active: ActiveClaim[] = [];
  const blockersSet = new Set(blockerIds);
  for (const sp of snap.plan.sessions) {
    const s = snap.sessions[sp.id];
    const claim = s?.status?.helping;
    if (!claim) {
      if (s?.status?.wantsHelp && !blockersSet.has(sp.id))
        violations.push({
          code: 'FALSE_BLOCKER',
          session: sp.id,
          severity: 'warning',
          message: `${sp.id} asks for help, but no session waits on it`,
        });
      continue;
    }
    // The blocker's phase is complete: the claim ended with it (it neither lingers nor misdirects).
    if ((wf.current.get(claim.session) ?? 0) > claim.phase) continue;
    const ref = formatPhaseRef(claim);
    const expired = now.getTime() - Date.parse(claim.claimedAt) > claim.leaseSeconds * 1000;
    const progressed = s!.workTip !== null && s!.workTip !== claim.workTipAtClaim;
    if (expired && !progressed) {
      violations.push({
        code: 'HELPER_NO_PROGRESS',
        session: sp.id,
        severity: 'warning',
        ref,
        message: `${sp.id} claimed to help ${ref} (${claim.task}) but made no commit within its ${claim.leaseSeconds} s lease; the claim has lapsed`,
      });
      continue;
    }
    if (!blockersSet.has(claim.session) || !wf.edges.some((e) => e.to === claim.session && e.toPhase === claim.phase)) {
      violations.push({
        code: 'HELP_MISDIRECTED',
        session: sp.id,
        severity: 'warning',
        ref,
        message: `${sp.id} helps ${ref}, but no session waits on ${ref}`,
      });
    }
    active.push({ helper: sp.id, claim });
  }
  // Only sessions with a claim can be on a help loop: the graph is built from the claims alone.
  const helpGraph = buildGraph(
    [],
    active.map((c) => [c.helper, c.claim.session] as const),
  );
  for (const loop of cycles(helpGraph)) {
    violations.push({
      code: 'HELP_LOOP',
      session: loop[0]!,
      severity: 'error',
      ref: loop.join(','),
      message: `help loop: ${loop.join(' → ')} → ${loop[0]} help each other while nobody works on a blocker`,
    });
  }
  const byTask = new Map<string, string[]>();
  for (const c of active) {
    const k = `${c.claim.session}:${c.claim.phase}|${c.claim.task}`;
    (byTask.get(k) ?? byTask.set(k, []).get(k)!).push(c.helper);
  }
  for (const [k, helpers] of byTask) {
    if (helpers.length < 2) continue;
    const [ref, task] = k.split('|');
    violations.push({
      code: 'DUPLICATE_HELP',
      session: helpers.sort()[1]!,
      severity: 'warning',
      ref,
      message: `${helpers.join(' and ')} both claim the same task on ${ref}: ${task}`,
    });
  }
  const perBlocker = new Map<string, number>();
  for (const c of active) perBlocker.set(c.claim.session, (perBlocker.get(c.claim.session) ?? 0) + 1);
  for (const [b, n] of perBlocker) {
    if (n > snap.plan.polling.maxHelpersPerBlocker)
      violations.push({
        code: 'BLOCKER_SWARMED',
        session: b,
        severity: 'warning',
        message: `${n} sessions help ${b}; the cap is ${snap.plan.polling.maxHelpersPerBlocker}`,
      });
  }
  return active;
}

/** A status that claims more than the records show: a phase started past an open one, or repeated. */
function checkStatusClaims(snap: Snapshot, table: CompletionTable, wf: WaitFor, violations: Violation[]): void {
  for (const sp of snap.plan.sessions) {
    const s = snap.sessions[sp.id];
    const st = s?.status;
    const current = wf.current.get(sp.id)!;
    if (st && (st.state === 'working' || st.state === 'blocked') && st.phase > current && st.phase <= sp.phaseCount) {
      violations.push({
        code: 'PHASE_SKIPPED',
        session: sp.id,
        severity: 'error',
        ref: `${sp.id}:${st.phase}`,
        message: `${sp.id} says it works on phase ${st.phase}, but phase ${current} has no valid completion`,
      });
    }
    if (st && st.state === 'done' && current <= sp.phaseCount) {
      violations.push({
        code: 'PHASE_SKIPPED',
        session: sp.id,
        severity: 'error',
        ref: `${sp.id}:${current}`,
        message: `${sp.id} says it is done, but phase ${current} has no valid completion`,
      });
    }
    if (st && st.state === 'working' && st.phase < current && table.get(sp.id)?.get(st.phase)?.valid) {
      violations.push({
        code: 'PHASE_REPEATED',
        session: sp.id,
        severity: 'error',
        ref: `${sp.id}:${st.phase}`,
        message: `${sp.id} says it works on phase ${st.phase}, which is already complete`,
      });
    }
    for (const [detail, n] of repeatedCompletions(s?.witness ?? [])) {
      violations.push({
        code: 'PHASE_REPEATED',
        session: sp.id,
        severity: 'error',
        ref: `${sp.id}:${detail}`,
        message: `${sp.id} completed phase ${detail} ${n} times (witness log)`,
      });
    }
  }
}

function attemptsOf(st: Snapshot['sessions'][string]['status'], phase: number, max: number): SessionView['attempts'] {
  const a = st?.attempts[String(phase)];
  return a && a.count > 0 ? { count: a.count, max, lastError: a.lastError } : null;
}

/**
 * Phases the witness log completes more than once, with the count, in the order of their first
 * completion. A log without a repeat (nearly all) allocates nothing: no map per session.
 */
function repeatedCompletions(witness: Snapshot['sessions'][string]['witness']): [string, number][] {
  const completes = (i: number): boolean => witness[i]!.action === 'complete-phase';
  // A short log is searched pairwise for a repeat; a long one is counted in a map at once.
  let repeat = witness.length > 32;
  for (let i = 1; i < witness.length && !repeat; i++)
    for (let j = 0; j < i && completes(i) && !repeat; j++)
      repeat = completes(j) && witness[j]!.detail === witness[i]!.detail;
  if (!repeat) return [];
  const counts = new Map<string, number>();
  for (const w of witness) if (w.action === 'complete-phase') counts.set(w.detail, (counts.get(w.detail) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}

/** Lookups built once per view, so that a view of 1000 sessions stays linear. */
interface ViewIndex {
  readonly waiters: ReadonlyMap<string, readonly string[]>;
  readonly edgesFrom: ReadonlyMap<string, WaitFor['edges'][number][]>;
  readonly blockerOf: ReadonlyMap<string, SwarmView['blockers'][number]>;
  readonly instructionsOf: ReadonlyMap<string, Snapshot['instructions'][number][]>;
  readonly claimOf: ReadonlyMap<string, ActiveClaim['claim']>;
  /** Who adopted a phase: by the adopted session, then phase (the last adoption listed wins). */
  readonly adopterOf: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

function adoptersOf(snap: Snapshot): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const x of Object.values(snap.sessions))
    for (const a of x.status?.adopted ?? []) {
      let phases = out.get(a.session);
      if (!phases) out.set(a.session, (phases = new Map()));
      phases.set(a.phase, x.session);
    }
  return out;
}

/**
 * The violations in the view's order: by code, session, ref and message run together. The
 * keys are built once, not twice per comparison (n log n strings); the comparisons, and so the
 * order (ties included), are the same.
 */
function sortViolations(violations: Violation[]): void {
  const keyed = violations.map((v) => ({ v, k: v.code + v.session + (v.ref ?? '') + v.message }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : 1));
  keyed.forEach((x, i) => (violations[i] = x.v));
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/**
 * The empty list of a phase without needs, unmet needs or verifiers: one frozen array shared by
 * every phase of every view (the view is read-only; ~3 fresh arrays per phase were a tenth of
 * what a view allocated, and garbage collection is what grows faster than the swarm).
 */
const NO_REFS: readonly string[] = Object.freeze([]);

function sessionView(
  snap: Snapshot,
  sp: Snapshot['plan']['sessions'][number],
  table: CompletionTable,
  wf: WaitFor,
  index: ViewIndex,
  stale: boolean,
  now: Date,
  violations: Violation[],
): SessionView {
  const plan = snap.plan;
  const id = sp.id;
  const s = snap.sessions[id];
  const st = s?.status ?? null;
  const current = wf.current.get(id)!;
  const budget = sessionBudget(snap, id);
  const running = st?.agents.running.length ?? 0;
  if (budget.fraction >= 1)
    violations.push({
      code: 'BUDGET_EXCEEDED',
      session: id,
      severity: 'error',
      message: `${id} spent $${budget.spendUsd} of its $${budget.capUsd} budget; phases, the executor and agent spawns are refused until an approver raises it (s2 approve ${id} --usd N)`,
    });
  else if (budget.fraction >= BUDGET_WARN_FRACTION)
    violations.push({
      code: 'BUDGET_WARNING',
      session: id,
      severity: 'warning',
      message: `${id} spent $${budget.spendUsd} of its $${budget.capUsd} budget (${Math.round(budget.fraction * 100)}%)`,
    });
  if (running > sp.maxAgents)
    violations.push({
      code: 'AGENT_CAP_EXCEEDED',
      session: id,
      severity: 'error',
      message: `${id} runs ${running} agents; its cap is ${sp.maxAgents}`,
    });
  // The witness log is hash-chained and sealed: a status that drops its count (the session writes
  // its own status) cannot drop these entries without a rewrite every reader sees.
  let witnessedLosses = 0;
  for (const w of s?.witness ?? []) if (w.action === 'slot-journal-lost') witnessedLosses++;
  const lostJournals = Math.max(st?.agents.journalsLost ?? 0, witnessedLosses);
  if (lostJournals > 0)
    violations.push({
      code: 'SLOT_JOURNAL_LOST',
      session: id,
      severity: 'error',
      message: `${id}'s agent-slot journal (.git/s2/hook-cache) was found removed, edited or replaced ${lostJournals === 1 ? 'once' : `${lostJournals} times`}: sub-agent slots counted only there were dropped, so ${id} may run more agents than its cap of ${sp.maxAgents} (its witness log says when)`,
    });
  if (stale)
    violations.push({
      code: 'STALE_HEARTBEAT',
      session: id,
      severity: 'warning',
      message: `${id} has not sent a heartbeat for ${formatAge(heartbeatAgeSeconds(st, now))}`,
    });
  const awaitingInput = current > sp.phaseCount ? null : awaitingInputOf(plan, st, now);
  if (awaitingInput?.stuck)
    violations.push({
      code: 'AWAITING_INPUT',
      session: id,
      severity: 'warning',
      message: `${id} has waited for a person for ${formatAge(awaitingInput.ageSeconds)}: ${awaitingInput.message}`,
    });
  const blockedBy = (index.edgesFrom.get(id) ?? []).map((e) => formatPhaseRef({ session: e.to, phase: e.toPhase }));
  const claim = index.claimOf.get(id) ?? null;
  const own = table.get(id)!;
  const adopted = index.adopterOf.get(id);
  const open = (n: PhaseRef): boolean => !satisfiesNeed(table.get(n.session)?.get(n.phase), plan);
  const phases: PhaseView[] = sp.phases.map((pp) => {
    const c = own.get(pp.phase);
    const unmet = pp.needs.some(open) ? pp.needs.filter(open).map(formatPhaseRef) : NO_REFS;
    let state: PhaseState;
    if (c?.valid)
      state = c.verification === 'disputed' ? 'disputed' : c.verification === 'verified' ? 'verified' : 'done';
    else if (c) state = 'invalid';
    else if (pp.phase === current) {
      const started = st && st.phase === pp.phase && st.state !== 'idle';
      if (st?.state === 'error' && started) state = 'error';
      else if (blockedBy.length || unmet.length) state = 'blocked';
      else if (started && stale) state = 'stalled';
      else if (started) state = 'in-progress';
      else state = 'ready';
    } else state = 'not-started';
    return {
      phase: pp.phase,
      title: pp.title,
      state,
      needs: pp.needs.length ? pp.needs.map(formatPhaseRef) : NO_REFS,
      blockedBy:
        pp.phase === current && (unmet.length || blockedBy.length) ? [...new Set([...unmet, ...blockedBy])] : unmet,
      verification: c ? c.verification : 'none',
      verifiedBy: c?.verifiedBy ?? NO_REFS,
      commit: c && c.author !== 'manifest' ? c.record.commit : null,
      completedBy: c ? c.author : null,
      dispute: c?.dispute ?? null,
      adoptedBy: adopted?.get(pp.phase) ?? null,
    };
  });
  let state: DisplayState;
  if (current > sp.phaseCount) state = 'done';
  else if (!st) state = blockedBy.length ? 'blocked' : current > 1 ? 'idle' : 'not-started';
  else if (stale) state = 'stale';
  else if (st.state === 'error') state = 'error';
  else if (claim) state = 'helping';
  else if (blockedBy.length) state = 'blocked';
  // A declared `helping` without a live claim (lapsed, or its blocker done) is no longer helping.
  else state = st.state === 'blocked' || st.state === 'done' || st.state === 'helping' ? 'working' : st.state;
  const instructions = index.instructionsOf.get(id) ?? [];
  // The set of acknowledged instructions only when there is something to look up in it.
  const acked = instructions.length && s?.acks.length ? new Set(s.acks.map((a) => a.instruction)) : null;
  return {
    id,
    title: sp.title,
    branch: sp.branch,
    expertise: sp.expertise,
    phase: current,
    phaseCount: sp.phaseCount,
    completedPhases: current - 1,
    state,
    declaredState: st?.state ?? null,
    startedPhase: st?.phaseStartedAt ? st.phase : null,
    heartbeatAgeSeconds: heartbeatAgeSeconds(st, now),
    stale,
    spendUsd: budget.spendUsd,
    meteredUsd: budget.meteredUsd,
    reportedUsd: budget.reportedUsd,
    budgetUsd: budget.capUsd,
    budgetFraction: budget.fraction,
    agentsRunning: running,
    maxAgents: sp.maxAgents,
    blockedBy,
    waitReasons: Object.fromEntries((st?.blockedOn ?? []).map((b) => [b.on, b.reason])),
    blocks: [...(index.waiters.get(id) ?? [])],
    transitiveBlocks: index.blockerOf.get(id)?.transitive ?? 0,
    helping: claim ? { ...claim, active: true } : null,
    attempts: attemptsOf(st, current, plan.polling.maxAttempts),
    pendingInstructions: instructions.filter((i) => !acked?.has(i.id)).map((i) => i.id),
    awaitingInput,
    recordsTip: s?.recordsTip ?? null,
    workTip: s?.workTip ?? null,
    phases,
  };
}
