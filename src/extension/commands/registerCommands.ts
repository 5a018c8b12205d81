import * as vscode from 'vscode';
import { CommandId, paletteTitle } from '../commandIds';
import type { MatrixPanel } from '../matrixPanel';
import type { PhaseRecords } from '../phaseRecords';
import type { BudgetStatusBar } from '../statusBar';
import type { SwarmHost } from '../swarmHost';
import type { SwarmTree } from '../swarmTree';
import { focusSessionTerminalCommand, openAllSessionsCommand, openSessionCommand } from '../sessions/sessionCommands';
import type { SessionTerminals } from '../sessions/sessionTerminals';
import { approveBudgetCommand, reportSpendCommand } from './budgetCommands';
import { approveManifestCommand } from './manifestCommands';
import { guarded, refArg } from './commandErrors';
import { helpBlocker } from './helpBlocker';
import {
  adoptPhaseCommand,
  completePhaseCommand,
  resetPhaseCommand,
  startPhaseCommand,
  verifyCompletionCommand,
} from './phaseCommands';
import { clearWaitCommand, declareWaitCommand, releaseHelpCommand } from './waitCommands';
import { initSwarmCommand, selectSessionCommand, startLoopCommand, validateSwarmCommand } from './swarmCommands';

export interface Faces {
  readonly host: SwarmHost;
  readonly tree: SwarmTree;
  readonly matrix: MatrixPanel;
  readonly statusBar: BudgetStatusBar;
  readonly records: PhaseRecords;
  readonly terminals: SessionTerminals;
}

/** Every CommandId gets exactly one handler; the Record type makes a missing one a compile error. */
export function registerCommands(f: Faces): vscode.Disposable[] {
  const { host } = f;
  const handlers: Record<CommandId, (...args: unknown[]) => Promise<unknown>> = {
    [CommandId.HelpBlocker]: (arg) => helpBlocker(host, arg),
    [CommandId.StartLoop]: () => startLoopCommand(host),
    [CommandId.StopLoop]: () => host.stopLoopByUser(),
    [CommandId.ShowMatrix]: async () => f.matrix.show(),
    [CommandId.StartPhase]: (arg) => startPhaseCommand(host, arg),
    [CommandId.CompletePhase]: (arg) => completePhaseCommand(host, arg),
    [CommandId.ReportSpend]: (arg) => reportSpendCommand(host, arg),
    [CommandId.SelectSession]: (arg) => selectSessionCommand(host, arg),
    [CommandId.InitSwarm]: (arg) => initSwarmCommand(host, arg),
    [CommandId.ValidateSwarm]: () => validateSwarmCommand(host),
    [CommandId.RefreshView]: () => host.refresh(),
    [CommandId.ShowBudget]: () => f.statusBar.showBudget(),
    [CommandId.OpenSession]: (arg) => openSessionCommand(host, f.terminals, arg),
    [CommandId.OpenAllSessions]: () => openAllSessionsCommand(host, f.terminals),
    [CommandId.FocusSessionTerminal]: (arg) => focusSessionTerminalCommand(host, f.terminals, arg),
    [CommandId.ApproveManifest]: (arg) => approveManifestCommand(host, arg),
    [CommandId.OpenPhase]: async (arg) => {
      const ref = refArg(arg);
      if (!ref?.phase) return;
      await f.records.openPhase(ref.session, ref.phase);
    },
    [CommandId.ClearWait]: () => clearWaitCommand(host),
    [CommandId.DeclareWait]: (arg) => declareWaitCommand(host, arg),
    [CommandId.VerifyCompletion]: (arg) => verifyCompletionCommand(host, arg),
    [CommandId.ReleaseHelp]: () => releaseHelpCommand(host),
    [CommandId.ResetPhase]: (arg) => resetPhaseCommand(host, arg),
    [CommandId.ApproveBudget]: (arg) => approveBudgetCommand(host, arg),
    [CommandId.AdoptPhase]: (arg) => adoptPhaseCommand(host, arg),
  };
  return (Object.keys(handlers) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, guarded(paletteTitle(id), host.log, handlers[id])),
  );
}
