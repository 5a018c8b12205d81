import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { S2Api } from '../../src/extension/extension';
import { FIXTURE_PASSPHRASE, git } from '../helpers/gitFixture';
import { activeS2, until } from './extensionHostWaits';

/**
 * Issue #21 bug 5 across machines: the workspace is webrtc's clone of a bare remote, and the
 * approver raises webrtc's cap from sip's clone, which pushes to the remote. The window's loop
 * finds out only through its check of the remote between ticks (a `git fetch` on the adaptive
 * schedule of RemoteWatch), so the approvers' branches (`s2/approvals/*`) must be among what it
 * fetches and what counts as news.
 */

describe('S² issue #21 bug 5 in a clone of a shared remote', () => {
  let api: S2Api;
  let root = '';
  let cliPath = '';
  const mine = () => api.host.view!.sessions.find((s) => s.id === 'webrtc')!;

  before(async () => {
    ({ api, root, cliPath } = await activeS2());
  });

  after(async () => {
    await vscode.workspace
      .getConfiguration('s2', vscode.workspace.workspaceFolders![0]!.uri)
      .update('pollIntervalSeconds', undefined, vscode.ConfigurationTarget.Global);
  });

  it('an approval pushed from another clone wakes the loop, which fetches the approver branch', async () => {
    assert.equal(api.host.me, 'webrtc');
    assert.ok(git(root, 'remote').split('\n').includes('origin'), 'the workspace is a clone with a remote');
    assert.equal(mine().budgetUsd, 20);
    // An hour between ticks: once the reopened loop has ticked, only the probe can bring the
    // approval in before the deadline. The settings listener reopens; open() joins it.
    await vscode.workspace
      .getConfiguration('s2', vscode.workspace.workspaceFolders![0]!.uri)
      .update('pollIntervalSeconds', 3600, vscode.ConfigurationTarget.Global);
    await api.host.open();
    await until('the loop', () => api.host.loopMode === 'acting');
    // Idle: no tick for 3 s (each tick publishes a new view object); a fresh loop ticks twice in a row.
    let last = api.host.view;
    let since = Date.now();
    await until('the loop idle between ticks', () => {
      if (api.host.view !== last) [last, since] = [api.host.view, Date.now()];
      return Date.now() - since >= 3000;
    });
    const sip = path.join(path.dirname(root), 'clone-sip');
    const t0 = Date.now();
    execFileSync(process.execPath, [cliPath, 'approve', 'webrtc', '--usd', '10', '--as', 'owner'], {
      cwd: sip,
      encoding: 'utf8',
      env: { ...process.env, S2_SESSION: 'sip', S2_APPROVER_PASSPHRASE: FIXTURE_PASSPHRASE },
    });
    const pushed = git(sip, 'ls-remote', 'origin', 'refs/heads/s2/approvals/owner').split('\t')[0];
    assert.ok(pushed, 'the approval reached the remote');
    await until('the raised cap in the view', () => mine().budgetUsd === 30, 30_000);
    await until('the status bar', () => /S² webrtc \d+%/.test(api.statusBar.item.text) && mine().budgetUsd === 30);
    console.log(`      approval from another clone reached the view in ${Date.now() - t0} ms`);
    assert.equal(
      git(root, 'rev-parse', 'refs/remotes/origin/s2/approvals/owner'),
      pushed,
      "the loop fetched the approver's branch",
    );
  });
});
