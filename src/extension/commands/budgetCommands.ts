/**
 * "S2: Report Spend": append to this session's hash-chained ledger, as `s2 spend` does.
 * Arguments `{ usd, model, note }` skip the prompts (scripts, tests). The model prompt starts
 * from the model this session last reported; the confirmation says the percentage after it.
 */
import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import { approveBudget, reportSpend } from '../../loop/budgetOps';
import { SwarmSession } from '../../loop/swarmSession';
import { parseUsd } from '../inputText';
import type { SwarmHost } from '../swarmHost';

export async function reportSpendCommand(host: SwarmHost, arg?: unknown): Promise<number | undefined> {
  const me = host.me;
  if (!me) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  let usd = typeof given['usd'] === 'number' ? given['usd'] : undefined;
  if (usd === undefined) {
    const text = await vscode.window.showInputBox({
      title: `S²: Report spend for ${me}`,
      prompt: 'Amount in USD',
      placeHolder: '1.25 or $17',
      validateInput: (v) => (parseUsd(v) === null ? 'a non-negative amount in USD, e.g. 1.25 or $17' : undefined),
    });
    if (text === undefined) return undefined;
    usd = parseUsd(text)!;
  }
  let model = typeof given['model'] === 'string' ? given['model'] : undefined;
  if (model === undefined) {
    const last = await host
      .read(async (s) => (await s.snapshot()).sessions[me]?.ledger.at(-1)?.model)
      .catch(() => undefined);
    model = await vscode.window.showInputBox({
      title: `S²: Report spend for ${me}`,
      prompt: 'Model that was paid for',
      value: last ?? '',
      placeHolder: 'e.g. claude-sonnet-4',
    });
    if (model === undefined) return undefined;
  }
  const note = typeof given['note'] === 'string' ? given['note'] : '';
  const amount = usd;
  await host.run((s) => reportSpend(s, amount, model!.trim() || 'unknown', note, 'vscode'));
  const mine = host.view?.sessions.find((s) => s.id === me);
  const message = `S²: recorded $${usd.toFixed(2)} (${model.trim() || 'unknown'}) for ${me}${mine ? ` — now ${Math.round(mine.budgetFraction * 100)}% of $${mine.budgetUsd}` : ''}`;
  host.log.info(message);
  void vscode.window.setStatusBarMessage(message, 8000);
  return usd;
}

/**
 * "S2: Approve Budget": a manifest approver raises a session's cap (or the swarm's, '*'),
 * signed with the approver's key. The approver is asked by name and the key's passphrase in a
 * password box; the passphrase goes to the key loader through S2_APPROVER_PASSPHRASE in the
 * environment of a session opened for this one write, never into settings or the log.
 */
export async function approveBudgetCommand(host: SwarmHost, arg?: unknown): Promise<number | undefined> {
  const view = host.view;
  const root = host.root;
  if (!view || !root) throw new S2Error('USAGE', 'no swarm is open in this workspace');
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  const approvers = await host.read(async (s) => Object.keys((await s.snapshot()).plan.approvers));
  if (!approvers.length) throw new S2Error('REFUSED', `swarm ${view.swarm} has no approvers in its manifest`);
  let scope = typeof given['scope'] === 'string' ? given['scope'] : undefined;
  if (scope === undefined) {
    const over = [...view.sessions].sort((a, b) => b.budgetFraction - a.budgetFraction);
    const pick = await vscode.window.showQuickPick(
      [
        ...over.map((s) => ({
          label: s.id,
          description: `$${s.spendUsd.toFixed(2)} of $${s.budgetUsd} (${Math.round(s.budgetFraction * 100)}%)`,
        })),
        { label: '*', description: `the swarm's budget${view.swarmBudgetUsd ? ` ($${view.swarmBudgetUsd})` : ''}` },
      ],
      { title: 'S²: Raise whose budget?' },
    );
    if (!pick) return undefined;
    scope = pick.label;
  }
  let usd = typeof given['usd'] === 'number' ? given['usd'] : undefined;
  if (usd === undefined) {
    const text = await vscode.window.showInputBox({
      title: `S²: Approve more budget for ${scope}`,
      prompt: 'USD to add to the cap',
      validateInput: (v) => {
        const n = parseUsd(v);
        return n === null || n <= 0 ? 'a positive amount in USD, e.g. 10 or $10' : undefined;
      },
    });
    if (text === undefined) return undefined;
    usd = parseUsd(text)!;
  }
  let approver = typeof given['approver'] === 'string' ? given['approver'] : undefined;
  if (approver === undefined) {
    approver =
      approvers.length === 1
        ? await vscode.window.showInputBox({
            title: 'S²: Approve as',
            prompt: `Approver name (the manifest's approvers: ${approvers.join(', ')})`,
            value: approvers[0],
          })
        : await vscode.window.showQuickPick(approvers, { title: 'S²: Approve as which approver?' });
    if (!approver) return undefined;
  }
  if (!approvers.includes(approver))
    throw new S2Error(
      'REFUSED',
      `${approver} is not an approver of swarm ${view.swarm} (approvers: ${approvers.join(', ')})`,
    );
  let passphrase = typeof given['passphrase'] === 'string' ? given['passphrase'] : undefined;
  if (passphrase === undefined) {
    passphrase = await vscode.window.showInputBox({
      title: `S²: Passphrase of approver ${approver}`,
      prompt: "The passphrase that protects the approver's private key",
      password: true,
    });
    if (passphrase === undefined) return undefined;
  }
  const note = typeof given['note'] === 'string' ? given['note'] : 'approved in VS Code';
  const env = { ...process.env, S2_APPROVER_PASSPHRASE: passphrase };
  const s = await SwarmSession.open({ repo: root, session: null, env });
  try {
    await approveBudget(s, approver, scope, usd, note);
  } finally {
    s.dispose();
  }
  await host.refresh();
  void vscode.window.showInformationMessage(
    `S²: ${approver} raised ${scope === '*' ? "the swarm's budget" : `${scope}'s budget`} by $${usd}`,
  );
  return usd;
}
