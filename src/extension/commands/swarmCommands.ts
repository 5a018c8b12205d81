import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import { initSwarm } from '../../loop/initSwarm';
import type { SwarmHost } from '../swarmHost';

/** Swarm-level commands: initialize, validate, pick the session, run or stop the loop. */
export async function initSwarmCommand(host: SwarmHost, arg?: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new S2Error('USAGE', 'open a folder (a git repository) first');
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  const ids =
    typeof given['sessions'] === 'string'
      ? given['sessions']
      : await vscode.window.showInputBox({
          title: 'S²: Initialize Swarm (1/2)',
          prompt: 'Session ids, comma-separated',
          placeHolder: 'ndi,webrtc,h323,sip,cli,talent,bus',
          validateInput: (v) =>
            /^\s*[A-Za-z0-9][\w.-]*(\s*,\s*[A-Za-z0-9][\w.-]*)*\s*$/.test(v)
              ? undefined
              : 'letters, digits, _ . - separated by commas',
        });
  if (!ids) return;
  const phasesText =
    typeof given['phases'] === 'number'
      ? String(given['phases'])
      : await vscode.window.showInputBox({
          title: 'S²: Initialize Swarm (2/2)',
          prompt: 'Phases per session',
          value: '10',
          validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'a whole number ≥ 1'),
        });
  if (!phasesText) return;
  const sessions = ids
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const r = await initSwarm({ repo: folder.uri.fsPath, sessions, phases: Number(phasesText), env: process.env });
  host.log.info(
    `initialized swarm ${r.plan.swarm} (${sessions.length} sessions) at ${r.commit.slice(0, 12)}; keys created: ${r.keysCreated.join(', ') || 'none'}`,
  );
  await host.open();
  void vscode.window.showInformationMessage(
    `S²: swarm ${r.plan.swarm} initialized with ${sessions.length} sessions; manifest committed in ${r.file}`,
  );
}

export async function validateSwarmCommand(host: SwarmHost): Promise<number> {
  await host.refresh();
  const view = host.view;
  if (!view) throw new S2Error('USAGE', 'no swarm is open in this workspace');
  const errors = view.violations.filter((v) => v.severity === 'error');
  const warnings = view.violations.length - errors.length;
  if (!view.violations.length)
    void vscode.window.showInformationMessage(
      `S²: swarm ${view.swarm} is valid (snapshot ${view.snapshot.slice(0, 12)})`,
    );
  else {
    const show = vscode.window.showWarningMessage(
      `S²: ${errors.length} violation(s) and ${warnings} warning(s) in swarm ${view.swarm}`,
      'Show Problems',
    );
    void show.then((p) => (p ? vscode.commands.executeCommand('workbench.actions.view.problems') : undefined));
  }
  return errors.length;
}

export async function selectSessionCommand(host: SwarmHost, arg?: unknown): Promise<void> {
  if (typeof arg === 'string' || arg === null) return host.pickSession(arg);
  const view = host.view;
  if (!view) throw new S2Error('USAGE', 'no swarm is open in this workspace');
  const none = '(none — watch only)';
  const items = [
    ...view.sessions.map((s) => ({
      label: s.id,
      description: `${s.title} · ${s.state}${s.id === host.me ? ' · current' : ''}`,
    })),
    { label: none, description: '' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'S²: Which session is this workspace?' });
  if (pick) await host.pickSession(pick.label === none ? null : pick.label);
}

export async function startLoopCommand(host: SwarmHost): Promise<void> {
  const mode = await host.startLoop();
  void vscode.window.setStatusBarMessage(
    mode === 'acting'
      ? `S²: polling loop running for ${host.me}`
      : 'S²: polling loop watching (another loop acts for this session, or no session)',
    5000,
  );
}
