/**
 * The tool calls the hook's fast path has read. A call answered from the decision cache does
 * not move the meter's offsets (the spend there is recorded by the next full read), yet the
 * hook did run for it: hookWatch.ts counts a tool call listed here as seen by a hook, so a
 * session whose agent goes quiet right after fast answers is not reported as HOOKS_OFF.
 * Authenticated like the rest of `.git/s2/` (a forged list could hide a silenced hook).
 */
import * as path from 'node:path';
import type { LocalStateKey } from '../git/localState';

const MAX_IDS = 2000;

function seenFile(commonDir: string, session: string): string {
  return path.join(commonDir, 's2', 'hook-cache', `seen-${encodeURIComponent(session)}.json`);
}

export async function readHookSeen(commonDir: string, session: string, key: LocalStateKey): Promise<Set<string>> {
  const r = await key.read(seenFile(commonDir, session));
  if (r.status !== 'ok') return new Set();
  try {
    const ids = (JSON.parse(r.text) as { ids?: unknown }).ids;
    return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Adds `ids` (tool_use ids) to the list, keeping the newest MAX_IDS. */
export async function noteHookSeen(
  commonDir: string,
  session: string,
  key: LocalStateKey,
  ids: readonly string[],
): Promise<void> {
  if (!ids.length) return;
  const before = await readHookSeen(commonDir, session, key);
  const all = [...new Set([...before, ...ids])].slice(-MAX_IDS);
  await key.write(seenFile(commonDir, session), JSON.stringify({ ids: all }));
}
