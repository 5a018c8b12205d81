/** Swarm-level commands: initialize, validate, pick the session, run or stop the loop. */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { S2Error } from '../../core/errors';
import { MANIFEST_PATH } from '../../core/manifest';
import { sessionIds, sessionIdsProblem } from '../inputText';
import * as vscode from 'vscode';
import { initSwarm } from '../../loop/initSwarm';
import type { SwarmHost } from '../swarmHost';

export async function initSwarmCommand(host: SwarmHost, arg?: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new S2Error('USAGE', 'open a folder (a git repository) first');
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  const manifest = path.join(folder.uri.fsPath, MANIFEST_PATH);
  const exists = await fs.access(manifest).then(
    () => true,
    () => false,
  );
  // Ask about an existing swarm first, not after both questions; a person cannot pass --force.
  let force = given['replace'] === true;
  if (exists && !force) {
    const replace = 'Replace Swarm';
    const pick = await vscode.window.showWarningMessage(
      `S²: this repository already has a swarm (${MANIFEST_PATH}). Replace its manifest with a new one?`,
      { modal: true, detail: 'The old manifest stays in the git history; sessions keep their branches and records.' },
      replace,
    );
    if (pick !== replace) return;
    force = true;
  }
  const ids =
    typeof given['sessions'] === 'string'
      ? given['sessions']
      : await vscode.window.showInputBox({
          title: 'S²: Initialize Swarm (1/2)',
          prompt: 'Session ids, comma-separated: one per coding-agent session (an area of this repository each)',
          placeHolder: await placeholderIds(folder.uri.fsPath),
          validateInput: sessionIdsProblem,
        });
  if (!ids) return;
  const problem = sessionIdsProblem(ids);
  if (problem) throw new S2Error('USAGE', problem);
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
  const sessions = sessionIds(ids);
  const r = await initSwarm({
    repo: folder.uri.fsPath,
    sessions,
    phases: Number(phasesText),
    env: process.env,
    force,
  });
  host.log.info(
    `initialized swarm ${r.plan.swarm} (${sessions.length} sessions) at ${r.commit.slice(0, 12)}; keys created: ${r.keysCreated.join(', ') || 'none'}`,
  );
  host.justInitialized = true;
  await host.open();
  void vscode.window
    .showInformationMessage(
      `S²: swarm ${r.plan.swarm} is ready with ${sessions.join(', ')} (committed in ${MANIFEST_PATH}). Next: open each session — a worktree or clone per session, or "S2: Select Session" to make this window one of them.`,
      'Select Session',
    )
    .then((p) => (p ? vscode.commands.executeCommand('s2.selectSession') : undefined));
}

/** Example ids from this repository (its top-level folders), not from another project. */
async function placeholderIds(root: string): Promise<string> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const dirs = entries
    .filter((e) => e.isDirectory() && /^[A-Za-z0-9][\w.-]*$/.test(e.name) && e.name !== 'node_modules')
    .map((e) => e.name)
    .slice(0, 4);
  return dirs.length >= 2 ? dirs.join(',') : 'backend,frontend,docs';
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
  const mode = await host.startLoopByUser();
  void vscode.window.setStatusBarMessage(
    mode === 'acting'
      ? `S²: polling loop running for ${host.me}`
      : 'S²: polling loop watching (another loop acts for this session, or no session)',
    5000,
  );
}
