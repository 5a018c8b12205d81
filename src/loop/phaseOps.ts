import { S2Error } from '../core/errors';
import { canCompletePhase, canStartPhase, GuardResult } from '../core/guards';
import { sessionPlan, type SwarmPlan } from '../core/manifest';
import type { CommandResult } from '../core/records';
import { computeView } from '../core/view';
import type { SwarmView } from '../core/viewTypes';
import { runChecks } from './commandRunner';
import type { SwarmSession } from './swarmSession';

/**
 * The phase validation protocol: start only through canStartPhase, complete only after the
 * phase's validation commands pass; a failure is recorded, counted, and after maxAttempts
 * puts the phase in `error` for a person.
 */
export function refuse(what: string, g: GuardResult): never {
  if (g.ok) throw new Error('refuse() called with ok');
  throw new S2Error('REFUSED', `${what} refused:\n${g.reasons.map((r) => `  - ${r}`).join('\n')}`, {
    reasons: g.reasons,
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
    const toVerify = g.reasons.map((r) => /run: s2 verify (\S+)\)/.exec(r)?.[1]).filter((x): x is string => !!x);
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
  const sp = sessionPlan(snapshot.plan, me)!;
  const commit = await s.reader.resolve(`refs/heads/${sp.branch}`);
  if (!commit)
    throw new S2Error(
      'COMMIT_MISSING',
      `${me}'s work branch ${sp.branch} does not exist in ${s.ctx.root}; commit your work on it first`,
    );
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
  const reasons: string[] = [];
  if (!held) reasons.push(`${me} holds no adoption of ${target}:${phase} (run: s2 adopt ${target}:${phase})`);
  if (owner.phase !== phase) reasons.push(`${target}'s open phase is ${owner.phase}, not ${phase}`);
  if (reasons.length) refuse(`complete-phase ${target}:${phase}`, { ok: false, reasons });
  const mine = sessionPlan(snapshot.plan, me)!;
  const commit = await s.reader.resolve(`refs/heads/${mine.branch}`);
  if (!commit)
    throw new S2Error(
      'COMMIT_MISSING',
      `${me}'s work branch ${mine.branch} does not exist; commit the adopted work on it first`,
    );
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

export async function resetPhase(s: SwarmSession, phase: number): Promise<void> {
  const { snapshot } = await s.view();
  const store = await s.store(snapshot.plan);
  await store.commit({
    status: (st) => {
      const attempts = { ...st.attempts };
      delete attempts[String(phase)];
      return { ...st, state: 'working', attempts };
    },
    witness: { action: 'reset-phase', detail: String(phase) },
    message: `reset phase ${phase} after error`,
  });
}

export async function declareBlock(s: SwarmSession, on: string | null, reason: string): Promise<SwarmView> {
  const { snapshot, view } = await s.view();
  // Cleared: back to work on an open phase, or idle after a completed one (never "working" on a done phase).
  const open = view.sessions.find((x) => x.id === s.session)?.phase ?? 0;
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
            state: st.state === 'blocked' ? (st.phase < open ? 'idle' : 'working') : st.state,
            heartbeatAt: at,
            blockedOn: [],
          },
    witness: { action: on ? 'block' : 'unblock', detail: on ? `${on}: ${reason}` : '' },
    message: on ? `blocked on ${on}: ${reason}` : 'clear declared blocks',
  });
  return computeView(await s.snapshot(), s.now());
}
