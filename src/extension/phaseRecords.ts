/**
 * Opening a phase: a read-only markdown document (`s2-phase:/sip/4/sip:4 SIP trunk registration`)
 * with the phase as the view sees it and its instruction, kept current as the view changes.
 * The last path segment is the tab's name.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { phaseDocument, phaseTabTitle } from './phaseRecordModel';
import type { SwarmHost } from './swarmHost';

export const RECORD_SCHEME = 's2-phase';

export class PhaseRecords implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly didChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.didChange.event;
  private readonly open = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly host: SwarmHost) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(RECORD_SCHEME, this),
      host.onDidChangeView(() => {
        for (const u of this.open) this.didChange.fire(vscode.Uri.parse(u));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.open.delete(d.uri.toString())),
      this.didChange,
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const m = /^\/([^/]+)\/(\d+)\//.exec(uri.path);
    if (!m) return `Not an S² phase: ${uri.toString()}\n`;
    this.open.add(uri.toString());
    const [session, phase] = [m[1]!, Number(m[2])];
    const view = this.host.view;
    if (!view) return 'The swarm is not loaded yet.\n';
    const snap = await this.host.read((s) => s.snapshot()).catch(() => null);
    return phaseDocument(view, snap, session, phase, await this.instruction(session, phase)).markdown;
  }

  private async instruction(session: string, phase: number): Promise<string | null> {
    const root = this.host.root;
    if (!root) return null;
    const file = vscode.Uri.file(path.join(root, '.s2', 'instructions', session, `phase-${phase}.md`));
    return vscode.workspace.fs.readFile(file).then(
      (b) => new TextDecoder().decode(b),
      () => null,
    );
  }

  /** Open a phase's document in a tab named `sip:4 SIP trunk registration`. */
  async openPhase(session: string, phase: number): Promise<void> {
    const name = phaseTabTitle(this.host.view, session, phase);
    const uri = vscode.Uri.from({ scheme: RECORD_SCHEME, path: `/${session}/${phase}/${name}` });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
