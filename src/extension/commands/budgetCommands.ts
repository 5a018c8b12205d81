import { S2Error } from '../../core/errors';
import * as vscode from 'vscode';
import { reportSpend } from '../../loop/budgetOps';
import type { SwarmHost } from '../swarmHost';

/**
 * "S2: Report Spend": append to this session's hash-chained ledger, as `s2 spend` does.
 * Arguments `{ usd, model, note }` skip the prompts (scripts, tests).
 */
export async function reportSpendCommand(host: SwarmHost, arg?: unknown): Promise<number | undefined> {
  const me = host.me;
  if (!me) throw new S2Error('USAGE', 'no session for this workspace: run "S2: Select Session" first');
  const given = arg && typeof arg === 'object' ? (arg as Record<string, unknown>) : {};
  let usd = typeof given['usd'] === 'number' ? given['usd'] : undefined;
  if (usd === undefined) {
    const text = await vscode.window.showInputBox({
      title: `S²: Report spend for ${me}`,
      prompt: 'Amount in USD',
      placeHolder: '1.25',
      validateInput: (v) =>
        Number.isFinite(Number(v)) && Number(v) >= 0 && v.trim() !== ''
          ? undefined
          : 'a non-negative amount, e.g. 1.25',
    });
    if (text === undefined) return undefined;
    usd = Number(text);
  }
  let model = typeof given['model'] === 'string' ? given['model'] : undefined;
  if (model === undefined) {
    model = await vscode.window.showInputBox({
      title: `S²: Report spend for ${me}`,
      prompt: 'Model that was paid for',
      value: 'unknown',
    });
    if (model === undefined) return undefined;
  }
  const note = typeof given['note'] === 'string' ? given['note'] : '';
  await host.run((s) => reportSpend(s, usd!, model!.trim() || 'unknown', note, 'vscode'));
  const mine = host.view?.sessions.find((s) => s.id === me);
  void vscode.window.setStatusBarMessage(
    `S²: recorded $${usd.toFixed(2)} (${model}) for ${me}${mine ? ` — now ${Math.round(mine.budgetFraction * 100)}%` : ''}`,
    5000,
  );
  return usd;
}
