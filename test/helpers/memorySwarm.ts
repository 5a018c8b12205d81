import { createHash } from 'node:crypto';
import { evaluateCompletions, type CompletionTable } from '../../src/core/completions';
import { appendToChain } from '../../src/core/hashChain';
import { parseManifest, type SwarmPlan } from '../../src/core/manifest';
import {
  ApprovalEntry,
  CompletionRecord,
  LedgerEntry,
  StatusRecord,
  VerificationRecord,
  type CommandResult,
} from '../../src/core/records';
import { type CommitFacts, type SessionSnapshot, type Snapshot } from '../../src/core/snapshot';
import { computeView } from '../../src/core/view';
import { buildWaitFor, type WaitFor } from '../../src/core/waitFor';
import type { SwarmView, Violation } from '../../src/core/viewTypes';

/**
 * An in-memory snapshot builder for plain-Node tests of the pure engine: a manifest parsed
 * with the real `parseManifest`, records parsed with the real zod schemas (so a builder call
 * that the store would refuse fails here too), commit facts set by hand, and a fixed `now`.
 * Signatures are left out: the store admits records before the view sees them, and the view
 * never looks at `signature`.
 */
export const NOW = new Date('2026-03-01T12:00:00.000Z');

/** A deterministic 40-hex commit id for a label, so tests can name commits. */
export function commitOf(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** `now` minus some seconds, as ISO text. */
export function ago(seconds: number, now = NOW): string {
  return new Date(now.getTime() - seconds * 1000).toISOString();
}

interface SessionRecords {
  status: StatusRecord | null;
  workTip: string | null;
  completions: CompletionRecord[];
  verifications: VerificationRecord[];
  ledger: LedgerEntry[];
}

export interface CompleteOptions {
  /** Default: a commit named after session and phase. */
  readonly commit?: string;
  /** Default true: the commit exists in the repository. */
  readonly exists?: boolean;
  /** Default true: the commit is on the author's work branch. */
  readonly onWorkBranch?: boolean;
  /** Adoption: completing another session's phase. */
  readonly forSession?: string;
}

export class MemorySwarm {
  readonly plan: SwarmPlan;
  coordinationTime: string | undefined;
  private readonly records = new Map<string, SessionRecords>();
  private readonly commits = new Map<string, Map<string, CommitFacts>>();
  private readonly approvals: ApprovalEntry[] = [];

  constructor(
    manifestYaml: string,
    readonly now: Date = NOW,
  ) {
    this.plan = parseManifest(manifestYaml);
  }

  private of(session: string): SessionRecords {
    let r = this.records.get(session);
    if (!r) {
      r = { status: null, workTip: null, completions: [], verifications: [], ledger: [] };
      this.records.set(session, r);
    }
    return r;
  }

  /** Writes (replaces) a session's status; heartbeat defaults to now, state to working. */
  status(session: string, fields: Partial<Omit<StatusRecord, 'kind' | 'session'>> = {}): this {
    const r = this.of(session);
    this.of(session).status = StatusRecord.parse({
      kind: 'status',
      session,
      seq: (r.status?.seq ?? 0) + 1,
      updatedAt: this.now.toISOString(),
      heartbeatAt: this.now.toISOString(),
      state: 'working',
      phase: 1,
      ...fields,
    });
    return this;
  }

  workTip(session: string, tip: string | null): this {
    this.of(session).workTip = tip;
    return this;
  }

  /** A completion record of `session` for `phase` (of `forSession` when adopting). */
  complete(session: string, phase: number, opts: CompleteOptions = {}): this {
    const commit = opts.commit ?? commitOf(`${opts.forSession ?? session}:${phase}`);
    this.of(session).completions.push(
      CompletionRecord.parse({
        kind: 'completion',
        session,
        phase,
        ...(opts.forSession ? { forSession: opts.forSession } : {}),
        commit,
        completedAt: this.now.toISOString(),
        validations: [{ command: 'npm test', exitCode: 0, durationMs: 10 }],
      }),
    );
    const own = this.commits.get(session) ?? this.commits.set(session, new Map()).get(session)!;
    own.set(commit, { exists: opts.exists ?? true, onWorkBranch: opts.onWorkBranch ?? true });
    return this;
  }

  /** Completes phases 1..n of a session; with a verifier, each is verified (pass) by it. */
  done(session: string, n: number, verifier?: string): this {
    for (let k = 1; k <= n; k++) {
      this.complete(session, k);
      if (verifier) this.verify(verifier, session, k);
    }
    return this;
  }

  /** A verification by `verifier` of target's completion of `phase` (default: the default commit). */
  verify(
    verifier: string,
    target: string,
    phase: number,
    result: 'pass' | 'fail' | 'conflict' = 'pass',
    opts: { commit?: string; at?: string; commands?: Partial<CommandResult>[]; detail?: string } = {},
  ): this {
    this.of(verifier).verifications.push(
      VerificationRecord.parse({
        kind: 'verification',
        verifier,
        target,
        phase,
        completionCommit: opts.commit ?? commitOf(`${target}:${phase}`),
        verifierCommit: commitOf(`${verifier}:verifier`),
        result,
        at: opts.at ?? this.now.toISOString(),
        commands: opts.commands ?? [],
        detail: opts.detail ?? '',
      }),
    );
    return this;
  }

  spend(session: string, usd: number, model = 'claude-test'): this {
    const ledger = this.of(session).ledger;
    ledger.push(
      LedgerEntry.parse(
        appendToChain(ledger, {
          kind: 'spend',
          session,
          at: this.now.toISOString(),
          usd,
          model,
          note: '',
          source: 'manual',
        }),
      ),
    );
    return this;
  }

  /** An approval raising `scope`'s cap (`*` is the swarm budget). */
  approve(scope: string, addUsd: number, approver = 'alice'): this {
    this.approvals.push(
      ApprovalEntry.parse(
        appendToChain(this.approvals, {
          kind: 'approval',
          approver,
          at: this.now.toISOString(),
          scope,
          addUsd,
          note: '',
        }),
      ),
    );
    return this;
  }

  snapshot(): Snapshot {
    const sessions: Record<string, SessionSnapshot> = {};
    for (const [id, r] of this.records) {
      sessions[id] = {
        session: id,
        recordsTip: commitOf(`${id}:records`),
        workTip: r.workTip,
        status: r.status,
        completions: [...r.completions],
        verifications: [...r.verifications],
        acks: [],
        ledger: [...r.ledger],
        witness: [],
        integration: null,
        problems: [],
      };
    }
    return {
      id: 'memory',
      plan: this.plan,
      coordinationTip: commitOf('coordination'),
      ...(this.coordinationTime ? { coordinationTime: this.coordinationTime } : {}),
      sessions,
      approvals: [...this.approvals],
      instructions: [],
      problems: [],
      commits: new Map([...this.commits].map(([s, m]) => [s, new Map(m)])),
    };
  }

  view(): SwarmView {
    return computeView(this.snapshot(), this.now);
  }

  /** The completion table and the violations found while building it. */
  completions(): { table: CompletionTable; violations: Violation[] } {
    const violations: Violation[] = [];
    return { table: evaluateCompletions(this.snapshot(), violations), violations };
  }

  waitFor(): { wf: WaitFor; table: CompletionTable; violations: Violation[] } {
    const snap = this.snapshot();
    const violations: Violation[] = [];
    const table = evaluateCompletions(snap, violations);
    return { wf: buildWaitFor(snap, table, violations), table, violations };
  }
}

/** A manifest from a compact description: `sessions` maps id to its YAML body lines. */
export function manifest(sessions: Record<string, string>, top = ''): string {
  const body = Object.entries(sessions)
    .map(([id, yaml]) => `  ${id}:\n${yaml.replace(/^/gm, '    ')}`)
    .join('\n');
  return `swarm: test\n${top}sessions:\n${body}\n`;
}
