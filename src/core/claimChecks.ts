/**
 * Claims a session makes about others that the view checks against the others' own records
 * (issue #20 item 9): an adoption must be of a session that was stuck when it was made, and a
 * completion counts only when its phase's needs were met when it was made. A claim that
 * fails is reported on the claimant and does not count: no unblocking, no progress.
 */
import { awaitingInputOf } from './awaitingInput';
import { CompletionStatus, CompletionTable } from './completions';
import { staleAfterSeconds } from './liveness';
import { CLOCK_SKEW_SECONDS } from './recordTimes';
import type { StatusRecord } from './records';
import { sessionPlan, type SwarmPlan } from './manifest';
import { withSessions, type SessionSnapshot, type Snapshot } from './snapshot';
import type { Violation } from './viewTypes';

/** Why `target` (by its own records) could be adopted at `at`, or null when it was alive then. */
export function adoptableAt(snap: Snapshot, target: string, at: string): string | null {
  const st: StatusRecord | null = snap.sessions[target]?.status ?? null;
  if (!st) return 'it had never reported';
  const t = Date.parse(at);
  const h = Date.parse(st.heartbeatAt);
  if (!Number.isFinite(t) || !Number.isFinite(h)) return null;
  const lease = staleAfterSeconds(snap.plan);
  // A silence the target recorded itself (signed, sealed) covers an adoption made during it.
  for (const s of st.silences ?? []) {
    const from = Date.parse(s.from);
    const to = Date.parse(s.to);
    if ((t - from) / 1000 > lease && t <= to + CLOCK_SKEW_SECONDS * 1000)
      return `it was silent from ${s.from} to ${s.to}`;
  }
  if (h > t) return null; // it wrote since, and recorded no silence then: it was alive
  // Nothing the target wrote is newer than the adoption: its status then is its status now.
  if ((t - h) / 1000 > lease) return `its heartbeat was ${Math.round((t - h) / 1000)} s old`;
  if (st.state === 'error') return 'it was in error';
  if (awaitingInputOf(snap.plan, st, new Date(t))?.stuck) return 'it waited for a person';
  return null;
}

/**
 * Adoptions of a session that was alive when they were made are `ADOPTION_INVALID` on the
 * adopter and are taken out of the snapshot, so they neither block the owner nor make an
 * adopted completion count.
 */
export function screenAdoptions(snap: Snapshot, violations: Violation[]): Snapshot {
  let planned: Set<string> | undefined;
  const isPlanned = (s: string): boolean => (planned ??= new Set(snap.plan.sessions.map((p) => p.id))).has(s);
  const changed = new Map<string, SessionSnapshot>();
  for (const id of Object.keys(snap.sessions)) {
    const s = snap.sessions[id]!; // keys, not [id, s] pairs: one array, not one per session
    const adopted = s.status?.adopted ?? [];
    if (adopted.length === 0) continue;
    const kept = adopted.filter((a) => {
      if (a.session !== id && isPlanned(a.session) && adoptableAt(snap, a.session, a.at)) return true;
      violations.push({
        code: 'ADOPTION_INVALID',
        session: id,
        severity: 'error',
        ref: `${a.session}:${a.phase}`,
        message: `${id} claims to have adopted ${a.session}:${a.phase} at ${a.at.slice(0, 40)}, but ${a.session} was alive then (by its own records); only a stuck session's phase can be adopted, so the adoption does not count`,
      });
      return false;
    });
    if (kept.length !== adopted.length) changed.set(id, { ...s, status: { ...s.status!, adopted: kept } });
  }
  return withSessions(snap, changed);
}

/**
 * A completion counts only when its predecessor counts and every need of its phase had a
 * counted completion (verified, when the policy requires it) no later than the completion
 * itself (within the clock skew). Computed as a least fixed point, so completions that only
 * satisfy each other (a cycle of needs written around the guards) never count. Those that do
 * not count are `NEEDS_UNMET` on the claimant (the author: the adopter for an adopted phase),
 * or `PHASE_SKIPPED` when it is their predecessor that stopped counting.
 */
const NONE: readonly never[] = [];

