import { verifyInstruction } from '../core/instructionSignature';
import type { SwarmPlan } from '../core/manifest';
import type { RecordProblem } from '../core/snapshot';

/**
 * Who may instruct a session: the approvers of the manifest in effect and the sessions it
 * names as coordinators. An instruction signed by anyone else, or not at all, is reported
 * (INSTRUCTION_UNSIGNED) and left out of the snapshot, so no loop ever hands it to an executor.
 * Verdicts are cached by blob id and signer set: a blob never changes.
 */
export class InstructionTrust {
  private readonly verdicts = new Map<string, RecordProblem | null>();
  private signersFor: { plan: SwarmPlan; signers: Record<string, string | undefined>; key: string } | null = null;

  private signers(plan: SwarmPlan): { signers: Record<string, string | undefined>; key: string } {
    if (this.signersFor?.plan === plan) return this.signersFor;
    const signers: Record<string, string | undefined> = {};
    for (const [id, a] of Object.entries(plan.approvers)) signers[id] = a.publicKey;
    for (const s of plan.sessions) if (s.coordinator && !(s.id in signers)) signers[s.id] = s.publicKey;
    const key = Object.entries(signers)
      .map(([id, pem]) => `${id}=${pem ?? ''}`)
      .join('|');
    this.signersFor = { plan, signers, key };
    return this.signersFor;
  }

  /** Null when the instruction may be acted on; else the problem to report. */
  check(
    plan: SwarmPlan,
    blob: string,
    text: () => Promise<string>,
    session: string,
    phase: number,
    path: string,
  ): Promise<RecordProblem | null> {
    const { signers, key } = this.signers(plan);
    const cacheKey = `${blob}|${session}|${phase}|${key}`;
    if (this.verdicts.has(cacheKey)) return Promise.resolve(this.verdicts.get(cacheKey)!);
    return text().then(
      (t) => {
        const v = verifyInstruction(t, session, phase, signers);
        const problem: RecordProblem | null = v.ok
          ? null
          : {
              code: 'INSTRUCTION_UNSIGNED',
              session,
              path,
              message: `${path}: ${v.reason}; it is not handed to ${session}'s executor (an approver writes instructions with s2 instruct ${session}:${phase} --file F --as APPROVER)`,
            };
        this.verdicts.set(cacheKey, problem);
        return problem;
      },
      () => ({ code: 'INSTRUCTION_UNSIGNED' as const, session, path, message: `${path}: unreadable; ignored` }),
    );
  }
}
