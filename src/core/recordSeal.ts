/**
 * The seal binds a session's whole record set to its owner: every commit a session writes on
 * `s2/sessions/<id>` carries, in its message, the owner's Ed25519 signature over the commit's
 * root tree, its parents and a sequence number. The tree covers every record byte for byte,
 * the parents pin where in the history it sits: a commit that deletes, truncates or replays
 * records (even a fast-forward), or re-parents an old state, is not sealed by the owner, and
 * readers read the owner's last sealed commit instead (docs/TRUST.md, "Records and refs").
 */
import { signRecord, verifyRecord } from './signing';

export const SEAL_TRAILER = 's2-seal';

export interface SealFacts {
  readonly session: string;
  readonly tree: string;
  readonly parents: readonly string[];
  /** 1 for the first sealed commit, then the parent's seal + 1. */
  readonly seq: number;
}

function sealRecord(f: SealFacts): Record<string, unknown> {
  return { kind: 'seal', session: f.session, tree: f.tree, parents: [...f.parents], seq: f.seq };
}

/** The trailer line to append to the commit message: `s2-seal: <seq> <signature>`. */
export function sealTrailer(f: SealFacts, privateKeyPem: string): string {
  const signed = signRecord(sealRecord(f), f.session, privateKeyPem);
  return `${SEAL_TRAILER}: ${f.seq} ${signed.signature.sig}`;
}

/** The seal a commit message carries, if any (the last trailer wins). */
export function parseSeal(message: string): { seq: number; sig: string } | null {
  let found: { seq: number; sig: string } | null = null;
  for (const line of message.split('\n')) {
    const m = /^s2-seal: (\d{1,12}) ([A-Za-z0-9+/=]{16,200})$/.exec(line);
    if (m) found = { seq: Number(m[1]), sig: m[2]! };
  }
  return found;
}

/** Does `sig` seal these facts under `publicKeyPem`? */
export function verifySeal(f: SealFacts, sig: string, publicKeyPem: string | undefined): boolean {
  return verifyRecord({ ...sealRecord(f), signature: { by: f.session, sig } }, publicKeyPem);
}

/** The trailer naming commits a repair stepped over: kept in history, never built on. */
export const REPAIRED_TRAILER = 's2-repaired';
