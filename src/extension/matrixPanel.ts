import * as vscode from 'vscode';
import { matrixModelOf } from '../protocol/matrixModel';
import { HostMessage, MATRIX_VIEW_TYPE, parseWebviewMessage } from '../protocol/matrixProtocol';
import type { SwarmHost } from './swarmHost';
import { matrixHtml } from './webviewHtml';

/**
 * The Dependency Matrix panel. One channel, full snapshots: every view change posts a
 * `matrix/update`; the page says `webview/ready` whenever it (re)loads and gets the current
 * one. No retainContextWhenHidden: the page keeps its selection and scroll with setState,
 * and a serializer restores the panel after a reload.
 */
export class MatrixPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private readonly panelSubscriptions: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Messages posted so far (the extension-host tests read it). */
  posted = 0;

  constructor(
    private readonly host: SwarmHost,
    private readonly extensionUri: vscode.Uri,
    private readonly openCell: (session: string, phase: number) => Promise<void>,
  ) {
    this.subscriptions.push(
      host.onDidChangeView(() => this.post()),
      vscode.window.registerWebviewPanelSerializer(MATRIX_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel) => this.attach(panel),
      }),
    );
  }

  show(): void {
    if (this.panel) return this.panel.reveal(undefined, false);
    const panel = vscode.window.createWebviewPanel(
      MATRIX_VIEW_TYPE,
      'S² Dependency Matrix',
      vscode.ViewColumn.Active,
      {},
    );
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.detach();
    this.panel = panel;
    panel.webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 's2.svg');
    panel.webview.html = matrixHtml(panel.webview, this.extensionUri);
    this.panelSubscriptions.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      panel.onDidDispose(() => {
        if (this.panel === panel) this.detach();
      }),
    );
  }

  private detach(): void {
    for (const s of this.panelSubscriptions.splice(0)) s.dispose();
    this.panel = null;
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) return this.host.log.warn(`matrix: dropped an invalid message from the webview: ${parsed.error}`);
    const m = parsed.message;
    if (m.type === 'webview/ready') return this.post();
    const s = this.host.view?.sessions.find((x) => x.id === m.session);
    if (!s || m.phase > s.phaseCount) return this.host.log.warn(`matrix: no phase ${m.session}:${m.phase}`);
    await this.openCell(m.session, m.phase);
  }

  private post(): void {
    if (!this.panel) return;
    const view = this.host.view;
    const msg: HostMessage = view
      ? { type: 'matrix/update', model: matrixModelOf(view, this.host.me) }
      : {
          type: 'matrix/empty',
          reason: this.host.state === 'no-swarm' ? 'This workspace has no swarm.' : 'Reading the swarm…',
        };
    this.posted++;
    void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.panel?.dispose();
    this.detach();
  }
}
