import { errorMessage } from '../core/errors';
import type { Snapshot } from '../core/snapshot';
import type { SwarmSession } from './swarmSession';

/** Events after which the agent is working again: a wait it had is over. */
const RESUMING = new Set(['PreToolUse', 'PostToolUse', 'UserPromptSubmit']);

/**
 * Record (or clear) "this session's agent waits on a person" in its own status, from the
 * runtime's hook signal. Writes only on a change: a tool call while nothing waits costs no
 * commit. The wait is a fact the runtime reported, not a guard, so it never fails the hook.
 */
export async function recordAwaitingInput(
  s: SwarmSession,
  snapshot: Snapshot,
  me: string,
  runtime: string,
  event: string,
  waiting: string | null,
): Promise<void> {
  const current = snapshot.sessions[me]?.status?.awaitingInput ?? null;
  if (!waiting && !(current && RESUMING.has(event))) return;
  if (waiting && current?.message === waiting) return;
  try {
    await write(s, snapshot, runtime, waiting);
  } catch (e) {
    // Never let the record of a wait cost the guard's answer (a deny must still be printed).
    s.warnings.push(`could not record the wait on a person: ${errorMessage(e)}`);
  }
}

async function write(s: SwarmSession, snapshot: Snapshot, runtime: string, waiting: string | null): Promise<void> {
  const store = await s.store(snapshot.plan);
  const at = s.now().toISOString();
  await store.commit({
    status: (st) => ({ ...st, awaitingInput: waiting ? { since: at, runtime, message: waiting } : null }),
    witness: waiting
      ? { action: 'awaiting-input', detail: `${runtime}: ${waiting}` }
      : { action: 'input-received', detail: runtime },
    message: waiting ? `awaiting input: ${waiting}` : 'input received, working again',
  });
}
