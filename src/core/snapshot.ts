/**
 * What the store read at one instant: the manifest and every session's admitted records at
 * a set of tips, plus the facts about commits that the engine cannot learn without git.
 * Records that failed their schema or signature are not here; they are `problems`.
 */
import type { IntegrationRecord } from './integrationRecord';
import type { SwarmPlan } from './manifest';
import type { ManifestTrustState } from './manifestTrust';
import type {
  AckRecord,
  ApprovalEntry,
  CompletionRecord,
  LedgerEntry,
  StatusRecord,
  VerificationRecord,
  WitnessEntry,
} from './records';

export interface RecordProblem {
  readonly code:
    | 'RECORD_INVALID'
    | 'BAD_SIGNATURE'
    | 'FOREIGN_WRITE'
    | 'HISTORY_REWRITE'
    | 'CHAIN_BROKEN'
    | 'UNKNOWN_SESSION_BRANCH'
    | 'UNREADABLE_OBJECT'
    | 'FOREIGN_COMMIT'
    | 'REF_NOT_COMMIT'
    | 'REF_VANISHED'
    | 'FUTURE_TIMESTAMP'
    | 'LOCAL_STATE_TAMPERED'
    | 'MANIFEST_UNAPPROVED'
    | 'MANIFEST_ROLLBACK'
    | 'MANIFEST_UNSIGNED'
    | 'MANIFEST_UNTRUSTED'
    | 'INSTRUCTION_UNSIGNED';
  readonly session: string;
  /** Errors unless said otherwise (a manifest from before signing is only a warning). */
  readonly severity?: 'error' | 'warning';
  readonly path?: string;
  readonly message: string;
}

export interface CommitFacts {
  readonly exists: boolean;
  /** The commit is an ancestor of (or equal to) the author's work-branch tip. */
  readonly onWorkBranch: boolean;
}

export interface SessionSnapshot {
  readonly session: string;
  readonly recordsTip: string | null;
  readonly workTip: string | null;
  readonly status: StatusRecord | null;
  /** Completions written by this session, its own phases and adopted ones (`forSession`). */
  readonly completions: readonly CompletionRecord[];
  readonly verifications: readonly VerificationRecord[];
  readonly acks: readonly AckRecord[];
  readonly ledger: readonly LedgerEntry[];
  readonly witness: readonly WitnessEntry[];
  /** The last integration-gate verdict this session recorded (`s2 integrate`). */
  readonly integration?: IntegrationRecord | null;
  readonly problems: readonly RecordProblem[];
}

export interface InstructionInfo {
  readonly session: string;
  readonly phase: number;
  readonly id: string;
  readonly path: string;
  readonly blob: string;
}

export interface Snapshot {
  /** Identifies the set of tips read: equal ids, equal views. */
  readonly id: string;
  readonly plan: SwarmPlan;
  readonly coordinationTip: string;
  /** Committer time of the coordination tip (ISO): how old the plan is, for sessions that never reported. */
  readonly coordinationTime?: string;
  readonly sessions: Readonly<Record<string, SessionSnapshot>>;
  readonly approvals: readonly ApprovalEntry[];
  readonly instructions: readonly InstructionInfo[];
  readonly problems: readonly RecordProblem[];
  /** Which manifest is in effect and why (the root of trust); absent in hand-built snapshots. */
  readonly manifest?: ManifestTrustState;
  /**
   * Facts for every completion commit named by a record, by author and then commit id
   * (ancestry is checked against the author's own work branch). Built once by the reader: one
   * small map per session, so the view looks a commit up without building a key per completion
   * in a table that grows with the swarm (the largest line of the view's profile at 5000 sessions).
   */
  readonly commits: CommitIndex;
}

export type CommitIndex = ReadonlyMap<string, ReadonlyMap<string, CommitFacts>>;

/** What the snapshot knows about `commit`, named in a record of `session`. */
export function commitFacts(snap: Snapshot, session: string, commit: string): CommitFacts | undefined {
  return snap.commits.get(session)?.get(commit);
}

/** The snapshot with some sessions replaced, in the same order; the snapshot itself when none is. */
export function withSessions(snap: Snapshot, changed: ReadonlyMap<string, SessionSnapshot>): Snapshot {
  if (changed.size === 0) return snap;
  const sessions: Record<string, SessionSnapshot> = {};
  for (const [id, s] of Object.entries(snap.sessions)) sessions[id] = changed.get(id) ?? s;
  return { ...snap, sessions };
}

/** A session with no records at all: what a reader shows for a branch it could not read, or a test starts from. */
export function emptySession(session: string): SessionSnapshot {
  return {
    session,
    recordsTip: null,
    workTip: null,
    status: null,
    completions: [],
    verifications: [],
    acks: [],
    ledger: [],
    witness: [],
    integration: null,
    problems: [],
  };
}
