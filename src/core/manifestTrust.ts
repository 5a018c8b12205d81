/**
 * The manifest is the root of trust. A manifest takes effect only when an approver of the
 * manifest in effect before it signed it (a chain, as TUF rotates its root keys); the first
 * one (the genesis) is signed by its own approvers and pinned by every clone on first use.
 * An approval names the manifest by the sha256 of its text, so it survives commits that do
 * not touch the manifest and cannot be moved to another text.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonicalJson';
import { SignatureSchema } from './records';
import { verifyRecord } from './signing';

const DIGEST = /^[0-9a-f]{64}$/;

export const ManifestApproval = z.object({
  kind: z.literal('manifest-approval'),
  approver: z.string(),
  at: z.string(),
  /** sha256 of the approved manifest text. */
  manifest: z.string().regex(DIGEST),
  /** The git blob that holds that text (where a reader finds it). */
  blob: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/),
  /** sha256 of the manifest it replaces; null for the genesis. */
  parent: z.string().regex(DIGEST).nullable(),
  /** The keys it changes against the parent, for people reading the log. */
  changed: z.array(z.string()).default([]),
  seq: z.number().int().positive(),
  prev: z.string(),
  hash: z.string(),
  signature: SignatureSchema.optional(),
});
export type ManifestApproval = z.infer<typeof ManifestApproval>;

export function manifestDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A short, stable name for a public key: `ed25519:` + the first 32 hex of sha256(SPKI DER). */
export function keyFingerprint(publicKeyPem: string): string {
  try {
    const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 32)}`;
  } catch {
    return 'invalid-key';
  }
}

/** Approver id → public key PEM, as a manifest lists them. */
export type ApproverKeys = Readonly<Record<string, string | undefined>>;

export function approverKeysOf(raw: unknown): ApproverKeys {
  const approvers = (raw as { approvers?: Record<string, { publicKey?: unknown }> } | null)?.approvers ?? {};
  const out: Record<string, string | undefined> = {};
  for (const [id, a] of Object.entries(approvers)) out[id] = typeof a?.publicKey === 'string' ? a.publicKey : undefined;
  return out;
}

/** True when `a` is signed by the approver it names, with the key `keys` lists for that approver. */
export function approvalSignedBy(a: ManifestApproval, keys: ApproverKeys): boolean {
  if (a.signature?.by !== a.approver) return false;
  return verifyRecord(a as unknown as Record<string, unknown>, keys[a.approver]);
}

/**
 * The key paths that differ between two parsed manifests (`sessions.a.budgetUsd`,
 * `executor`, `approvers.eve`), sorted. Arrays compare whole; a key present on one side only
 * is a change.
 */
export function diffManifests(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    const objA = isPlainObject(a);
    const objB = isPlainObject(b);
    if (objA && objB) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const k of [...keys].sort()) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) out.push(path || '(top)');
  };
  walk(before, after, '');
  return out;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

export interface ChainLink {
  readonly digest: string;
  readonly blob: string;
  /** Who signed this link (for the genesis: its own approvers). */
  readonly approvedBy: readonly string[];
  readonly at: string;
  readonly changed: readonly string[];
}

/**
 * Among `approvals`, the next link after `current`: approvals whose parent is `current`, signed
 * by an approver of `current` (`keys`), naming a manifest not already in the chain (`visited`:
 * a chain never loops; an approved revert is a new text, e.g. with a comment saying why). Of
 * several approved successors the newest wins.
 */
export function nextLink(
  current: string,
  keys: ApproverKeys,
  approvals: readonly ManifestApproval[],
  visited: ReadonlySet<string>,
): ChainLink | null {
  const byDigest = new Map<string, ManifestApproval[]>();
  for (const a of approvals) {
    if (a.parent !== current || visited.has(a.manifest)) continue;
    if (!approvalSignedBy(a, keys)) continue;
    const list = byDigest.get(a.manifest) ?? [];
    list.push(a);
    byDigest.set(a.manifest, list);
  }
  let best: ChainLink | null = null;
  for (const [digest, list] of byDigest) {
    const first = list.reduce((x, y) => (y.at < x.at ? y : x));
    const link: ChainLink = {
      digest,
      blob: first.blob,
      approvedBy: [...new Set(list.map((a) => a.approver))].sort(),
      at: first.at,
      changed: first.changed,
    };
    if (!best || link.at > best.at || (link.at === best.at && link.digest > best.digest)) best = link;
  }
  return best;
}

/**
 * Genesis candidates: approvals with no parent, each signed by an approver listed (with that
 * key) in the very manifest it approves. `keysOf(digest)` gives that manifest's approver keys.
 * Sorted oldest first: trust on first use takes the first.
 */
export function genesisCandidates(
  approvals: readonly ManifestApproval[],
  keysOf: (a: ManifestApproval) => ApproverKeys | null,
): ManifestApproval[] {
  return approvals
    .filter((a) => a.parent === null)
    .filter((a) => {
      const keys = keysOf(a);
      return !!keys && approvalSignedBy(a, keys);
    })
    .sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.manifest < y.manifest ? -1 : 1));
}

/** What a clone remembers about the swarm's root of trust (.git/s2/trust.json). */
export const TrustPin = z.object({
  genesis: z.string().regex(DIGEST),
  /** Approver id → key fingerprint of the genesis approvers. */
  approvers: z.record(z.string(), z.string()),
  /** The newest approved manifest this clone has seen: the chain must keep reaching it. */
  head: z.string().regex(DIGEST),
  /** The blob of that manifest, so it stays usable if the chain stops reaching it. */
  headBlob: z.string().optional(),
  pinnedAt: z.string(),
});
export type TrustPin = z.infer<typeof TrustPin>;

/** The state of the manifest the engine reports next to the view. */
export interface ManifestTrustState {
  /** approved: the tip is the newest approved manifest; pending: an unapproved change is at the tip;
   *  rollback: the tip is an older approved manifest; unsigned: no genesis exists (nothing pinned yet);
   *  untrusted: no genesis matches the pinned approvers. */
  readonly status: 'approved' | 'pending' | 'rollback' | 'unsigned' | 'untrusted';
  /** sha256 of the manifest the engine uses. */
  readonly effective: string | null;
  /** sha256 of the manifest at the coordination tip. */
  readonly tip: string;
  /** The coordination commit that brought the tip's manifest (when it is not the approved one). */
  readonly commit: string | null;
  /** Keys the tip changes against the approved manifest. */
  readonly changed: readonly string[];
  readonly chain: readonly ChainLink[];
  /** The pinned genesis approvers' fingerprints, and where the pin came from. */
  readonly pinned: Readonly<Record<string, string>>;
  readonly pinSource: 'tofu' | 'explicit' | 'none';
}
