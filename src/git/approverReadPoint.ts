import type { RecordProblem } from '../core/snapshot';
import { approverRef } from '../core/records';
import { S2Error } from '../core/errors';
import { approverSealId } from './approverSeal';
import type { CatFileBatch } from './catFile';
import { lastSealed } from './lastSealed';

/**
 * Where to read an approver's branch: its tip when the approver sealed it, else the
 * approver's last sealed commit (commits on top were not produced by the approver:
 * FOREIGN_COMMIT), or nothing when no sealed commit is within reach. A branch with no seal
 * anywhere (written before approver seals) is read at its tip, as before.
 */
export async function approverReadPoint(
  cat: CatFileBatch,
  tip: string,
  approver: string,
  publicKey: string | undefined,
  problems: RecordProblem[],
): Promise<string | null> {
  const id = approverSealId(approver);
  const st = await lastSealed(cat, tip, id, publicKey);
  if (st.unreadable)
    throw new S2Error('GIT_FAILED', `commit ${st.unreadable.slice(0, 12)} in its history is missing or not a commit`);
  if (st.legacy || st.foreign.length === 0) return tip;
  const ids = st.foreign.slice(0, 3).map((c) => c.slice(0, 12));
  problems.push({
    code: 'FOREIGN_COMMIT',
    session: id,
    message: `${st.foreign.length} commit(s) on ${approverRef(approver)} were not sealed by ${approver} (${ids.join(', ')}${st.foreign.length > 3 ? ', …' : ''}): someone else wrote them; ${st.sealed ? `its approvals are read at ${st.sealed.slice(0, 12)}, the last commit ${approver} sealed, and its next approval rebuilds from there` : `no commit sealed by ${approver} is within reach, so none of its approvals are read`}`,
  });
  return st.sealed;
}
