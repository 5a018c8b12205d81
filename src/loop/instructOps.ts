/**
 * `s2 instruct SESSION:PHASE --file F`: writes a phase instruction signed by an approver
 * (--as) or by the coordinator session running it, and commits it on the coordination
 * branch, which must be checked out here (the person's checkout, as for s2 init).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { S2Error } from '../core/errors';
import { signInstruction } from '../core/instructionSignature';
import { sessionPlan, SwarmPlan } from '../core/manifest';
import type { PhaseRef } from '../core/phaseRef';
import { loadApproverKey, PassphraseSource } from '../git/approverKeys';
import { commitPaths } from '../git/commitPaths';
import { loadPrivateKey } from '../git/keyStore';
import type { SwarmSession } from './swarmSession';
import { runTask } from '../git/runTask';
import { revParse } from '../git/tasks/refTasks';

export const instructionPath = (session: string, phase: number): string =>
  `.s2/instructions/${session}/phase-${phase}.md`;

/** The signer and its key: an approver of the manifest in effect, or a coordinator session. */
export async function instructionSigner(
  s: SwarmSession,
  plan: SwarmPlan,
  as: string | null,
  ask?: PassphraseSource,
): Promise<{ by: string; key: string }> {
  if (as) {
    if (!plan.approvers[as])
      throw new S2Error(
        'REFUSED',
        `${as} is not an approver of the manifest in effect (approvers: ${Object.keys(plan.approvers).join(', ') || 'none'})`,
      );
    return { by: as, key: await loadApproverKey(plan.swarm, as, s.env, ask) };
  }
  const me = s.session ? sessionPlan(plan, s.session) : undefined;
  if (!me?.coordinator)
    throw new S2Error(
      'REFUSED',
      'instructions are signed by an approver (--as APPROVER) or by a session the approved manifest names coordinator: true',
    );
  return { by: me.id, key: await loadPrivateKey(plan.swarm, me.id, s.env) };
}

export async function instruct(
  s: SwarmSession,
  ref: PhaseRef,
  text: string,
  as: string | null,
  ask?: PassphraseSource,
): Promise<{ path: string; commit: string; by: string }> {
  const { snapshot } = await s.view();
  const plan = snapshot.plan;
  const target = sessionPlan(plan, ref.session);
  if (!target)
    throw new S2Error(
      'UNKNOWN_SESSION',
      `no session "${ref.session}" in the manifest in effect (sessions: ${plan.sessions.map((x) => x.id).join(', ')})`,
    );
  if (ref.phase < 1 || ref.phase > target.phaseCount)
    throw new S2Error('USAGE', `${ref.session} has phases 1..${target.phaseCount}, not ${ref.phase}`);
  const coord = await s.reader.coordination();
  if (s.ctx.currentBranch !== coord.branch)
    throw new S2Error(
      'USAGE',
      `instructions are committed on the coordination branch ${coord.branch}, but ${s.ctx.root} has ${s.ctx.currentBranch ?? 'a detached HEAD'} checked out; run s2 instruct from a checkout of ${coord.branch} (--repo DIR)`,
    );
  const signer = await instructionSigner(s, plan, as, ask);
  const rel = instructionPath(ref.session, ref.phase);
  const file = path.join(s.ctx.root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, signInstruction(text, ref.session, ref.phase, signer.by, signer.key));
  await commitPaths(s.ctx.root, [rel], `s2: instruction for ${ref.session}:${ref.phase} (signed by ${signer.by})`, {
    allowEmpty: true,
  });
  const commit = await runTask(revParse('HEAD'), s.ctx.root);
  return { path: rel, commit, by: signer.by };
}
