/**
 * `s2 manifest diff` and `s2 manifest approve`: what a pending manifest change alters, key by
 * key, and an approver's signature that makes it take effect. Approvals go on the approver's
 * own branch (s2/approvals/<id>, manifests.jsonl, hash-chained), never on the coordination branch.
 */
import { S2Error } from '../core/errors';
import { MANIFEST_PATH, parseManifest } from '../core/manifest';
import { diffManifests, ManifestApproval, manifestDigest, ManifestTrustState } from '../core/manifestTrust';
import { signRecord } from '../core/signing';
import { loadApproverKey, PassphraseSource } from '../git/approverKeys';
import { parseCommit } from '../git/gitObjects';
import { approverBranch, approverDir } from '../core/records';
import { manifestApprovalsPath } from '../git/manifestChain';
import { appendChained } from '../git/chainedLog';
import { approverSealSigner } from '../git/approverSeal';
import type { RecordWriter } from '../git/recordWriter';
import type { SwarmSession } from './swarmSession';

export interface KeyChange {
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ManifestDiff {
  readonly state: ManifestTrustState;
  readonly changes: readonly KeyChange[];
  /** The text and blob at the coordination tip (what `approve` would sign). */
  readonly tipBlob: string;
  readonly tipValid: boolean;
}

function valueAt(raw: unknown, key: string): unknown {
  let cur: unknown = raw;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export async function manifestDiff(s: SwarmSession): Promise<ManifestDiff> {
  const { snapshot } = await s.view();
  const state = snapshot.manifest!;
  const tipCommit = await s.reader.cat.read(snapshot.coordinationTip);
  const entry = await s.reader.entryAt(parseCommit(tipCommit!.data).tree, MANIFEST_PATH);
  const tipText = await s.reader.blobText(entry!.oid);
  let tipRaw: unknown = null;
  let tipValid = true;
  try {
    tipRaw = parseManifest(tipText).raw;
  } catch {
    tipValid = false;
  }
  const before = snapshot.plan.raw;
  const keys = tipValid ? diffManifests(before, tipRaw) : [];
  return {
    state,
    tipBlob: entry!.oid,
    tipValid,
    changes: keys.map((key) => ({ key, before: valueAt(before, key), after: valueAt(tipRaw, key) })),
  };
}

/** Appends one signed manifest approval to the approver's branch. */
export async function writeManifestApproval(
  writer: RecordWriter,
  approver: string,
  privateKey: string,
  a: { manifest: string; blob: string; parent: string | null; changed: readonly string[]; at: string },
): Promise<ManifestApproval> {
  const file = manifestApprovalsPath(approver);
  let written: ManifestApproval | null = null;
  await writer.write(
    approverBranch(approver),
    `${approverDir(approver)}/`,
    (files) => {
      const next = appendChained<ManifestApproval>(
        files.get(file) ?? '',
        file,
        {
          kind: 'manifest-approval',
          approver,
          at: a.at,
          manifest: a.manifest,
          blob: a.blob,
          parent: a.parent,
          changed: [...a.changed],
        },
        (e) => signRecord(e, approver, privateKey),
      );
      written = next.entry;
      return {
        files: { [file]: next.text },
        message: `approve manifest ${a.manifest.slice(0, 12)}${a.parent ? '' : ' (genesis)'}`,
      };
    },
    approverSealSigner(approver, privateKey),
  );
  return written!;
}

/**
 * An approver of the manifest in effect signs the one at the coordination tip. Refused when
 * there is nothing to approve, when `approver` is not an approver of the manifest in effect,
 * and when the approver is a session approving a change to its own entry (nobody raises
 * their own budget), or the caller runs as a session whose entry the change touches.
 */
export async function approveManifest(
  s: SwarmSession,
  approver: string,
  ask?: PassphraseSource,
): Promise<{ approval: ManifestApproval; changes: readonly KeyChange[] }> {
  const d = await manifestDiff(s);
  const plan = (await s.view()).snapshot.plan;
  if (d.state.status === 'approved')
    throw new S2Error('REFUSED', 'nothing to approve: the manifest at the tip is the approved one');
  if (!d.tipValid)
    throw new S2Error(
      'REFUSED',
      `${MANIFEST_PATH} at the tip is not a valid manifest; fix it before approving (s2 validate shows why)`,
    );
  if (!plan.approvers[approver])
    throw new S2Error(
      'REFUSED',
      `${approver} is not an approver of the manifest in effect (approvers: ${Object.keys(plan.approvers).join(', ') || 'none'}); only they can approve a change`,
    );
  for (const self of new Set([approver, s.session ?? ''].filter(Boolean))) {
    const own = d.changes.filter((c) => c.key === `sessions.${self}` || c.key.startsWith(`sessions.${self}.`));
    if (plan.sessions.some((x) => x.id === self) && own.length)
      throw new S2Error(
        'REFUSED',
        `${self} is a session of this swarm and the change alters its own entry (${own.map((c) => c.key).join(', ')}): a session never approves its own change; another approver must`,
      );
  }
  const key = await loadApproverKey(plan.swarm, approver, s.env, ask);
  const text = await s.reader.blobText(d.tipBlob);
  const approval = await writeManifestApproval(s.writer, approver, key, {
    manifest: manifestDigest(text),
    blob: d.tipBlob,
    parent: d.state.effective,
    changed: d.changes.map((c) => c.key),
    at: s.now().toISOString(),
  });
  return { approval, changes: d.changes };
}
