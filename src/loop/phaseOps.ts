/**
 * The phase validation protocol: start only through canStartPhase, complete only after the
 * phase's validation commands pass; a failure is recorded, counted, and after maxAttempts
 * puts the phase in `error` for a person.
 */
import { S2Error } from '../core/errors';
import { canCompletePhase, canStartPhase, GuardResult, notOpenPhaseRefusal } from '../core/guards';
import { sessionPlan, type SwarmPlan } from '../core/manifest';
import type { CommandResult } from '../core/records';
import { refusal, refusalLine, type Refusal } from '../core/refusal';
import { computeView } from '../core/view';
import type { SwarmView } from '../core/viewTypes';
import { uncommittedChanges } from '../git/workingTree';
import { runChecks } from './commandRunner';
import type { SwarmSession } from './swarmSession';

/**
 * Throw a guard's refusal as the one REFUSED error every face renders: the message lists
 * each reason's line, `data.reasons` the sentences (what scripts have always read) and
 * `data.refusals` the typed reasons with their codes.
 */
export function refuse(what: string, g: GuardResult | readonly Refusal[]): never {
  const reasons = 'ok' in g ? (g.ok ? [] : g.reasons) : g;
  if (!reasons.length) throw new Error('refuse() called with no reason');
  throw new S2Error('REFUSED', `${what} refused:\n${reasons.map((r) => `  - ${refusalLine(r)}`).join('\n')}`, {
    reasons: reasons.map((r) => r.text),
    refusals: reasons,
  });
}

export interface StartOptions {
  /** Verify unverified needs before refusing (default true). */
  readonly autoVerify?: boolean;
  readonly verify?: (ref: string) => Promise<unknown>;
}

export async function startPhase(
  s: SwarmSession,
  phase: number,
  o: StartOptions = {},
): Promise<{ view: SwarmView; phase: number }> {
  let { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const ctx = { currentBranch: s.ctx.currentBranch };
  let g = canStartPhase(view, snapshot.plan, me, phase, ctx);
  if (!g.ok && o.autoVerify !== false && o.verify) {
    const toVerify = g.reasons.flatMap((r) => (r.code === 'NEED_UNVERIFIED' && r.ref ? [r.ref] : []));
    if (toVerify.length) {
      for (const ref of toVerify) await o.verify(ref);
      ({ snapshot, view } = await s.view());
      g = canStartPhase(view, snapshot.plan, me, phase, ctx);
    }
  }
  if (!g.ok) refuse(`start-phase ${phase}`, g);
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  await store.commit({
    status: (st) => ({
      ...st,
      state: 'working',
      phase,
      phaseStartedAt: at,
      heartbeatAt: at,
      blockedOn: [],
      wantsHelp: false,
    }),
    witness: { action: 'start-phase', detail: String(phase) },
    message: `start phase ${phase}`,
  });
  return { view, phase };
}

export interface CompleteResult {
  readonly passed: boolean;
  readonly validations: readonly CommandResult[];
  readonly commit: string;
  readonly attempts: number;
  readonly error: boolean;
}

export async function completePhase(s: SwarmSession, phase: number): Promise<CompleteResult> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const g = canCompletePhase(view, me, phase);
  if (!g.ok) refuse(`complete-phase ${phase}`, g);
  const used = snapshot.sessions[me]?.status?.attempts[String(phase)]?.count ?? 0;
  if (used >= snapshot.plan.polling.maxAttempts)
    refuse(`complete-phase ${phase}`, [
      refusal(
        'PHASE_IN_ERROR',
        `phase ${phase} failed ${used} times (maxAttempts ${snapshot.plan.polling.maxAttempts}) and is in error; a person must look at it and run: s2 reset-phase ${phase}`,
      ),
    ]);
  const sp = sessionPlan(snapshot.plan, me)!;
  const commit = await committedTip(s, sp.branch, `complete-phase ${phase}`);
  const pp = sp.phases[phase - 1]!;
  const { passed, results: validations } = await runChecks(pp.validate, s.ctx.root, pp.timeoutSeconds, s.env);
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  if (passed) {
    await store.writeCompletion(
      { kind: 'completion', session: me, phase, commit, completedAt: at, validations },
      (st) => {
        const attempts = { ...st.attempts };
        delete attempts[String(phase)];
        return {
          ...st,
          state: phase === sp.phaseCount ? 'done' : 'idle',
          phase,
          heartbeatAt: at,
          attempts,
          blockedOn: [],
        };
      },
    );
    return { passed, validations, commit, attempts: 0, error: false };
  }
  const failed = validations[validations.length - 1]!;
  const why = `\`${failed.command}\` ${failed.timedOut ? 'timed out' : `exited ${failed.exitCode}`}`;
  const { count, error } = await recordFailedAttempt(s, snapshot.plan, phase, why, {
    action: 'validation-failed',
    working: true,
  });
  return { passed, validations, commit, attempts: count, error };
}

