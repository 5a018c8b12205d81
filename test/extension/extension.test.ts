import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../src/extension/commandIds';
import type { S2Api } from '../../src/extension/extension';
import { parseRecordText } from '../../src/git/recordCodec';
import { EXTENSION_ID, until } from './extensionHostWaits';

/**
 * Behavioural tests inside a real extension host, against the seeded swarm that runTests.ts
 * built (the workspace is webrtc's worktree; S2_HOME holds the keys). Few and end to end:
 * pure logic is unit-tested in plain Node.
 */

describe('S² in the extension host', () => {
  let api: S2Api;

  before(async () => {
    const ext = vscode.extensions.getExtension<S2Api>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is loaded`);
    api = await ext.activate();
    await api.ready;
    console.log(`      activation: ${api.activationMs} ms`);
  });

  it('activates fast and registers every command', async () => {
    assert.ok(api.activationMs < 500, `activation took ${api.activationMs} ms`);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const id of Object.values(CommandId)) assert.ok(all.has(id), `${id} registered`);
  });

  it('knows this workspace is webrtc and runs the loop for it', async () => {
    assert.equal(api.host.me, 'webrtc');
    assert.equal(api.host.view?.sessions.length, 7);
    await until('the loop', () => api.host.loopMode === 'acting');
    assert.deepEqual(api.host.view?.sessions.find((s) => s.id === 'webrtc')?.blockedBy, ['sip:4']);
  });

  it('puts the blocker on the needs line of .s2/swarm.yaml in the Problems', async () => {
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const uri = vscode.Uri.file(path.join(root, '.s2', 'swarm.yaml'));
    const diag = await until('diagnostics', () =>
      vscode.languages.getDiagnostics(uri).find((d) => /webrtc:3 needs sip:4/.test(d.message)),
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.lineAt(diag.range.start.line).text, /needs:.*sip:4/);
  });

  it('reports spend through the command and the status bar follows', async () => {
    await vscode.commands.executeCommand(CommandId.ReportSpend, { usd: 1, model: 'claude-haiku', note: 'ext test' });
    await until('67% in the status bar', () => /S² webrtc 67%/.test(api.statusBar.item.text));
  });

  it("claims help on the blocker and records it in webrtc's own branch", async () => {
    await vscode.commands.executeCommand(CommandId.HelpBlocker, {
      session: 'sip',
      phase: 4,
      task: 'review the REGISTER retries',
    });
    await until(
      'the claim in the view',
      () => api.host.view?.sessions.find((s) => s.id === 'webrtc')?.helping?.session === 'sip',
    );
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const status = execFileSync('git', ['show', 's2/sessions/webrtc:.s2/sessions/webrtc/status.yaml'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.match(JSON.stringify(parseRecordText(status, 'status.yaml')), /"task":"review the REGISTER retries/);
  });

  it('opens the matrix and sends it a snapshot', async () => {
    await vscode.commands.executeCommand(CommandId.ShowMatrix);
    await until('a matrix/update', () => api.matrix.posted > 0);
  });

  it('stops and restarts the loop on command', async () => {
    await vscode.commands.executeCommand(CommandId.StopLoop);
    assert.equal(api.host.loopMode, 'stopped');
    await vscode.commands.executeCommand(CommandId.StartLoop);
    assert.equal(api.host.loopMode, 'acting');
  });
});
