/** The SwarmView: everything every face shows, computed from one snapshot and `now`. */
import type { HelpClaim, SessionState } from './records';

export type PhaseState =
  | 'verified'
  | 'done'
  | 'disputed'
  | 'invalid'
  | 'in-progress'
  | 'stalled'
  | 'error'
  | 'blocked'
  | 'ready'
  | 'not-started';

export type VerificationState = 'verified' | 'unverified' | 'disputed' | 'none';

export interface PhaseView {
  readonly phase: number;
  readonly title: string;
  readonly state: PhaseState;
  readonly needs: readonly string[];
  /** Needs of this phase that are not satisfied, as `session:phase`. */
  readonly blockedBy: readonly string[];
  readonly verification: VerificationState;
  readonly verifiedBy: readonly string[];
  readonly commit: string | null;
  readonly completedBy: string | null;
  readonly dispute: string | null;
  /** The session that holds an adoption of this phase (s2 adopt), if any: the owner may not start it. */
  readonly adoptedBy?: string | null;
}

export type DisplayState = SessionState | 'stale' | 'not-started';

/** The session's agent waits on a person; `stuck` once it has waited longer than the manifest allows. */
export interface AwaitingInputView {
  readonly since: string;
  readonly runtime: string;
  readonly message: string;
  readonly ageSeconds: number;
  readonly stuck: boolean;
}

export interface SessionView {
  readonly id: string;
  readonly title: string;
  readonly branch: string;
  readonly expertise: readonly string[];
  /** The first phase without a valid completion (phaseCount + 1 when all are done). */
  readonly phase: number;
  readonly phaseCount: number;
  readonly completedPhases: number;
  readonly state: DisplayState;
  readonly declaredState: SessionState | null;
  /** The phase the status says was started (`s2 start-phase`), null when none is. */
  readonly startedPhase?: number | null;
  readonly heartbeatAgeSeconds: number | null;
  readonly stale: boolean;
  readonly spendUsd: number;
  /** Of spendUsd: metered from the runtime's records (hook, imported logs) and reported by hand (s2 spend). */
  readonly meteredUsd: number;
  readonly reportedUsd: number;
  readonly budgetUsd: number;
  readonly budgetFraction: number;
  readonly agentsRunning: number;
  readonly maxAgents: number;
  readonly blockedBy: readonly string[];
  /** Why this session waits, per `session:phase` it declared a wait on (`s2 block --reason`). */
  readonly waitReasons: Readonly<Record<string, string>>;
  readonly blocks: readonly string[];
  readonly transitiveBlocks: number;
  /** Failed attempts at the open phase (the loop retries until `max`, then the phase is in error). */
  readonly attempts: { readonly count: number; readonly max: number; readonly lastError: string } | null;
  readonly helping: (HelpClaim & { active: boolean }) | null;
  readonly pendingInstructions: readonly string[];
  /** Set while the session's agent waits on a person (from its runtime's hook), else null. */
  readonly awaitingInput: AwaitingInputView | null;
  readonly recordsTip: string | null;
  readonly workTip: string | null;
  readonly phases: readonly PhaseView[];
}

export interface BlockerView {
  readonly session: string;
  readonly phases: readonly string[];
  readonly blocks: readonly string[];
  readonly transitive: number;
  readonly stalled: boolean;
}

export interface DeadlockView {
  readonly sessions: readonly string[];
  /** The waits inside the cycle, `a:2 -> b:3` meaning a's phase 2 waits on b's phase 3. */
  readonly phases: readonly string[];
  readonly suggestion: { readonly from: string; readonly to: string; readonly unblocks: number; readonly text: string };
}

export interface GangUpTask {
  readonly helper: string;
  readonly side: 'provider' | 'consumer';
  readonly task: string;
  readonly claimed: boolean;
}

export interface GangUpPlan {
  readonly blocker: string;
  readonly phase: number;
  readonly tasks: readonly GangUpTask[];
}

export type Severity = 'error' | 'warning';

export interface Violation {
  readonly code: string;
  readonly session: string;
  readonly message: string;
  readonly severity: Severity;
  readonly ref?: string;
  readonly path?: string;
  /** How many violations of this code on this session this one line stands for (violationSummary.ts); absent for one. */
  readonly count?: number;
}

export interface SwarmView {
  readonly snapshot: string;
  readonly swarm: string;
  readonly now: string;
  readonly sessions: readonly SessionView[];
  readonly blockers: readonly BlockerView[];
  readonly deadlocks: readonly DeadlockView[];
  readonly criticalPath: readonly string[];
  readonly gangUp: readonly GangUpPlan[];
  readonly violations: readonly Violation[];
  readonly swarmSpendUsd: number;
  readonly swarmBudgetUsd: number | null;
  /** The newest integration-gate verdict of any session, and the newest green one. */
  readonly lastIntegration: IntegrationSummary | null;
  readonly lastGreenIntegration: IntegrationSummary | null;
}

export interface IntegrationSummary {
  readonly by: string;
  readonly at: string;
  readonly result: 'pass' | 'fail' | 'conflict';
  readonly merged: readonly string[];
  readonly culprits: readonly string[];
}
