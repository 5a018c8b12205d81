/**
 * Inline blocker alerts: the loop's events as notifications with actions. The loop emits an
 * event once per change; this caps what one tick may show and sums up the rest.
 */
import * as vscode from 'vscode';
import { eventsOf, type SwarmEvent } from '../core/events';
import { Alert, AlertAction, planAlerts } from './alertModel';
import { CommandId } from './commandIds';
import { readSettings } from './settings';
import type { SwarmHost } from './swarmHost';

const ACTION_COMMANDS: Record<AlertAction, string> = {
  'Help Blocker': CommandId.HelpBlocker,
  'Open Matrix': CommandId.ShowMatrix,
  'Show Problems': 'workbench.actions.view.problems',
  'Show Budget': CommandId.ShowBudget,
  'Start Phase': CommandId.StartPhase,
  'Show in Tree': 's2.swarm.focus',
  'Reset Phase': CommandId.ResetPhase,
};

/** Keys of the alerts already shown in this workspace, kept across reloads (workspaceState). */
const SHOWN_KEY = 's2.shownAlerts';

export class AlertPresenter implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  /** Messages shown, and events received, so far (the extension-host tests read them). */
  readonly messages: string[] = [];
  received = 0;

  constructor(
    private readonly host: SwarmHost,
    private readonly memento: vscode.Memento,
  ) {
    this.subscriptions = [
      host.onDidEmitEvents((events) => this.present(events)),
      // A key that no longer holds may alert again when it comes back (as in the loop).
      host.onDidChangeView((view) => {
        const live = new Set(eventsOf(view, host.me).map((e) => e.key));
        const kept = this.shown().filter((k) => live.has(k));
        if (kept.length !== this.shown().length) void this.memento.update(SHOWN_KEY, kept);
      }),
    ];
  }

  private shown(): string[] {
    return this.memento.get<string[]>(SHOWN_KEY, []);
  }

  present(events: readonly SwarmEvent[]): void {
    const s = readSettings();
    this.received += events.length;
    // After a reload the loop starts afresh and reports every current event: show only the new ones.
    const before = new Set(this.shown());
    const fresh = events.filter((e) => !before.has(e.key));
    void this.memento.update(SHOWN_KEY, [...before, ...fresh.filter((e) => e.type !== 'UNBLOCKED').map((e) => e.key)]);
    const { show, suppressed } = planAlerts(fresh, s.alertLevel, this.host.me, s.maxAlertsPerTick);
    for (const a of show) this.notify(a);
    if (suppressed > 0) {
      void vscode.window
        .showInformationMessage(
          `S²: ${suppressed} more alert${suppressed === 1 ? '' : 's'} — see the Problems panel and the Swarm view`,
          'Show Problems',
        )
        .then((pick) => {
          if (pick) void vscode.commands.executeCommand(ACTION_COMMANDS['Show Problems']);
        });
    }
  }

  private notify(a: Alert): void {
    this.host.log.info(`alert (${a.severity}): ${a.message}`);
    this.messages.push(a.message);
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
    for (const d of this.subscriptions) d.dispose();
  }
}
