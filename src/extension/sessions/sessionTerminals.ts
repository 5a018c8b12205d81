import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AgentRuntime } from '../../core/manifest';
import { writeCliShim } from '../../loop/cliShim';
import { openSessionCheckout, OpenResult, shellQuote } from '../../loop/sessionCheckout';
import type { SwarmHost } from '../swarmHost';

/**
 * One integrated terminal per session, opened from the workspace that watches the swarm
 * (a workspace on main works): the session's checkout made or reused by the engine, the
 * terminal named after the session, its cwd the checkout, S2_SESSION set, the bundled s2 on
 * its PATH, running the agent command. Terminals closed by the person are forgotten.
 */
export class SessionTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly didChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this.didChange.event;
  private readonly disposables: vscode.Disposable[] = [this.didChange];

  constructor(
    private readonly host: SwarmHost,
    private readonly extensionPath: string,
    private readonly storagePath: string,
  ) {
    this.disposables.push(
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, mine] of this.terminals)
          if (mine === t) {
            this.terminals.delete(id);
            this.didChange.fire();
          }
      }),
    );
  }

  has(session: string): boolean {
    return this.terminals.has(session);
  }

  /** The terminal's name, also how a person finds it in the terminal list. */
  static nameOf(session: string): string {
    return `S² ${session}`;
  }

  /** Show the session's terminal; false when it has none. */
  focus(session: string): boolean {
    const t = this.terminals.get(session);
    if (!t) return false;
    t.show(false);
    return true;
  }

  /** Open (or focus) the session's terminal, making its checkout first. */
  async open(session: string, runtime?: AgentRuntime): Promise<OpenResult | null> {
    if (this.focus(session)) return null;
    const bin = path.join(this.storagePath, 'bin');
    const shim = await writeCliShim(bin, path.join(this.extensionPath, 'dist', 'cli.js'), process.execPath);
    const r = await this.host.read((s) =>
      openSessionCheckout(s, session, {
        ...(runtime ? { runtime } : {}),
        s2Command: shellQuote(shim),
        // The runtime starts `s2 mcp` through the same launcher the terminals put on the PATH.
        mcpLaunch: (dir, sid) => ({ command: shim, args: ['--repo', dir, '--session', sid, 'mcp'], env: {} }),
      }),
    );
    const t = vscode.window.createTerminal({
      name: SessionTerminals.nameOf(session),
      cwd: r.path,
      env: { S2_SESSION: session, PATH: `${bin}${path.delimiter}${process.env['PATH'] ?? ''}` },
      iconPath: new vscode.ThemeIcon('hubot'),
    });
    this.terminals.set(session, t);
    t.show(false);
    t.sendText(r.agentCommand);
    this.host.log.info(
      `${session}: terminal in ${r.path} (${r.reused ? 'reused' : 'new'} ${r.topology}) running ${r.agentCommand}`,
    );
    this.didChange.fire();
    return r;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
