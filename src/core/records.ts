/**
 * The records a session writes on its own branch `s2/sessions/<id>`, under
 * `.s2/sessions/<id>/`. Each is signed by the session's key (see signing.ts); the schemas
 * are the types.
 */
import { z } from 'zod';

export const SignatureSchema = z.object({ by: z.string(), sig: z.string() });

export const SESSION_STATES = ['idle', 'working', 'blocked', 'helping', 'error', 'done'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const CommandResult = z.object({
  command: z.string(),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  outputTail: z.string().default(''),
  timedOut: z.boolean().default(false),
});
export type CommandResult = z.infer<typeof CommandResult>;

export const HelpClaim = z.object({
  session: z.string(),
  phase: z.number().int().positive(),
  task: z.string(),
  side: z.enum(['provider', 'consumer']).default('provider'),
  claimedAt: z.string(),
  leaseSeconds: z.number().positive(),
  /** The helper's work-branch tip when the claim was made or renewed: progress is a move of it. */
  workTipAtClaim: z.string().nullable(),
});
export type HelpClaim = z.infer<typeof HelpClaim>;

/**
 * The agent runtime asked a person for something (a permission prompt, or it sits idle
 * waiting for a prompt): recorded from the runtime's own hook signal, cleared by the next
 * tool call. `since` is when the wait began, so a long wait can count as stuck.
 */
export const AwaitingInput = z.object({
  since: z.string(),
  runtime: z.string(),
  message: z.string(),
});
export type AwaitingInput = z.infer<typeof AwaitingInput>;

export const StatusRecord = z.object({
  kind: z.literal('status'),
  session: z.string(),
  /** Fencing token: grows by one with every status written; readers honour the newest. */
  seq: z.number().int().positive(),
  updatedAt: z.string(),
  heartbeatAt: z.string(),
  state: z.enum(SESSION_STATES),
  /** The phase being worked on (or the next one), 0 before the first start. */
  phase: z.number().int().nonnegative(),
  phaseStartedAt: z.string().nullable().default(null),
  blockedOn: z.array(z.object({ on: z.string(), reason: z.string(), since: z.string() })).default([]),
  helping: HelpClaim.nullable().default(null),
  wantsHelp: z.boolean().default(false),
  adopted: z.array(z.object({ session: z.string(), phase: z.number().int().positive(), at: z.string() })).default([]),
  attempts: z
    .record(z.string(), z.object({ count: z.number().int(), lastError: z.string(), at: z.string() }))
    .default({}),
  agents: z
    .object({
      running: z.array(z.string()).default([]),
      /**
       * Per clone (a tag of the machine and the repository's path), the epoch of its agent-slot
       * journal these slots are in step with (src/loop/agentSlotJournal.ts): a journal of another
       * epoch, edited or removed, is a lost journal. Optional and absent before the journal, so
       * older statuses verify.
       */
      journals: z.record(z.string(), z.string()).optional(),
      /** Journals found lost (removed, edited or replaced in `.git/s2/`): the slots they counted are unknown. */
      journalsLost: z.number().int().nonnegative().optional(),
    })
    .default({}),
  /** Optional and absent when nothing waits, so statuses written before it still verify. */
  awaitingInput: AwaitingInput.nullable().optional(),
  /**
   * The session's own record of its last silences (heartbeat gaps longer than its lease), newest
   * last: what lets a reader tell an adoption made while it was silent from one of a live session.
   * Optional and absent when there are none, so statuses written before it still verify.
   */
  silences: z
    .array(z.object({ from: z.string(), to: z.string() }))
    .max(8)
    .optional(),
  signature: SignatureSchema.optional(),
});
export type StatusRecord = z.infer<typeof StatusRecord>;

export const CompletionRecord = z.object({
  kind: z.literal('completion'),
  session: z.string(),
  phase: z.number().int().positive(),
  /** Completed on behalf of another session's phase (adoption), else absent. */
  forSession: z.string().optional(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  completedAt: z.string(),
  validations: z.array(CommandResult),
  /** Earlier completions of this phase that this one replaces after a dispute, oldest first (the history is kept). */
  supersedes: z.array(z.object({ commit: z.string(), completedAt: z.string(), dispute: z.string() })).optional(),
  signature: SignatureSchema.optional(),
});
export type CompletionRecord = z.infer<typeof CompletionRecord>;

export const VerificationRecord = z.object({
  kind: z.literal('verification'),
  verifier: z.string(),
  target: z.string(),
  phase: z.number().int().positive(),
  completionCommit: z.string(),
  verifierCommit: z.string(),
  result: z.enum(['pass', 'fail', 'conflict']),
  at: z.string(),
  commands: z.array(CommandResult),
  detail: z.string().default(''),
  signature: SignatureSchema.optional(),
});
export type VerificationRecord = z.infer<typeof VerificationRecord>;

export const AckRecord = z.object({
  kind: z.literal('ack'),
  session: z.string(),
  instruction: z.string(),
  blob: z.string(),
  at: z.string(),
  outcome: z.enum(['started', 'refused', 'failed', 'skipped']),
  detail: z.string().default(''),
  signature: SignatureSchema.optional(),
});
export type AckRecord = z.infer<typeof AckRecord>;

const chainFields = { seq: z.number().int().positive(), prev: z.string(), hash: z.string() };

export const LedgerEntry = z.object({
  kind: z.literal('spend'),
  session: z.string(),
  at: z.string(),
  usd: z.number(),
  model: z.string().default('unknown'),
  note: z.string().default(''),
  source: z.string().default('manual'),
  /** Ids of imported usage messages, so an import never counts one twice. */
  refs: z.array(z.string()).optional(),
  ...chainFields,
  signature: SignatureSchema.optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const WitnessEntry = z.object({
  kind: z.literal('witness'),
  session: z.string(),
  at: z.string(),
  action: z.string(),
  detail: z.string().default(''),
  ...chainFields,
  signature: SignatureSchema.optional(),
});
export type WitnessEntry = z.infer<typeof WitnessEntry>;

export const ApprovalEntry = z.object({
  kind: z.literal('approval'),
  approver: z.string(),
  at: z.string(),
  /** A session id, or `*` for the swarm-wide budget. */
  scope: z.string(),
  addUsd: z.number().positive(),
  note: z.string().default(''),
  ...chainFields,
  signature: SignatureSchema.optional(),
});
export type ApprovalEntry = z.infer<typeof ApprovalEntry>;

/** The branch that holds one session's records, and nothing else: `s2/sessions/<id>`. */
export const sessionBranch = (s: string): string => `s2/sessions/${s}`;

/** The one folder a session's records branch may hold: `.s2/sessions/<id>` (no trailing slash). */
export const sessionDir = (s: string): string => `.s2/sessions/${s}`;

/** Paths inside a session's records branch. */
export const recordPaths = {
  root: (s: string) => `${sessionDir(s)}/`,
  status: (s: string) => `${sessionDir(s)}/status.yaml`,
  phase: (s: string, n: number) => `${sessionDir(s)}/phases/${n}.yaml`,
  adopted: (s: string, target: string, n: number) => `${sessionDir(s)}/adopted/${target}-${n}.yaml`,
  verification: (s: string, target: string, n: number) => `${sessionDir(s)}/verifications/${target}-${n}.yaml`,
  ack: (s: string, id: string) => `${sessionDir(s)}/acks/${id.replace(/[^A-Za-z0-9_.-]/g, '_')}.yaml`,
  ledger: (s: string) => `${sessionDir(s)}/ledger.jsonl`,
  witness: (s: string) => `${sessionDir(s)}/witness.jsonl`,
  approvals: (a: string) => `${approverDir(a)}/approvals.jsonl`,
};

export const sessionRef = (s: string) => `refs/heads/${sessionBranch(s)}`;
/** The branch that holds one approver's signed approvals (budgets, manifests), and its folder. */
export const approverBranch = (a: string): string => `s2/approvals/${a}`;
export const approverDir = (a: string): string => `.s2/approvals/${a}`;

export const approverRef = (a: string) => `refs/heads/${approverBranch(a)}`;
