/**
 * Parsed manifests by blob id, shared by every reader of the process: a blob id names its
 * content, so a manifest parsed once (by the session lookup, the chain of approvals, the
 * snapshot) is never parsed again — at 50 sessions a parse is a quarter of `s2 status`.
 * A manifest that does not parse is not kept: the error is raised again, with its lines.
 */
import { parseManifest, SwarmPlan } from '../core/manifest';

const MAX_KEPT = 8;
const parsed = new Map<string, { readonly text: string; readonly plan: SwarmPlan }>();

export async function manifestOfBlob(
  oid: string,
  readText: (oid: string) => Promise<string>,
): Promise<{ readonly text: string; readonly plan: SwarmPlan }> {
  const hit = parsed.get(oid);
  if (hit) return hit;
  const text = await readText(oid);
  const entry = { text, plan: parseManifest(text) };
  if (parsed.size >= MAX_KEPT) parsed.delete(parsed.keys().next().value!);
  parsed.set(oid, entry);
  return entry;
}
