/**
 * How far each session really got: a phase counts as complete only when its completion
 * record is admitted (schema and signature), its commit exists and is on the author's work
 * branch, and its predecessor is complete. Verification by other sessions decides whether a
 * completion can satisfy a cross-session need.
 */
import { sessionPlan, type SwarmPlan } from './manifest';
import type { CompletionRecord, VerificationRecord } from './records';
import { commitFacts, Snapshot } from './snapshot';
import type { VerificationState, Violation } from './viewTypes';
import { quoted, terminalSafe } from './terminalText';

export interface CompletionStatus {
  readonly record: CompletionRecord;
  readonly author: string;
  readonly valid: boolean;
  readonly verification: VerificationState;
  readonly verifiedBy: readonly string[];
  readonly dispute: string | null;
}

export type CompletionTable = ReadonlyMap<string, ReadonlyMap<number, CompletionStatus>>;

const NONE: readonly VerificationRecord[] = [];

export function evaluateCompletions(snap: Snapshot, violations: Violation[]): CompletionTable {
  const plan = snap.plan;
  // By target session (a short list each, searched by phase): no key is built per record or
  // per completion, and no map per phase.
  const sessions = Object.values(snap.sessions);
  const byTarget = new Map<string, VerificationRecord[]>();
  for (const s of sessions) {
    for (const v of s.verifications) {
      const list = byTarget.get(v.target);
      if (list) list.push(v);
      else byTarget.set(v.target, [v]);
    }
  }
  const table = new Map<string, Map<number, CompletionStatus>>();
  for (const sp of plan.sessions) table.set(sp.id, new Map());

  for (const s of sessions) {
    for (const rec of s.completions) {
      const target = rec.forSession ?? s.session;
      if (!table.has(target) || rec.phase > (sessionPlan(plan, target)?.phaseCount ?? 0)) continue;
      if (rec.forSession && !adoptionHeld(snap, s.session, target, rec.phase)) {
        violations.push({
          code: 'ADOPTION_INVALID',
          session: s.session,
          severity: 'error',
          ref: `${target}:${rec.phase}`,
          message: `${s.session} completed ${target}:${rec.phase} without an adoption record`,
        });
        continue;
      }
      const facts = commitFacts(snap, s.session, rec.commit);
      let valid = true;
      let dispute: string | null = null;
      if (!facts?.exists) {
        valid = false;
        violations.push({
          code: 'UNKNOWN_COMMIT',
          session: s.session,
          severity: 'error',
          ref: `${target}:${rec.phase}`,
          message: `completion of ${target}:${rec.phase} names commit ${rec.commit.slice(0, 12)}, which does not exist in the repository`,
        });
      } else if (!facts.onWorkBranch) {
        dispute = `commit ${rec.commit.slice(0, 12)} is no longer in ${s.session}'s work branch`;
        violations.push({
          code: 'COMPLETION_DISPUTED',
          session: s.session,
          severity: 'error',
          ref: `${target}:${rec.phase}`,
          message: `completion of ${target}:${rec.phase}: ${dispute}`,
        });
      }
      const verdict = verificationOf(byTarget.get(target) ?? NONE, rec, s.session);
      if (verdict.dispute && !dispute) {
        dispute = verdict.dispute;
        violations.push({
          code: 'COMPLETION_DISPUTED',
          session: s.session,
          severity: 'error',
          ref: `${target}:${rec.phase}`,
          message: `${target}:${rec.phase} is disputed: ${dispute}`,
        });
      }
      const existing = table.get(target)!.get(rec.phase);
      // An adopted completion never displaces the owner's own.
      if (existing && existing.author === target) continue;
      table.get(target)!.set(rec.phase, {
        record: rec,
        author: s.session,
        valid,
        verification: dispute ? 'disputed' : verdict.state,
        verifiedBy: verdict.verifiedBy,
        dispute,
      });
    }
  }

  // Phases before S² (the manifest's baseline) are complete on the manifest's authority.
  const BASELINE_COMMIT = '0'.repeat(40);
  for (const sp of plan.sessions) {
    const t = table.get(sp.id)!;
    for (let n = 1; n <= sp.baselinePhase; n++) {
      if (t.get(n)?.valid) continue;
      t.set(n, {
        record: {
          kind: 'completion',
          session: sp.id,
          phase: n,
          commit: BASELINE_COMMIT,
          completedAt: '',
          validations: [],
        },
        author: 'manifest',
        valid: true,
        verification: 'verified',
        verifiedBy: ['manifest baseline'],
        dispute: null,
      });
    }
  }

  // A completion whose predecessor is missing is a skipped phase: reported, and not counted.
  // Phases are 1..phaseCount (records and baseline alike), so counting up visits them in order.
  for (const sp of plan.sessions) {
    const t = table.get(sp.id)!;
    for (let n = 2; n <= sp.phaseCount; n++) {
      const c = t.get(n);
      if (c?.valid && !t.get(n - 1)?.valid) {
        violations.push({
          code: 'PHASE_SKIPPED',
          session: sp.id,
          severity: 'error',
          ref: `${sp.id}:${n}`,
          message: `${sp.id} recorded phase ${n} complete, but phase ${n - 1} has no valid completion`,
        });
        t.set(n, { ...c, valid: false });
      }
    }
  }
  return table;
}

