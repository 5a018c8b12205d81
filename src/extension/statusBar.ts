/**
 * The budget of this workspace's session in the status bar: "$(pulse) S² sip 62%", on the
 * warning background from 80% and the error background from 100%. Its click shows spend by
 * model and the swarm's total.
 */
import * as vscode from 'vscode';
import { BUDGET_WARN_FRACTION, sessionBudget, swarmBudget } from '../core/budget';
import { CommandId } from './commandIds';
import type { SwarmHost } from './swarmHost';
import { money } from './treePresentation';

export class BudgetStatusBar implements vscode.Disposable {
  readonly item = vscode.window.createStatusBarItem('s2.budget', vscode.StatusBarAlignment.Left, 50);
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly host: SwarmHost) {
    this.item.name = 'S² Budget';
    this.item.command = CommandId.ShowBudget;
    this.subscriptions.push(
      host.onDidChangeView(() => this.render()),
      host.onDidChangeState(() => this.render()),
    );
    this.render();
  }

  render(): void {
    const { view, me } = this.host;
    if (this.host.state !== 'ready' || !view) return this.item.hide();
    const mine = me ? view.sessions.find((s) => s.id === me) : undefined;
    const stopped = this.host.loopMode === 'stopped';
    const loop = stopped ? ' · loop stopped' : '';
    const loopTip = stopped
      ? '\n\nThe polling loop is stopped: this view is not updating. "S2: Start Polling Loop" starts it.'
      : '';
    const open = mine?.phases[mine.phase - 1];
    this.item.command = CommandId.ShowBudget;
    if (!mine) {
      this.item.text = `$(${stopped ? 'debug-pause' : 'pulse'}) S² ${money(view.swarmSpendUsd)}${loop}`;
      this.item.tooltip = `Swarm ${view.swarm}: ${money(view.swarmSpendUsd)} spent. No session for this workspace — "S2: Select Session".${loopTip}`;
      this.item.backgroundColor = undefined;
    } else if (open?.state === 'error') {
      // A phase in error needs a person: it outranks the budget here, as it does in the Problems.
      const a = mine.attempts;
      this.item.text = `$(error) S² ${mine.id}:${open.phase} in error${loop}`;
      this.item.tooltip = `${mine.id}:${open.phase} ${open.title} went to error${a ? ` after ${a.count} of ${a.max} attempts: ${a.lastError}` : ''}. Look at it, then click to reset it ("S2: Reset Phase").${loopTip}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      this.item.command = CommandId.ResetPhase;
    } else {
      const pct = Math.round(mine.budgetFraction * 100);
      const attempt = mine.attempts ? ` · attempt ${mine.attempts.count + 1} of ${mine.attempts.max}` : '';
      // The swarm's total against budget.swarmUsd has its own 80% warning; an unapproved manifest is an error.
      const swarmFraction = view.swarmBudgetUsd ? view.swarmSpendUsd / view.swarmBudgetUsd : 0;
      const trust = view.violations.find((v) => v.code === 'MANIFEST_UNAPPROVED' || v.code === 'MANIFEST_ROLLBACK');
      const swarmPct = view.swarmBudgetUsd ? ` · swarm ${Math.round(swarmFraction * 100)}%` : '';
      this.item.text = `$(${stopped ? 'debug-pause' : 'pulse'}) S² ${mine.id} ${pct}%${swarmPct}${attempt}${trust ? ' $(shield) manifest' : ''}${loop}`;
      this.item.tooltip =
        [
          `${mine.id}: ${money(mine.spendUsd)} of ${money(mine.budgetUsd)} (${pct}%): metered ${money(mine.meteredUsd)}, reported ${money(mine.reportedUsd)}`,
          view.swarmBudgetUsd ? `swarm: ${money(view.swarmSpendUsd)} of ${money(view.swarmBudgetUsd)}` : '',
          trust ? `${trust.code}: ${trust.message}` : '',
          attempt ? `${mine.id}:${mine.phase}: last attempt failed (${mine.attempts!.lastError})` : '',
          'click for spend by model',
        ]
          .filter(Boolean)
          .join('\n') + loopTip;
      const worst = Math.max(mine.budgetFraction, swarmFraction);
      this.item.backgroundColor =
        worst >= 1 || trust
          ? new vscode.ThemeColor('statusBarItem.errorBackground')
          : worst >= BUDGET_WARN_FRACTION
            ? new vscode.ThemeColor('statusBarItem.warningBackground')
            : undefined;
    }
    this.item.show();
  }

  /** Spend by model for this session, and the swarm's total, in a quick pick. */
  async showBudget(): Promise<void> {
    const items = await this.host.read(async (s) => {
      const snap = await s.snapshot();
      const rows: vscode.QuickPickItem[] = [];
      if (this.host.me) {
        const b = sessionBudget(snap, this.host.me);
        rows.push({
          label: `${this.host.me}: ${money(b.spendUsd)} of ${money(b.capUsd)}`,
          description: `${Math.round(b.fraction * 100)}%`,
          kind: vscode.QuickPickItemKind.Default,
        });
        for (const [model, usd] of Object.entries(b.byModel).sort((x, y) => y[1] - x[1]))
          rows.push({ label: `$(symbol-method) ${model}`, description: money(usd) });
      }
      const swarm = swarmBudget(snap, snap.plan);
      const total = snap.plan.sessions.reduce((sum, p) => sum + sessionBudget(snap, p.id).spendUsd, 0);
      rows.push({ label: 'Swarm', kind: vscode.QuickPickItemKind.Separator });
      rows.push({
        label: `swarm total: ${money(total)}${swarm ? ` of ${money(swarm.capUsd)}` : ''}`,
        description: `${snap.plan.sessions.length} sessions`,
      });
      return rows;
    });
    await vscode.window.showQuickPick(items, { title: 'S² spend', placeHolder: 'Spend by model and the swarm total' });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
