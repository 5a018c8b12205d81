/**
 * Approver branches (`s2/approvals/<id>`: budget approvals and manifest approvals) are sealed
 * like session branches (recordSeal.ts), with the approver's key: a fast-forward commit by
 * anyone with push access that truncates, deletes or replays an approver's records is not
 * sealed, so readers read the approver's last sealed commit and report FOREIGN_COMMIT, and
 * the approver's next write rebuilds from there. The seal names `approver:<id>`, never a
 * bare id, so a seal can never be taken for a session's.
 */
import { createPublicKey } from 'node:crypto';
import type { SealSigner } from './recordWriter';

export const approverSealId = (approver: string): string => `approver:${approver}`;

export function approverSealSigner(approver: string, privateKeyPem: string): SealSigner {
  return {
    session: approverSealId(approver),
    privateKey: privateKeyPem,
    publicKey: createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString(),
    repair: true,
  };
}
