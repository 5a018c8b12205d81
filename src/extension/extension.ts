/**
 * The composition root: build the host and its faces, hand every disposable to the context,
 * and open the swarm without waiting for it (activation stays fast; the tree fills in when
 * the first view arrives). The returned API is for tests.
 */
import * as vscode from 'vscode';
import { AlertPresenter } from './alerts';
import { registerCommands } from './commands/registerCommands';
import { SwarmDiagnostics } from './diagnostics';
import { registerLmTools } from './lmTools';
import { MatrixPanel } from './matrixPanel';
import { PhaseRecords } from './phaseRecords';
import { onDidChangeSettings } from './settings';
import { BudgetStatusBar } from './statusBar';
import { SwarmHost } from './swarmHost';
import { SwarmTree } from './swarmTree';
import { AwaitingAlerts } from './sessions/awaitingAlerts';
import { decorateSessionRow } from './sessions/sessionRowDecorator';
import { SessionTerminals } from './sessions/sessionTerminals';

export interface S2Api {
  readonly host: SwarmHost;
  readonly matrix: MatrixPanel;
  readonly alerts: AlertPresenter;
  readonly tree: SwarmTree;
  readonly statusBar: BudgetStatusBar;
  readonly terminals: SessionTerminals;
  readonly activationMs: number;
  readonly ready: Promise<void>;
  /** This extension's log folder; the extension host's own log sits beside it (tests read its warnings). */
  readonly logUri: vscode.Uri;
}

/** Held only so deactivate() can await the loop's stop (its lock release is async). */
let host: SwarmHost | undefined;

export function activate(context: vscode.ExtensionContext): S2Api {
  const t0 = performance.now();
  const log = vscode.window.createOutputChannel('S²', { log: true });
  host = new SwarmHost(context.workspaceState, log);
  const tree = new SwarmTree(host);
  const records = new PhaseRecords(host);
  const matrix = new MatrixPanel(host, context.extensionUri, async (session, phase) => {
    await tree.reveal(session, phase).catch(() => undefined);
    await records.openPhase(session, phase);
  });
  const statusBar = new BudgetStatusBar(host);
  const alerts = new AlertPresenter(host, context.workspaceState);
  const h = host;
  const terminals = new SessionTerminals(h, context.extensionPath, context.globalStorageUri.fsPath);
  tree.sessionDecorators.push((item, s) => decorateSessionRow(item, s, terminals));
  context.subscriptions.push(
    terminals,
    terminals.onDidChange(() => tree.refresh()),
    new AwaitingAlerts(h),
  );
  context.subscriptions.push(
    log,
    h,
    tree,
    records,
    matrix,
    statusBar,
    alerts,
    new SwarmDiagnostics(h),
    ...registerCommands({ host: h, tree, matrix, statusBar, records, terminals }),
    ...registerLmTools(h),
  );
  context.subscriptions.push(
    onDidChangeSettings(() => void h.open()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void h.open()),
  );
  const ready = h.open();
  const activationMs = Math.round((performance.now() - t0) * 10) / 10;
  log.info(`S² activated in ${activationMs} ms`);
  return { host: h, matrix, alerts, tree, statusBar, terminals, activationMs, ready, logUri: context.logUri };
}

export async function deactivate(): Promise<void> {
  await host?.shutdown();
  host = undefined;
}
