import * as path from 'node:path';
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { phaseRecordOf } from './phaseRecordModel';
import type { SwarmHost } from './swarmHost';

/**
 * Opening a phase: its instruction file when this workspace has one, otherwise its record —
 * a read-only document (`s2-record:/sip/phase-4.yaml`) with the phase as the view sees it
 * and the signed completion record from the snapshot, kept current as the view changes.
 */
export const RECORD_SCHEME = 's2-record';

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
    const m = /^\/([^/]+)\/phase-(\d+)\.yaml$/.exec(uri.path);
    if (!m) return `# not an S² phase record: ${uri.toString()}\n`;
    this.open.add(uri.toString());
    const [session, phase] = [m[1]!, Number(m[2])];
    const view = this.host.view;
    if (!view) return '# the swarm is not loaded yet\n';
    const snap = await this.host.read((s) => s.snapshot()).catch(() => null);
    const rec = phaseRecordOf(view, snap, session, phase);
    return `# S² phase ${session}:${phase} — read-only, from snapshot ${view.snapshot}\n${stringify(rec, { lineWidth: 0 })}`;
  }

  /** Open the instruction file of a phase if the workspace has it, else its record. */
  async openPhase(session: string, phase: number): Promise<void> {
    const root = this.host.root;
    if (root) {
      const file = vscode.Uri.file(path.join(root, '.s2', 'instructions', session, `phase-${phase}.md`));
      const exists = await vscode.workspace.fs.stat(file).then(
        () => true,
        () => false,
      );
      if (exists) {
        await vscode.window.showTextDocument(file, { preview: true, preserveFocus: false });
        return;
      }
    }
    const doc = await vscode.workspace.openTextDocument(
      vscode.Uri.from({ scheme: RECORD_SCHEME, path: `/${session}/phase-${phase}.yaml` }),
    );
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
