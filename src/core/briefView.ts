import type { SwarmView, Violation } from './viewTypes';

/** One session in a line's worth of JSON: what an agent needs to decide its next step. */
export interface BriefSession {
  readonly id: string;
  /** The open phase (phaseCount + 1 when all are done). */
  readonly phase: number;
  readonly phaseCount: number;
  readonly state: string;
  readonly stale: boolean;
  readonly spendUsd: number;
  readonly budgetUsd: number;
  /** `session:phase` this session waits on, and the sessions that wait on it. */
  readonly blockedBy: readonly string[];
  readonly blocks: readonly string[];
  /** `session:phase` it helps, when its claim is active. */
  readonly helping: string | null;
}

export interface BriefView {
  readonly snapshot: string;
  readonly swarm: string;
  readonly now: string;
  readonly sessions: readonly BriefSession[];
  readonly blockers: SwarmView['blockers'];
  readonly deadlocks: SwarmView['deadlocks'];
  readonly violations: readonly Violation[];
  readonly swarmSpendUsd: number;
  readonly swarmBudgetUsd: number | null;
}

/**
 * The view without the per-phase detail (`s2 status --brief`, the MCP status tool): about a
 * tenth of the full view's size, which at 50 sessions is ~36k tokens of a model's context.
 */
export function briefView(view: SwarmView): BriefView {
  return {
    snapshot: view.snapshot,
    swarm: view.swarm,
    now: view.now,
    sessions: view.sessions.map((s) => ({
      id: s.id,
      phase: s.phase,
      phaseCount: s.phaseCount,
      state: s.state,
      stale: s.stale,
      spendUsd: s.spendUsd,
      budgetUsd: s.budgetUsd,
      blockedBy: s.blockedBy,
      blocks: s.blocks,
      helping: s.helping?.active ? `${s.helping.session}:${s.helping.phase}` : null,
    })),
    blockers: view.blockers,
    deadlocks: view.deadlocks,
    violations: view.violations,
    swarmSpendUsd: view.swarmSpendUsd,
    swarmBudgetUsd: view.swarmBudgetUsd,
  };
}
