/**
 * Every command the extension contributes, `s2.<verb><Noun>`. A unit test checks this enum
 * against package.json's `contributes.commands`, both ways.
 */
export enum CommandId {
  HelpBlocker = 's2.helpBlocker',
  StartLoop = 's2.startLoop',
  StopLoop = 's2.stopLoop',
  ShowMatrix = 's2.showMatrix',
  StartPhase = 's2.startPhase',
  CompletePhase = 's2.completePhase',
  ReportSpend = 's2.reportSpend',
  SelectSession = 's2.selectSession',
  InitSwarm = 's2.initSwarm',
  ValidateSwarm = 's2.validateSwarm',
  RefreshView = 's2.refreshView',
  ShowBudget = 's2.showBudget',
  OpenPhase = 's2.openPhase',
  OpenSession = 's2.openSession',
  OpenAllSessions = 's2.openAllSessions',
  FocusSessionTerminal = 's2.focusSessionTerminal',
  ApproveManifest = 's2.approveManifest',
}

/** Ids of the views and the tree container, used by package.json and by reveal(). */
export const VIEW_CONTAINER_ID = 's2';
export const SWARM_VIEW_ID = 's2.swarm';

/** Context keys the `when` clauses of package.json read. */
export const ContextKey = {
  HasSwarm: 's2.hasSwarm',
  LoopRunning: 's2.loopRunning',
  /** True while the swarm is being read, so the welcome view does not flash "no swarm". */
  Opening: 's2.opening',
} as const;
