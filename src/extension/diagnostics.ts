/**
 * Blockers, cycles and violations as Problems on the lines of the manifest and the
 * instruction files in this workspace (the files as checked out, which the editor shows).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { MANIFEST_PATH } from '../core/manifest';
import type { SwarmView } from '../core/viewTypes';
import { diagnosticsOf, DiagnosticSpec, InstructionText } from './diagnosticModel';
import type { SwarmHost } from './swarmHost';

const SEVERITY: Record<DiagnosticSpec['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class SwarmDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('s2');
  private readonly subscriptions: vscode.Disposable[] = [];
  private generation = 0;

  constructor(private readonly host: SwarmHost) {
    this.subscriptions.push(
      host.onDidChangeView((v) => void this.update(v)),
      host.onDidChangeState(() => (host.view ? undefined : this.collection.clear())),
    );
  }

  async update(view: SwarmView): Promise<void> {
    const root = this.host.root;
    if (!root) return;
    const gen = ++this.generation;
    const manifest = await readText(root, MANIFEST_PATH);
    const instructions = await readInstructions(root, view);
    if (gen !== this.generation) return;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const d of diagnosticsOf(view, manifest, instructions)) {
      const diag = new vscode.Diagnostic(new vscode.Range(d.line, 0, d.line, 1000), d.message, SEVERITY[d.severity]);
      diag.source = 'S²';
      diag.code = d.code;
      (byFile.get(d.file) ?? byFile.set(d.file, []).get(d.file)!).push(diag);
    }
    this.collection.clear();
    for (const [file, diags] of byFile) this.collection.set(vscode.Uri.file(path.join(root, file)), diags);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

async function readInstructions(root: string, view: SwarmView): Promise<InstructionText[]> {
  const out: InstructionText[] = [];
  for (const s of view.sessions) {
    for (const p of s.phases) {
      if (p.state !== 'blocked') continue;
      const rel = `.s2/instructions/${s.id}/phase-${p.phase}.md`;
      const text = await readText(root, rel);
      if (text !== null) out.push({ session: s.id, phase: p.phase, path: rel, text });
    }
  }
  return out;
}

/** A workspace file through VS Code's file system (so it works for any workspace provider). */
async function readText(root: string, rel: string): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path.join(root, rel))));
  } catch {
    return null;
  }
}
