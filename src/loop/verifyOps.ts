/**
 * `s2 verify SESSION:PHASE`: merge the verifier's work branch with the completion's commit
 * without touching any checkout (`git merge-tree --write-tree`), check the merge out into a
 * temporary worktree outside the agent's checkout, run the phase's validation commands and
 * the verifier's `integrate` commands there, and sign the verdict into the verifier's own
 * records. The worktree is removed on every path out, a kill included; a verify killed
 * hard leaves a worktree that the next verify removes.
 */
import { sessionPlan } from '../core/manifest';
import { S2Error } from '../core/errors';
import { parsePhaseRef } from '../core/phaseRef';
import type { CommandResult, VerificationRecord } from '../core/records';
import { LooseObjectWriter } from '../git/gitObjects';
import { runTask } from '../git/runTask';
import { mergeTree } from '../git/tasks/mergeTreeTask';
import { runChecks } from './commandRunner';
import { removeStaleWorktrees, withTempWorktree } from '../git/tempWorktree';
import type { SwarmSession } from './swarmSession';

const WORKTREE_PREFIX = 's2-verify-';

export async function verifyCompletion(s: SwarmSession, refText: string): Promise<VerificationRecord> {
  const ref = parsePhaseRef(refText);
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  if (ref.session === me)
    throw new S2Error(
      'USAGE',
      `${me} cannot verify its own phase; another session must (a self-verification does not satisfy a need)`,
    );
  const target = view.sessions.find((x) => x.id === ref.session);
  if (!target) throw new S2Error('UNKNOWN_SESSION', `no session "${ref.session}" in the manifest`);
  const pv = target.phases[ref.phase - 1];
  if (!pv?.commit)
    throw new S2Error(
      'USAGE',
      `${refText} has no completion record to verify (state: ${pv?.state ?? 'no such phase'})`,
    );
  const commitObj = await s.reader.cat.read(pv.commit);
  if (!commitObj || commitObj.type !== 'commit')
    throw new S2Error(
      'COMMIT_MISSING',
      `${refText} names commit ${pv.commit}, which is not in this repository${s.ctx.remote ? ` (run s2 status --fetch, or git fetch ${s.ctx.remote})` : ''}`,
    );
  const mine = sessionPlan(snapshot.plan, me)!;
  const base = (await s.reader.resolve(`refs/heads/${mine.branch}`)) ?? snapshot.coordinationTip;
  await removeStaleWorktrees(s.ctx.root);
  const merge = await runTask(mergeTree(base, pv.commit), s.ctx.root);
  const at = () => s.now().toISOString();
  const record = (
    result: VerificationRecord['result'],
    commands: CommandResult[],
    detail: string,
  ): Omit<VerificationRecord, 'signature'> => ({
    kind: 'verification',
    verifier: me,
    target: ref.session,
    phase: ref.phase,
    completionCommit: pv.commit!,
    verifierCommit: base,
    result,
    at: at(),
    commands,
    detail,
  });
  const store = await s.store(snapshot.plan);
  if (!merge.clean) {
    const rec = record('conflict', [], `conflicts in ${merge.conflicts.join(', ')}`);
    await store.writeVerification(rec);
    return rec as VerificationRecord;
  }
  const tree = merge.tree;
  const completionCommit = pv.commit;
  const mergeCommit = await new LooseObjectWriter(s.ctx.objectsDir).write(
    'commit',
    mergeBody(tree, base, completionCommit, me, refText, s.now()),
  );
  return withTempWorktree(
    s.ctx.root,
    WORKTREE_PREFIX,
    mergeCommit,
    async (dir) => {
      const targetPlan = sessionPlan(snapshot.plan, ref.session)!.phases[ref.phase - 1]!;
      const { passed, results: commands } = await runChecks(
        [...targetPlan.validate, ...mine.integrate],
        dir,
        targetPlan.timeoutSeconds,
        s.env,
      );
      // Checks cut short by a stop request say nothing about the work: no verdict.
      if (s.signal?.aborted) throw new S2Error('ABORTED', `verify ${refText} was stopped; nothing was recorded`);
      const rec = record(
        passed ? 'pass' : 'fail',
        commands,
        passed
          ? `merged ${base.slice(0, 12)} + ${completionCommit.slice(0, 12)}`
          : `${commands.at(-1)!.command} failed`,
      );
      await store.writeVerification(rec);
      return rec as VerificationRecord;
    },
    s.signal,
  );
}

function mergeBody(tree: string, a: string, b: string, me: string, ref: string, when: Date): Buffer {
  const stamp = `${Math.floor(when.getTime() / 1000)} +0000`;
  return Buffer.from(
    `tree ${tree}\nparent ${a}\nparent ${b}\nauthor S2 <${me}@s2> ${stamp}\ncommitter S2 <${me}@s2> ${stamp}\n\ns2 verify ${ref} by ${me}\n`,
    'utf8',
  );
}
