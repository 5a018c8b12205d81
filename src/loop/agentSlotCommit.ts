/**
 * The full path's side of the agent-slot journal (agentSlotJournal.ts): the slots the hook's
 * fast path counted, and a slot the full path takes or frees itself, committed to the
 * session's records — by every full hook call and by the session's loop on each tick.
 */
import type { Snapshot } from '../core/snapshot';
import { S2Error } from '../core/errors';
import { LocalStateKey } from '../git/localState';
import { SessionStore } from '../git/sessionStore';
import {
  applySlots,
  newSlotJournal,
  readSlotJournal,
  slotJournalFile,
  withSlotLock,
  writeSlotJournal,
} from './agentSlotJournal';
import type { SwarmSession } from './swarmSession';

/** A slot the full path takes or frees itself, checked against the cap inside the same commit. */
export interface SlotChange {
  readonly start: boolean;
  readonly id: string;
  readonly cap: number;
  readonly runtime: string;
}

/**
 * Under the slot journal's lock: the slots the fast path counted, and `change` when given,
 * committed to the session's status in one commit (one witness entry each), then the journal
 * emptied under a new epoch. The cap is checked inside the compare-and-swap against the
 * records and the journal together: of many concurrent spawns that all saw room, only as
 * many as fit are recorded (`full` for the rest). A journal that fails its check is not
 * believed — a forged stop would free a slot — and is replaced.
 */
export async function commitSlotJournal(
  s: SwarmSession,
  snapshot: Snapshot,
  me: string,
  change?: SlotChange,
): Promise<{ committed: boolean; full: boolean }> {
  const key = await LocalStateKey.load(s.env);
  const file = slotJournalFile(s.ctx.commonDir, me);
  let committed = false;
  let full = false;
  const done = await withSlotLock(file, 15_000, async () => {
    const journal = await readSlotJournal(file, key, me);
    const entries = typeof journal === 'string' ? [] : journal.entries;
    if (entries.length || change) {
      const store = await s.store(snapshot.plan);
      const notes = entries.map((e) => ({
        action: e.op === 'start' ? 'agent-start' : 'agent-stop',
        detail: `${e.id} (claude hook at ${e.at}, from the slot journal)`,
      }));
      const written = await store.commit((files) => {
        const counted = applySlots(SessionStore.statusOf(files, me, s.now().toISOString()).agents.running, entries);
        let running = counted;
        const witness = [...notes];
        if (change) {
          if (change.start && !counted.includes(change.id) && counted.length >= change.cap) full = true;
          else {
            running = change.start ? [...new Set([...counted, change.id])] : counted.filter((a) => a !== change.id);
            witness.push({
              action: change.start ? 'agent-start' : 'agent-stop',
              detail: `${change.id} (${change.runtime} hook)`,
            });
          }
        }
        if (!witness.length) return null;
        return {
          status: (st) => ({ ...st, agents: { running } }),
          witness,
          message: witness
            .map((w) => `${w.action === 'agent-start' ? 'agent started' : 'agent stopped'}: ${w.detail.split(' ')[0]}`)
            .join('; '),
        };
      });
      committed = written !== null;
    }
    if (journal === 'absent' || journal === 'tampered' || entries.length)
      await writeSlotJournal(file, key, newSlotJournal(me));
  });
  if (done === null)
    throw new S2Error(
      'LOCKED',
      `the agent-slot journal ${file} stayed locked for 15 s (another hook call holds ${file}.lock)`,
    );
  return { committed, full };
}
