import * as vscode from 'vscode';
import type { SwarmEvent } from '../core/events';
import { Alert, AlertAction, planAlerts } from './alertModel';
import { CommandId } from './commandIds';
import { readSettings } from './settings';
import type { SwarmHost } from './swarmHost';

/**
 * Inline blocker alerts: the loop's events as notifications with actions. The loop emits an
 * event once per change; this caps what one tick may show and sums up the rest.
 */
const ACTION_COMMANDS: Record<AlertAction, string> = {
  'Help Blocker': CommandId.HelpBlocker,
  'Open Matrix': CommandId.ShowMatrix,
  'Show Problems': 'workbench.actions.view.problems',
  'Show Budget': CommandId.ShowBudget,
  'Start Phase': CommandId.StartPhase,
};

export class AlertPresenter implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: SwarmHost) {
    this.subscription = host.onDidEmitEvents((events) => this.present(events));
  }

  present(events: readonly SwarmEvent[]): void {
    const s = readSettings();
    const { show, suppressed } = planAlerts(events, s.alertLevel, this.host.me, s.maxAlertsPerTick);
    for (const a of show) this.notify(a);
    if (suppressed > 0) {
      void vscode.window
        .showInformationMessage(
          `S²: ${suppressed} more alert(s) — see the Problems panel and the Swarm view`,
          'Show Problems',
        )
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand(ACTION_COMMANDS['Show Problems']);
        });
    }
  }

  private notify(a: Alert): void {
    this.host.log.info(`alert (${a.severity}): ${a.message}`);
    const show =
      a.severity === 'error'
        ? vscode.window.showErrorMessage
        : a.severity === 'warning'
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    void show(a.message, ...a.actions).then((pick) => {
      if (pick) void vscode.commands.executeCommand(ACTION_COMMANDS[pick as AlertAction]);
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
