/** What the extension-host suites share: the extension's id, its activation, and waiting for a condition. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { S2Api } from '../../src/extension/extension';

export const EXTENSION_ID = 's2-swarm.s2-swarm';

/** Polls `probe` every 100 ms until it returns something truthy, or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The activated extension, the workspace root and the CLI it ships, once its loop acts for the session. */
export async function activeS2(): Promise<{ api: S2Api; root: string; cliPath: string }> {
  const ext = vscode.extensions.getExtension<S2Api>(EXTENSION_ID)!;
  const api = await ext.activate();
  await api.ready;
  const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const cliPath = path.join(ext.extensionPath, 'dist', 'cli.js');
  await until('the loop', () => api.host.loopMode === 'acting');
  return { api, root, cliPath };
}
