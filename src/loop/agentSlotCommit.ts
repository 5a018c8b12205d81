/**
 * The full path's side of the agent-slot journal (agentSlotJournal.ts): the slots the hook's
 * fast path counted, and a slot the full path takes or frees itself, committed to the
 * session's records — by every full hook call and by the session's loop on each tick.
 */
import type { Snapshot } from '../core/snapshot';
import { S2Error } from '../core/errors';
import { LocalStateKey } from '../git/localState';
import { SessionStore, WitnessNote } from '../git/sessionStore';
import {
  applySlots,
  cloneTag,
  newSlotJournal,
  readSlotJournal,
  SlotEntry,
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
 * emptied under a new epoch, which the same commit records (`agents.journals`, per clone). The cap is
 * checked inside the compare-and-swap against the records and the journal together: of many
 * concurrent spawns that all saw room, only as many as fit are recorded (`full` for the rest).
 *
 * A journal that is not the one the records are in step with — removed, edited without the
 * key, or swapped for a copy of another epoch — is a lost journal: the slots it counted are
 * unknown (its stops are never believed: a forged stop would free a slot). The loss is
 * committed (a `slot-journal-lost` witness entry and `agents.journalsLost`, which the view
 * reports as SLOT_JOURNAL_LOST) so that removing the journal to free slots leaves a signed
 * trace every session sees.
 */
export async function commitSlotJournal(
  s: SwarmSession,
  snapshot: Snapshot,
  me: string,
  change?: SlotChange,
  /** Open a journal when the records name none yet (the hook cache needs one; a tick or a plain call does not). */
  opts: { open?: boolean } = {},
): Promise<{ committed: boolean; full: boolean }> {
  const key = await LocalStateKey.load(s.env);
  const file = slotJournalFile(s.ctx.commonDir, me);
  const tag = cloneTag(s.ctx.commonDir);
  let committed = false;
  let full = false;
  const done = await withSlotLock(file, 15_000, async () => {
    const journal = await readSlotJournal(file, key, me);
    const named = snapshot.sessions[me]?.status?.agents.journals?.[tag];
    const inStep = typeof journal !== 'string' && journal.epoch === named;
    // The common case, on every full call and every tick: nothing to write, no git.
    if (!change && (inStep ? journal.entries.length === 0 : named === undefined && !opts.open)) return;
    const next = newSlotJournal(me);
    const store = await s.store(snapshot.plan);
    const written = await store.commit((files) => {
      const before = SessionStore.statusOf(files, me, s.now().toISOString()).agents;
      const mine = before.journals?.[tag];
      full = false;
      const witness: WitnessNote[] = [];
      const said: string[] = [];
      const note = (action: string, detail: string, summary: string): void => {
        witness.push({ action, detail });
        said.push(summary);
      };
      const slot = (start: boolean, id: string, detail: string): void =>
        note(
          start ? 'agent-start' : 'agent-stop',
          `${id} (${detail})`,
          `${start ? 'agent started' : 'agent stopped'}: ${id}`,
        );
      let entries: readonly SlotEntry[] = [];
      let lost = before.journalsLost ?? 0;
      if (typeof journal !== 'string' && journal.epoch === mine) entries = journal.entries;
      else if (mine !== undefined) {
        lost++;
        const how =
          journal === 'absent'
            ? 'was removed'
            : journal === 'tampered'
              ? 'was edited without the clone key'
              : `is of epoch ${journal.epoch}, not ${mine}`;
        note(
          'slot-journal-lost',
          `${file} ${how}: the agent slots it counted since the last commit are unknown`,
          'agent-slot journal lost',
        );
      }
      // else: this clone's first journal for the session (or records from before journals).
      const counted = applySlots(before.running, entries);
      let running = counted;
      for (const e of entries) slot(e.op === 'start', e.id, `claude hook at ${e.at}, from the slot journal`);
      if (change) {
        if (change.start && !counted.includes(change.id) && counted.length >= change.cap) full = true;
        else {
          running = change.start ? [...new Set([...counted, change.id])] : counted.filter((a) => a !== change.id);
          slot(change.start, change.id, `${change.runtime} hook`);
        }
      }
      // In step with nothing to add (the snapshot was older than the records), or only a spawn refused: no commit.
      if (!witness.length && (mine !== undefined || !opts.open)) return null;
      return {
        status: (st) => ({
          ...st,
          agents: {
            running,
            journals: { ...before.journals, [tag]: next.epoch },
            ...(lost ? { journalsLost: lost } : {}),
          },
        }),
        ...(witness.length ? { witness } : {}),
        message: said.length ? said.join('; ') : `agent-slot journal ${next.epoch} opened`,
      };
    });
    committed = written !== null;
    // The records now name the new epoch: the journal follows (a crash between the two is a lost journal, never a slot freed).
    if (committed) await writeSlotJournal(file, key, next);
  });
  if (done === null)
    throw new S2Error(
      'LOCKED',
      `the agent-slot journal ${file} stayed locked for 15 s (another hook call holds ${file}.lock)`,
    );
  return { committed, full };
}