/**
 * Replace this session's disputed completion of `phase` with a new commit after a fix: the
 * same checks as complete-phase (work branch, nothing uncommitted, validation), then a new
 * signed record naming the new commit and carrying every superseded commit with its dispute.
 * Verifications of the old commit stay in the verifiers' records; the new one starts
 * unverified, so `s2 verify SESSION:N` checks the new commit.
 */
export async function supersedeCompletion(s: SwarmSession, phase: number): Promise<CompleteResult> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const pv = view.sessions.find((x) => x.id === me)!.phases[phase - 1]!;
  const old = snapshot.sessions[me]?.completions.find((c) => c.phase === phase && !c.forSession);
  if (!old || pv.completedBy !== me || !['disputed', 'invalid'].includes(pv.state))
    refuse(`complete-phase ${phase} --supersede`, [
      old
        ? refusal(
            'NOT_DISPUTED',
            `phase ${phase} is ${pv.state}, not disputed; only a disputed completion is superseded`,
          )
        : refusal(
            'NOTHING_TO_SUPERSEDE',
            `${me} has no completion of phase ${phase} to supersede (run: s2 complete-phase ${phase})`,
          ),
    ]);
  const sp = sessionPlan(snapshot.plan, me)!;
  const commit = await committedTip(s, sp.branch, `complete-phase ${phase} --supersede`);
  if (commit === old.commit)
    refuse(`complete-phase ${phase} --supersede`, [
      refusal(
        'UNCHANGED_COMMIT',
        `${sp.branch} is still at the disputed commit ${commit.slice(0, 12)}; commit the fix first`,
      ),
    ]);
  const pp = sp.phases[phase - 1]!;
  const { passed, results: validations } = await runChecks(pp.validate, s.ctx.root, pp.timeoutSeconds, s.env);
  if (passed) {
    const at = s.now().toISOString();
    const supersedes = [
      ...(old.supersedes ?? []),
      { commit: old.commit, completedAt: old.completedAt, dispute: pv.dispute ?? pv.state },
    ];
    await (
      await s.store(snapshot.plan)
    ).writeCompletion(
      { kind: 'completion', session: me, phase, commit, completedAt: at, validations, supersedes },
      (st) => ({
        ...st,
        heartbeatAt: at,
      }),
    );
  }
  return { passed, validations, commit, attempts: passed ? 0 : 1, error: false };
}

/**
 * The commit a completion names, and the guarantee that the checks judge exactly it: the
 * checkout must be on the session's work branch (as for start-phase) with nothing
 * uncommitted, or an untracked file could pass a check that the signed commit would fail.
 */
async function committedTip(s: SwarmSession, branch: string, what: string): Promise<string> {
  if (s.ctx.currentBranch !== branch)
    refuse(what, [
      refusal(
        'WRONG_BRANCH',
        `the checkout ${s.ctx.root} is on ${s.ctx.currentBranch ?? '(detached HEAD)'}, not on the work branch ${branch}; run it in the session's worktree (git switch ${branch})`,
      ),
    ]);
  const commit = await s.reader.resolve(`refs/heads/${branch}`);
  if (!commit)
    throw new S2Error(
      'COMMIT_MISSING',
      `the work branch ${branch} has no commit in ${s.ctx.root}; commit your work first`,
    );
  const dirty = await uncommittedChanges(s.ctx.root);
  if (dirty.length)
    refuse(what, [
      refusal(
        'UNCOMMITTED_CHANGES',
        `${dirty.length} uncommitted change(s) in ${s.ctx.root}; the completion names commit ${commit.slice(0, 12)}, so commit (or stash) first:\n${dirty
          .slice(0, 10)
          .map((l) => `      ${l}`)
          .join('\n')}${dirty.length > 10 ? `\n      … and ${dirty.length - 10} more` : ''}`,
      ),
    ]);
  return commit;
}

/**
 * Count a failed attempt at `phase` (validation or executor); at maxAttempts the session goes
 * to `error` and waits for a person. `working` also marks the session working and alive.
 */
export async function recordFailedAttempt(
  s: SwarmSession,
  plan: SwarmPlan,
  phase: number,
  why: string,
  o: { action: string; working: boolean },
): Promise<{ count: number; error: boolean }> {
  const store = await s.store(plan);
  const at = s.now().toISOString();
  let count = 0;
  let error = false;
  await store.commit({
    status: (st) => {
      count = (st.attempts[String(phase)]?.count ?? 0) + 1;
      error = count >= plan.polling.maxAttempts;
      const state = error ? 'error' : o.working ? 'working' : st.state;
      return {
        ...st,
        state,
        ...(o.working ? { heartbeatAt: at } : {}),
        attempts: { ...st.attempts, [String(phase)]: { count, lastError: why, at } },
      };
    },
    witness: { action: o.action, detail: `${phase}: ${why}` },
    message: `phase ${phase} ${o.action === 'validation-failed' ? 'validation failed' : 'attempt failed'}: ${why}`,
  });
  return { count, error };
}

