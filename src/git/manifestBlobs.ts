/**
 * Parsed manifests by blob id, shared by every reader of the process: a blob id names its
 * content, so a manifest parsed once (by the session lookup, the chain of approvals, the
 * snapshot) is never parsed again — at 50 sessions a parse is a quarter of `s2 status`.
 * A manifest that does not parse is not kept: the error is raised again, with its lines.
 *
 * Across processes, the bundled builds keep the parse in the clone's record cache
 * (recordCache.ts: authenticated, so an edit of .git cannot plant a plan), keyed by blob id
 * AND the build's id (esbuild.mjs): another build — another schema or parser — parses again.
 * Unbundled code (the tsc-compiled tests) has no build id and keeps nothing on disk.
 */
import { parseManifest, SwarmPlan } from '../core/manifest';
import type { RecordCache } from './recordCache';

declare const S2_BUILD_ID: string | undefined;

const MAX_KEPT = 8;
const parsed = new Map<string, { readonly text: string; readonly plan: SwarmPlan }>();

export async function manifestOfBlob(
  oid: string,
  readText: (oid: string) => Promise<string>,
  kept?: RecordCache,
): Promise<{ readonly text: string; readonly plan: SwarmPlan }> {
  const hit = parsed.get(oid);
  if (hit) return hit;
  const text = await readText(oid);
  const build = typeof S2_BUILD_ID === 'string' ? S2_BUILD_ID : null;
  const key = build && kept ? `manifest|${oid}|${build}` : null;
  if (key) await kept!.load();
  const stored = key ? kept!.records<SwarmPlan>(key) : undefined;
  const entry = { text, plan: stored ?? parseManifest(text) };
  if (key && !stored && survivesJson(entry.plan)) kept!.setRecords(key, entry.plan);
  if (parsed.size >= MAX_KEPT) parsed.delete(parsed.keys().next().value!);
  parsed.set(oid, entry);
  return entry;
}

/** The cache is JSON: a plan with a number JSON cannot hold (`budgetUsd: .inf` is null there) is parsed each time. */
function survivesJson(plan: SwarmPlan): boolean {
  let ok = true;
  JSON.stringify(plan, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) ok = false;
    return v;
  });
  return ok;
}
