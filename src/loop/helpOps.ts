/**
 * Help is a lease recorded in the helper's own status: it names the blocker's phase, the
 * task, and the helper's work-branch tip at the claim, so the view can tell progress (a
 * commit) from a claim that only attracts attention.
 */
import { sessionPlan, type SwarmPlan } from '../core/manifest';
import { S2Error } from '../core/errors';
import { canAdopt, canHelp, falseBlockerRefusal } from '../core/guards';
import { formatPhaseRef, parsePhaseRef, PhaseRef } from '../core/phaseRef';
import type { HelpClaim } from '../core/records';
import { refusal } from '../core/refusal';
import { refuse } from './phaseOps';
import type { SwarmSession } from './swarmSession';

export async function claimHelp(s: SwarmSession, target: string, task: string | null): Promise<HelpClaim> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  let ref: PhaseRef;
  if (/:/.test(target)) ref = parsePhaseRef(target);
  else {
    const b = view.blockers.find((x) => x.session === target);
    if (!b) refuse(`help ${target}`, [falseBlockerRefusal(target)]);
    ref = parsePhaseRef(b.phases[0]!);
  }
  const planned = view.gangUp
    .find((g) => g.blocker === ref.session && g.phase === ref.phase)
    ?.tasks.find((t) => t.helper === me && !t.claimed);
  const chosenTask = task ?? planned?.task ?? null;
  if (!chosenTask)
    throw new S2Error(
      'USAGE',
      `say what you will do with --task TEXT (no gang-up task for ${me} on ${formatPhaseRef(ref)})`,
    );
  const g = canHelp(view, snapshot.plan, me, ref, chosenTask);
  if (!g.ok) refuse(`help ${formatPhaseRef(ref)}`, g);
  return writeClaim(s, snapshot.plan, ref, chosenTask, planned?.side ?? 'provider');
}

/** Take this session's best gang-up task from the plan, or say why there is none. */
export async function autoHelp(s: SwarmSession): Promise<HelpClaim> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  for (const plan of view.gangUp) {
    const t = plan.tasks.find((x) => x.helper === me && !x.claimed);
    if (!t) continue;
    const ref = { session: plan.blocker, phase: plan.phase };
    const g = canHelp(view, snapshot.plan, me, ref, t.task);
    if (g.ok) return writeClaim(s, snapshot.plan, ref, t.task, t.side);
  }
  const mine = view.sessions.find((x) => x.id === me)!;
  const why = mine.helping
    ? refusal('ALREADY_HELPING', `${me} already helps ${mine.helping.session}:${mine.helping.phase}`)
    : !view.blockers.length
      ? refusal('NO_HELP_TASK', 'no session blocks another')
      : !mine.blockedBy.length
        ? refusal(
            'NO_HELP_TASK',
            `${me} is not blocked; gang-up tasks go to the sessions a blocker keeps waiting (or help one explicitly: s2 help SESSION --task TEXT)`,
          )
        : refusal('NO_HELP_TASK', `every task on ${mine.blockedBy.join(', ')} is taken or its helper cap is reached`);
  refuse('help --auto', [why]);
}

/** Writes the claim; `plan` is the one the guards just checked (no second snapshot read). */
async function writeClaim(
  s: SwarmSession,
  plan: SwarmPlan,
  ref: PhaseRef,
  task: string,
  side: 'provider' | 'consumer',
): Promise<HelpClaim> {
  const me = s.requireSession(plan);
  const sp = sessionPlan(plan, me)!;
  const claim: HelpClaim = {
    session: ref.session,
    phase: ref.phase,
    task,
    side,
    claimedAt: s.now().toISOString(),
    leaseSeconds: plan.polling.helpLeaseSeconds,
    workTipAtClaim: await s.reader.tipOf(sp.branch, true),
  };
  const store = await s.store(plan);
  await store.commit({
    status: (st) => ({ ...st, helping: claim, heartbeatAt: claim.claimedAt }),
    witness: { action: 'help', detail: `${formatPhaseRef(ref)}: ${task}` },
    message: `help ${formatPhaseRef(ref)}: ${task}`,
  });
  return claim;
}

export async function releaseHelp(s: SwarmSession): Promise<void> {
  const { snapshot } = await s.view();
  const store = await s.store(snapshot.plan);
  await store.commit({
    status: (st) => ({ ...st, helping: null }),
    witness: { action: 'help-release', detail: '' },
    message: 'release help claim',
  });
}

export async function adoptPhase(s: SwarmSession, refText: string): Promise<PhaseRef> {
  const ref = parsePhaseRef(refText);
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const g = canAdopt(view, snapshot.plan, me, ref);
  if (!g.ok) refuse(`adopt ${refText}`, g);
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  await store.commit({
    status: (st) => ({
      ...st,
      adopted: [
        ...st.adopted.filter((a) => !(a.session === ref.session && a.phase === ref.phase)),
        { session: ref.session, phase: ref.phase, at },
      ],
    }),
    witness: { action: 'adopt', detail: refText },
    message: `adopt ${refText}`,
  });
  return ref;
}
