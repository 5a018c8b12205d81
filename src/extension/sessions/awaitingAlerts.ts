/**
 * "ndi waits for you: Claude needs your permission to use Bash" — once per wait, with a
 * button that focuses the session's terminal (or opens one). A workspace that watches the
 * swarm (no session of its own) is the person running it: it hears about every session.
 */
import * as vscode from 'vscode';
import { newlyAwaiting } from '../../core/awaitingInput';
import type { SwarmView } from '../../core/viewTypes';
import { CommandId } from '../commandIds';
import { readSettings } from '../settings';
import type { SwarmHost } from '../swarmHost';

export const FOCUS_TERMINAL = 'Focus Terminal';

export class AwaitingAlerts implements vscode.Disposable {
  private last: SwarmView | null = null;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: SwarmHost) {
    this.subscription = host.onDidChangeView((v) => this.update(v));
  }

  private update(view: SwarmView): void {
    const prev = this.last;
    this.last = view;
    const level = readSettings().alertLevel;
    if (level === 'off') return;
    for (const w of newlyAwaiting(prev, view)) {
      if (level === 'mine' && this.host.me && w.session !== this.host.me) continue;
      const message = `${w.session} waits for you: ${w.message}`;
      this.host.log.info(`alert (warning): ${message}`);
      void vscode.window.showWarningMessage(message, FOCUS_TERMINAL).then((pick) => {
        if (pick === FOCUS_TERMINAL) void vscode.commands.executeCommand(CommandId.FocusSessionTerminal, w.session);
      });
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