function adoptionHeld(snap: Snapshot, adopter: string, target: string, phase: number): boolean {
  return (snap.sessions[adopter]?.status?.adopted ?? []).some((a) => a.session === target && a.phase === phase);
}

/** A verification of this completion: its phase, its exact commit, by someone other than the author. */
function verifies(v: VerificationRecord, rec: CompletionRecord, author: string): boolean {
  return v.phase === rec.phase && v.completionCommit === rec.commit && v.verifier !== author;
}

/** The newest verification of this exact commit by someone other than the author decides. */
function verificationOf(
  all: readonly VerificationRecord[],
  rec: CompletionRecord,
  author: string,
): { state: VerificationState; verifiedBy: string[]; dispute: string | null } {
  // None, or one that passed (the usual cases): no list is copied or sorted.
  let first = -1;
  let more = false;
  for (let i = 0; i < all.length && !more; i++)
    if (verifies(all[i]!, rec, author)) {
      if (first < 0) first = i;
      else more = true;
    }
  if (first < 0) return { state: 'unverified', verifiedBy: [], dispute: null };
  if (!more && all[first]!.result === 'pass')
    return { state: 'verified', verifiedBy: [all[first]!.verifier], dispute: null };
  const relevant = all.filter((v) => verifies(v, rec, author));
  const latest = [...relevant]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.verifier < b.verifier ? -1 : 1))
    .pop()!;
  const verifiedBy = [...new Set(relevant.filter((v) => v.result === 'pass').map((v) => v.verifier))].sort();
  if (latest.result === 'pass') return { state: 'verified', verifiedBy, dispute: null };
  const failed = latest.commands.find((c) => c.exitCode !== 0);
  // The verifier's text is quoted as data: it reaches agents in refusals and prompts.
  const why =
    latest.result === 'conflict'
      ? `merge conflict with ${latest.verifier}'s branch${latest.detail ? ` (${quoted(latest.detail)})` : ''}`
      : failed
        ? `\`${terminalSafe(failed.command).replace(/`/g, "'").slice(0, 200)}\` failed${failed.timedOut ? ' (timed out)' : ` with exit ${failed.exitCode}`}${failed.outputTail ? ` — output: ${quoted(lastLine(failed.outputTail))}` : ''}`
        : latest.detail
          ? quoted(latest.detail)
          : 'verification failed';
  return { state: 'disputed', verifiedBy, dispute: `${latest.verifier} could not verify it: ${why}` };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1]!.slice(0, 200);
}

/** Whether a completion satisfies a need of another session under the swarm's policy. */
export function satisfiesNeed(c: CompletionStatus | undefined, plan: SwarmPlan): boolean {
  if (!c || !c.valid || c.verification === 'disputed') return false;
  return plan.verification === 'advisory' || c.verification === 'verified';
}
