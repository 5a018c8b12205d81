import { S2Error } from '../core/errors';
import type { SwarmSession } from './swarmSession';

/** A session's instruction for one phase, as the coordination branch holds it. */
export interface CurrentInstruction {
  readonly session: string;
  readonly phase: number;
  /** null when the coordination branch has no instruction file for that phase. */
  readonly instruction: {
    readonly id: string;
    readonly path: string;
    /** Not yet acknowledged by the session (a new instruction). */
    readonly pending: boolean;
    readonly text: string;
  } | null;
}

/**
 * The instruction of this session's current phase (the first without a valid completion), or
 * of `phase`: read from the snapshot's coordination tip, never from the working tree, so an
 * agent sees what the approvers committed, not a local edit.
 */
export async function currentInstruction(s: SwarmSession, phase?: number): Promise<CurrentInstruction> {
  const { snapshot, view } = await s.view();
  const me = s.requireSession(snapshot.plan);
  const mine = view.sessions.find((x) => x.id === me)!;
  const n = phase ?? Math.min(mine.phase, mine.phaseCount);
  if (!Number.isInteger(n) || n < 1 || n > mine.phaseCount)
    throw new S2Error('USAGE', `${me} has phases 1 to ${mine.phaseCount}, not ${phase}`);
  const info = snapshot.instructions.find((i) => i.session === me && i.phase === n);
  if (!info) return { session: me, phase: n, instruction: null };
  return {
    session: me,
    phase: n,
    instruction: {
      id: info.id,
      path: info.path,
      pending: mine.pendingInstructions.includes(info.id),
      text: await s.reader.blobText(info.blob),
    },
  };
}
