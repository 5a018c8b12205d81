/**
 * Agent slots the hook's fast path took or freed that are not in the session's records yet.
 *
 * A sub-agent spawn takes a slot under the session's cap, and the slot's end frees it. The
 * records (a signed commit on the session's branch) are where the slot counts for everyone;
 * committing costs the whole CLI and a read of the swarm, ~4-7× Node's start, on a call the
 * agent waits for. So the fast path (hookFastPath.ts) counts the slot here instead, in
 * `.git/s2/hook-cache/slots-<session>.json`, and the next full hook call or the session's
 * loop commits the entries and empties the file (commitSlotJournal in claudeHookOps.ts).
 *
 * The compare-and-swap of the cap is the lock file beside it: whoever holds it reads the
 * journal, decides and writes, so two spawns at once never both take the last slot. The full
 * path takes the same lock around its own commit of a slot.
 *
 * Like the rest of `.git/s2/` the file is authenticated with the clone-local key: an edited
 * journal is not believed (the fast path then takes the full path). Each emptying starts a
 * new `epoch`, which the session's records and the hook cache name: a journal that vanished or
 * was swapped for an older one no longer matches, the fast path does not answer from it, and
 * the full path commits the loss (agentSlotCommit.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { LocalStateKey } from '../git/localState';

export interface SlotEntry {
  readonly op: 'start' | 'stop';
  /** The slot id (hookTools.ts agentSlotId): `claude:<tool_use_id>`. */
  readonly id: string;
  /** When the hook counted it (the caller's clock). */
  readonly at: string;
}

export interface SlotJournal {
  readonly v: 1;
  readonly session: string;
  readonly epoch: string;
  readonly entries: readonly SlotEntry[];
}

/** More entries than this are committed by the full path rather than piled up here. */
export const MAX_JOURNAL_ENTRIES = 64;

/** A lock older than this belongs to a process that died holding it. */
const STALE_LOCK_MS = 10_000;

/**
 * Which clone a journal belongs to: a session may be checked out in more than one clone (another
 * machine, another copy), each with its own journal, and the records name each one's epoch. Made
 * of the host name and the repository's real path, which an agent cannot change by editing files.
 */
export function cloneTag(commonDir: string): string {
  let real = commonDir;
  try {
    real = realpathSync(commonDir);
  } catch {
    /* the path as given */
  }
  return createHash('sha256').update(`${hostname()}\0${real}`).digest('hex').slice(0, 12);
}

export function slotJournalFile(commonDir: string, session: string): string {
  return path.join(commonDir, 's2', 'hook-cache', `slots-${encodeURIComponent(session)}.json`);
}

export function newSlotJournal(session: string): SlotJournal {
  return { v: 1, session, epoch: randomBytes(8).toString('hex'), entries: [] };
}

/** The running slots after the journal's entries, in order. */
export function applySlots(running: readonly string[], entries: readonly SlotEntry[]): string[] {
  const out = new Set(running);
  for (const e of entries) {
    if (e.op === 'start') out.add(e.id);
    else out.delete(e.id);
  }
  return [...out];
}

/** The journal, 'absent', or 'tampered' (an edited or malformed file: never believed). */
export async function readSlotJournal(
  file: string,
  key: LocalStateKey,
  session: string,
): Promise<SlotJournal | 'absent' | 'tampered'> {
  const r = await key.read(file);
  if (r.status === 'absent') return 'absent';
  if (r.status !== 'ok') return 'tampered';
  try {
    const j = JSON.parse(r.text) as Partial<SlotJournal>;
    const ok =
      j.v === 1 &&
      j.session === session &&
      typeof j.epoch === 'string' &&
      Array.isArray(j.entries) &&
      j.entries.every(
        (e) => !!e && (e.op === 'start' || e.op === 'stop') && typeof e.id === 'string' && typeof e.at === 'string',
      );
    return ok ? (j as SlotJournal) : 'tampered';
  } catch {
    return 'tampered';
  }
}

export async function writeSlotJournal(file: string, key: LocalStateKey, j: SlotJournal): Promise<void> {
  await key.write(file, JSON.stringify(j));
}

/**
 * Runs `fn` holding the journal's lock. `waitMs`: how long to wait for another holder (the
 * fast path waits briefly, then leaves the call to the full path; the full path waits longer
 * and breaks a lock left by a dead process). Null when the lock was not had.
 */
export async function withSlotLock<T>(file: string, waitMs: number, fn: () => Promise<T>): Promise<T | null> {
  const lock = `${file}.lock`;
  // Synchronous file calls: the fast path runs in a new process, where the promise-based API's
  // first calls cost more than the whole critical section (bench/PROFILE.md).
  mkdirSync(path.dirname(lock), { recursive: true });
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = statSync(lock, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS && waitMs >= STALE_LOCK_MS) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() >= until) return null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
