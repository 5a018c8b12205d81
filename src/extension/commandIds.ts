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
  ClearWait = 's2.clearWait',
  DeclareWait = 's2.declareWait',
  VerifyCompletion = 's2.verifyCompletion',
  ReleaseHelp = 's2.releaseHelp',
  ResetPhase = 's2.resetPhase',
  ApproveBudget = 's2.approveBudget',
  AdoptPhase = 's2.adoptPhase',
  ApproveManifest = 's2.approveManifest',
}

/**
 * The palette titles ("S2: Start Phase"), the words a message uses to send a person to a
 * command. Kept beside the ids; a unit test checks them against package.json.
 */
export const COMMAND_TITLES: Record<CommandId, string> = {
  [CommandId.HelpBlocker]: 'Help Blocker',
  [CommandId.StartLoop]: 'Start Polling Loop',
  [CommandId.StopLoop]: 'Stop Polling Loop',
  [CommandId.ShowMatrix]: 'Show Dependency Matrix',
  [CommandId.StartPhase]: 'Start Phase',
  [CommandId.CompletePhase]: 'Complete Phase',
  [CommandId.ReportSpend]: 'Report Spend',
  [CommandId.SelectSession]: 'Select Session',
  [CommandId.InitSwarm]: 'Initialize Swarm',
  [CommandId.ValidateSwarm]: 'Validate Swarm',
  [CommandId.RefreshView]: 'Refresh',
  [CommandId.ShowBudget]: 'Show Budget',
  [CommandId.OpenPhase]: 'Open Phase',
  [CommandId.ClearWait]: 'Clear My Wait',
  [CommandId.DeclareWait]: 'Wait On a Phase',
  [CommandId.VerifyCompletion]: 'Verify Completion',
  [CommandId.ReleaseHelp]: 'Release Help Claim',
  [CommandId.ResetPhase]: 'Reset Phase',
  [CommandId.ApproveBudget]: 'Approve Budget',
  [CommandId.AdoptPhase]: 'Adopt Phase',
  [CommandId.ApproveManifest]: 'Approve Manifest Change',
  [CommandId.OpenSession]: 'Open Session…',
  [CommandId.OpenAllSessions]: 'Open All Sessions',
  [CommandId.FocusSessionTerminal]: 'Focus Session Terminal',
};

/** "S2: Start Phase" — how a message names a command (the palette finds it by this, and by "S²"). */
export function paletteTitle(id: CommandId): string {
  return `S2: ${COMMAND_TITLES[id]}`;
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
  /** This workspace's session has a declared wait / a help claim (for the menus). */
  HasWait: 's2.hasWait',
  Helping: 's2.helping',
} as const;