export function enforceNeeds(
  snap: Snapshot,
  table: CompletionTable,
  now: Date,
  violations: Violation[],
): CompletionTable {
  const plan = snap.plan;
  const skew = CLOCK_SKEW_SECONDS * 1000;
  // A session's phases count in order from 1 (a phase is tried only once its predecessor
  // counts), so what counts is a prefix: its length per session, not a key per phase.
  const countedUpTo = new Map<string, number>();
  const counts = (s: string, n: number): boolean => n <= (countedUpTo.get(s) ?? 0);
  const key = (s: string, n: number): string => `${s}:${n}`;
  const timeOf = (c: CompletionStatus): number => (c.author === 'manifest' ? 0 : Date.parse(c.record.completedAt));
  type Need = { readonly session: string; readonly phase: number };
  const unmetNeeds = (sp: SwarmPlan['sessions'][number], n: number, c: CompletionStatus): readonly Need[] => {
    if (c.author === 'manifest') return NONE;
    const needs = sp.phases[n - 1]?.needs ?? NONE;
    if (needs.length === 0) return NONE;
    const at = timeOf(c);
    if (!(at <= now.getTime() + skew)) return needs;
    let out: Need[] | null = null; // a list only when a need is unmet
    for (const x of needs) if (unmetAt(x, at)) (out ??= []).push(x);
    return out ?? NONE;
  };
  const unmetAt = (x: Need, at: number): boolean => {
    const nc = table.get(x.session)?.get(x.phase);
    if (!nc || !counts(x.session, x.phase)) return true;
    if (plan.verification === 'required' && nc.verifiedBy.length === 0 && nc.author !== 'manifest') return true;
    return !(timeOf(nc) <= at + skew);
  };
  // The least fixed point by a worklist: a session stopped by a need that does not count yet
  // waits on it and is tried again only when it counts. Sweeping every session until nothing
  // changed took one sweep per link of a chain of needs running against the manifest's order,
  // quadratic in sessions (most of the view at 5000 sessions by the bench's CPU profile).
  // Only what counts changes between tries, so the set reached is the same.
  const nextPhase = new Map<string, number>();
  // Waiters by the session, then the phase, they wait on.
  const waiting = new Map<string, Map<number, string[]>>();
  const queue = plan.sessions.map((sp) => sp.id);
  while (queue.length) {
    const sid = queue.pop()!;
    const sp = sessionPlan(plan, sid)!;
    const t = table.get(sid)!;
    const waiters = waiting.get(sid);
    for (let n = nextPhase.get(sid) ?? 1; n <= sp.phaseCount; n++) {
      const c = t.get(n);
      if (!c?.valid) break;
      if (counts(sid, n)) continue;
      const unmet = unmetNeeds(sp, n, c);
      if (unmet.length) {
        nextPhase.set(sid, n);
        for (const u of unmet) {
          if (counts(u.session, u.phase)) continue;
          let byPhase = waiting.get(u.session);
          if (!byPhase) waiting.set(u.session, (byPhase = new Map()));
          const list = byPhase.get(u.phase);
          if (list) list.push(sid);
          else byPhase.set(u.phase, [sid]);
        }
        break;
      }
      countedUpTo.set(sid, n);
      const woken = waiters?.get(n);
      if (woken) {
        waiters!.delete(n);
        queue.push(...woken);
      }
    }
  }
  let out: Map<string, ReadonlyMap<number, CompletionStatus>> | null = null;
  const copied = new Map<string, Map<number, CompletionStatus>>();
  // Phases are 1..phaseCount, so counting up visits them in order.
  for (const sp of plan.sessions) {
    const t = table.get(sp.id)!;
    for (let n = 1; n <= sp.phaseCount; n++) {
      const c = t.get(n);
      if (!c?.valid || counts(sp.id, n)) continue;
      // Copy on write: the table, then the one session's map that changes.
      out ??= new Map(table);
      let own = copied.get(sp.id);
      if (!own) copied.set(sp.id, (own = new Map(t)));
      out.set(sp.id, own);
      own.set(n, { ...c, valid: false });
      const ref = key(sp.id, n);
      if (n > 1 && !counts(sp.id, n - 1))
        violations.push({
          code: 'PHASE_SKIPPED',
          session: sp.id,
          severity: 'error',
          ref,
          message: `${sp.id} recorded phase ${n} complete, but phase ${n - 1} does not count`,
        });
      else
        violations.push({
          code: 'NEEDS_UNMET',
          session: c.author,
          severity: 'error',
          ref,
          message: `${c.author} completed ${ref} at ${c.record.completedAt.slice(0, 40)}, but its needs ${unmetNeeds(
            sp,
            n,
            c,
          )
            .map((x) => key(x.session, x.phase))
            .join(', ')} were not met then; it does not count`,
        });
    }
  }
  return out ?? table;
}
