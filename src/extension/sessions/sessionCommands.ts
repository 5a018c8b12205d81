import * as vscode from 'vscode';
import { errorMessage, S2Error } from '../../core/errors';
import type { SessionView } from '../../core/viewTypes';
import { refArg } from '../commands/commandErrors';
import type { SwarmHost } from '../swarmHost';
import { SessionTerminals } from './sessionTerminals';

/** The session a command was given (a tree row, an alert's argument, a string), else one the person picks. */
async function sessionArg(host: SwarmHost, arg: unknown, placeHolder: string): Promise<string | null> {
  const given = typeof arg === 'string' ? arg : refArg(arg)?.session;
  if (given) return given;
  const view = host.view;
  if (!view) throw new S2Error('USAGE', 'no swarm is open in this workspace');
  const pick = await vscode.window.showQuickPick(
    view.sessions.map((s) => ({ label: s.id, description: describeSession(s), session: s.id })),
    { placeHolder },
  );
  return pick?.session ?? null;
}

function describeSession(s: SessionView): string {
  return [s.title !== s.id ? s.title : '', s.state, s.awaitingInput ? 'awaiting input' : '']
    .filter(Boolean)
    .join(' · ');
}

/** "S2: Open Session…": make or reuse the checkout and open its terminal running the agent. */
export async function openSessionCommand(host: SwarmHost, terminals: SessionTerminals, arg: unknown): Promise<void> {
  const id = await sessionArg(host, arg, 'Open which session? (its checkout, hooks and a terminal running its agent)');
  if (!id) return;
  const r = await terminals.open(id);
  if (r && !r.reused)
    void vscode.window.showInformationMessage(`S²: ${id} opened in ${r.path} (${r.topology} on ${r.branch})`);
}

/** "S2: Open All Sessions": one terminal per session of the manifest, in manifest order. */
export async function openAllSessionsCommand(host: SwarmHost, terminals: SessionTerminals): Promise<void> {
  const view = host.view;
  if (!view) throw new S2Error('USAGE', 'no swarm is open in this workspace');
  const failed: string[] = [];
  for (const s of view.sessions) {
    if (s.state === 'done') continue;
    await terminals.open(s.id).catch((e: unknown) => {
      failed.push(`${s.id}: ${errorMessage(e)}`);
    });
  }
  if (failed.length) throw new S2Error('REFUSED', `could not open ${failed.length} session(s)`, { reasons: failed });
}

/**
 * Focus the session's terminal (a click on its row, an alert's button). Without one in this
 * window it offers to open the session rather than doing it: the agent may run elsewhere,
 * and a second agent on the same session is not what "focus" means.
 */
export async function focusSessionTerminalCommand(
  host: SwarmHost,
  terminals: SessionTerminals,
  arg: unknown,
): Promise<void> {
  const id = await sessionArg(host, arg, 'Focus which session?');
  if (!id || terminals.focus(id)) return;
  const pick = await vscode.window.showInformationMessage(
    `S²: ${id} has no terminal in this window (its agent may run elsewhere).`,
    'Open Session',
  );
  if (pick) await openSessionCommand(host, terminals, id);
}
