import * as vscode from 'vscode';
import { S2Error } from '../../core/errors';
import { approveManifest, manifestDiff } from '../../loop/manifestOps';
import type { SwarmHost } from '../swarmHost';

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/**
 * "S2: Approve Manifest Change": shows the pending change key by key first, then signs it as an
 * approver of the manifest in effect, asking for the approver key's passphrase (never stored).
 * Arguments `{ approver, passphrase }` skip the prompts (tests).
 */
export async function approveManifestCommand(host: SwarmHost, arg?: unknown): Promise<string | undefined> {
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  const { diff, approvers } = await host.read(async (s) => ({
    diff: await manifestDiff(s),
    approvers: Object.keys((await s.snapshot()).plan.approvers),
  }));
  if (diff.state.status === 'approved') {
    void vscode.window.showInformationMessage(
      'S²: the manifest at the coordination tip is the approved one; nothing to approve.',
    );
    return undefined;
  }
  const text = [
    `# Pending manifest change (${diff.state.status})`,
    '',
    `In effect: ${diff.state.effective ?? '(unsigned)'}`,
    `At the tip: ${diff.state.tip}${diff.state.commit ? ` (commit ${diff.state.commit})` : ''}`,
    '',
    ...diff.changes.map((c) => `- \`${c.key}\`: ${show(c.before)} → ${show(c.after)}`),
  ].join('\n');
  if (!given['approver'])
    await vscode.window.showTextDocument(
      await vscode.workspace.openTextDocument({ content: text, language: 'markdown' }),
      { preview: true },
    );
  const approver =
    typeof given['approver'] === 'string'
      ? given['approver']
      : await vscode.window.showQuickPick(approvers, {
          title: 'S²: Approve Manifest Change — sign as',
          placeHolder: 'approver',
        });
  if (!approver) return undefined;
  const passphrase =
    typeof given['passphrase'] === 'string'
      ? given['passphrase']
      : await vscode.window.showInputBox({
          title: `S²: passphrase of approver ${approver}`,
          prompt: 'Leave empty if the key is not protected',
          password: true,
        });
  if (passphrase === undefined) return undefined;
  const r = await host.run((s) => approveManifest(s, approver, async () => passphrase || null));
  if (!r) throw new S2Error('REFUSED', 'not approved');
  void vscode.window.showInformationMessage(
    `S²: ${approver} approved manifest ${r.approval.manifest.slice(0, 12)} (${r.changes.length} key(s) changed).`,
  );
  return r.approval.manifest;
}
