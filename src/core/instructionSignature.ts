/**
 * A phase instruction counts only when an approver (or a coordinator session the approved
 * manifest names) signed it. The signature sits in the instruction's own front matter
 * (`signature: { by, sig }`) and covers the target session and phase, the rest of the front
 * matter and the body: moved to another session or phase, or edited, it no longer verifies.
 */
import { parseDocument, stringify } from 'yaml';
import { canonicalJson } from './canonicalJson';
import { parseFrontMatter } from './frontMatter';
import { signRecord, verifyRecord } from './signing';

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/;

function payload(session: string, phase: number, text: string): Record<string, unknown> {
  const { data, body } = parseFrontMatter(text);
  const { signature: _omit, ...rest } = data;
  return { kind: 'instruction', session, phase, data: JSON.parse(canonicalJson(rest)), body };
}

/** The instruction text with a fresh signature by `by` in its front matter. */
export function signInstruction(
  text: string,
  session: string,
  phase: number,
  by: string,
  privateKeyPem: string,
): string {
  const signed = signRecord(payload(session, phase, text), by, privateKeyPem);
  const m = FRONT.exec(text);
  const signature = { by: signed.signature.by, sig: signed.signature.sig };
  const body = m ? text.slice(m[0].length) : text;
  let front: string;
  if (m && m[1]!.trim()) {
    const doc = parseDocument(m[1]!);
    doc.delete('signature');
    doc.set('signature', doc.createNode(signature));
    front = doc.toString({ lineWidth: 0 });
  } else front = stringify({ signature }, { lineWidth: 0 });
  return `---\n${front.trimEnd()}\n---\n${body}`;
}

export type InstructionCheck = { ok: true; by: string } | { ok: false; reason: string };

/** Checks the instruction's signature against the keys of those allowed to instruct (`signers`). */
export function verifyInstruction(
  text: string,
  session: string,
  phase: number,
  signers: Readonly<Record<string, string | undefined>>,
): InstructionCheck {
  let data: Record<string, unknown>;
  try {
    data = parseFrontMatter(text).data;
  } catch {
    return { ok: false, reason: 'its front matter is not valid YAML' };
  }
  const sig = data['signature'] as { by?: unknown; sig?: unknown } | undefined;
  if (!sig || typeof sig.by !== 'string' || typeof sig.sig !== 'string')
    return { ok: false, reason: 'it is not signed' };
  if (!(sig.by in signers))
    return {
      ok: false,
      reason: `it is signed by ${sig.by}, who is neither an approver nor a coordinator of the approved manifest`,
    };
  const record = { ...payload(session, phase, text), signature: { by: sig.by, sig: sig.sig } };
  if (!verifyRecord(record, signers[sig.by]))
    return { ok: false, reason: `its signature by ${sig.by} does not verify (edited, moved, or another key)` };
  return { ok: true, by: sig.by };
}