/**
 * Complete a stuck session's phase that this session adopted (`s2 adopt`): the adopted
 * phase's validation runs in the adopter's checkout, and the completion — the adopter's work
 * commit, signed by the adopter, `forSession` the owner — counts for the owner's phase.
 */
export async function completeAdoptedPhase(s: SwarmSession, target: string, phase: number): Promise<CompleteResult> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const owner = view.sessions.find((x) => x.id === target);
  if (!owner) throw new S2Error('UNKNOWN_SESSION', `no session "${target}" in the manifest`);
  const held = (snapshot.sessions[me]?.status?.adopted ?? []).some((a) => a.session === target && a.phase === phase);
  const reasons: Refusal[] = [];
  if (!held)
    reasons.push(
      refusal(
        'NOT_ADOPTED',
        `${me} holds no adoption of ${target}:${phase} (run: s2 adopt ${target}:${phase})`,
        `${target}:${phase}`,
      ),
    );
  if (owner.phase !== phase) reasons.push(notOpenPhaseRefusal(target, owner.phase, phase));
  if (reasons.length) refuse(`complete-phase ${target}:${phase}`, reasons);
  const mine = sessionPlan(snapshot.plan, me)!;
  const commit = await committedTip(s, mine.branch, `complete-phase ${target}:${phase}`);
  const pp = sessionPlan(snapshot.plan, target)!.phases[phase - 1]!;
  const { passed, results: validations } = await runChecks(pp.validate, s.ctx.root, pp.timeoutSeconds, s.env);
  if (passed) {
    const store = await s.store(snapshot.plan);
    await store.writeCompletion(
      {
        kind: 'completion',
        session: me,
        forSession: target,
        phase,
        commit,
        completedAt: s.now().toISOString(),
        validations,
      },
      (st) => st,
    ); // the adoption record stays: it is what makes this completion count
  }
  return { passed, validations, commit, attempts: passed ? 0 : 1, error: false };
}

/**
 * A person clears the failed attempts of the open phase so it can be retried. Refused for a
 * phase that is complete or not open: resetting those would only make the status claim work
 * the records contradict (PHASE_REPEATED), a state no command could leave.
 */
export async function resetPhase(s: SwarmSession, phase: number): Promise<{ cleared: number }> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const mine = view.sessions.find((x) => x.id === me)!;
  const pv = mine.phases[phase - 1]!;
  if (['verified', 'done', 'disputed'].includes(pv.state))
    refuse(`reset-phase ${phase}`, [
      refusal(
        'PHASE_REPEATED',
        `phase ${phase} is complete (${pv.state}); there are no attempts to clear${pv.state === 'disputed' ? ` (to replace a disputed completion: fix, commit, then s2 complete-phase ${phase} --supersede)` : ''}`,
      ),
    ]);
  if (phase !== mine.phase)
    refuse(`reset-phase ${phase}`, [
      refusal(
        'NOT_OPEN_PHASE',
        `phase ${mine.phase} is the open phase of ${me}; phase ${phase} has no attempts to clear`,
      ),
    ]);
  const cleared = snapshot.sessions[me]?.status?.attempts[String(phase)]?.count ?? 0;
  const store = await s.store(snapshot.plan);
  await store.commit({
    status: (st) => {
      const attempts = { ...st.attempts };
      delete attempts[String(phase)];
      return { ...st, state: st.state === 'error' ? (st.phase === phase ? 'working' : 'idle') : st.state, attempts };
    },
    witness: { action: 'reset-phase', detail: String(phase) },
    message: `reset phase ${phase} after error`,
  });
  return { cleared };
}

/**
 * Declare a wait on another session's phase, or withdraw every declared wait. Withdrawing
 * returns the session to what the records say it does: working on its open phase if it had
 * started it, idle otherwise (never "working" on a phase that is already complete).
 */
export async function declareBlock(s: SwarmSession, on: string | null, reason: string): Promise<SwarmView> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const open = view.sessions.find((x) => x.id === me)!.phase;
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  await store.commit({
    status: (st) =>
      on
        ? {
            ...st,
            state: 'blocked',
            heartbeatAt: at,
            blockedOn: [...st.blockedOn.filter((b) => b.on !== on), { on, reason, since: at }],
          }
        : {
            ...st,
            state: st.state === 'blocked' ? (st.phase === open && st.phaseStartedAt ? 'working' : 'idle') : st.state,
            heartbeatAt: at,
            blockedOn: [],
          },
    witness: { action: on ? 'block' : 'unblock', detail: on ? `${on}: ${reason}` : '' },
    message: on ? `blocked on ${on}: ${reason}` : 'clear declared blocks',
  });
  return computeView(await s.snapshot(), s.now());
}
