/**
 * What the session rows of the Swarm tree add for sessions and terminals: a session awaiting
 * a person says so first (bell icon), a session with a terminal says so and a click focuses
 * it; `.terminal` / `.awaiting` in the context value drive the inline actions.
 */
import * as vscode from 'vscode';
import { formatAge } from '../../core/view';
import type { SessionView } from '../../core/viewTypes';
import { CommandId } from '../commandIds';
import type { SessionTerminals } from './sessionTerminals';

export function decorateSessionRow(item: vscode.TreeItem, s: SessionView, terminals: SessionTerminals): void {
  const extra: string[] = [];
  if (s.awaitingInput) {
    extra.push(`awaiting input ${formatAge(s.awaitingInput.ageSeconds)}${s.awaitingInput.stuck ? ' (stuck)' : ''}`);
    item.iconPath = new vscode.ThemeIcon('bell-dot', new vscode.ThemeColor('charts.orange'));
    const tip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip ?? '');
    item.tooltip = new vscode.MarkdownString(`${tip}\n- waits for a person: ${s.awaitingInput.message}`);
  }
  const hasTerminal = terminals.has(s.id);
  const alive = s.heartbeatAgeSeconds !== null && !s.stale && s.state !== 'done';
  if (hasTerminal) extra.push(alive ? '▶ terminal · alive' : '▶ terminal');
  if (extra.length) item.description = [...extra, item.description ?? ''].filter(Boolean).join(' · ');
  item.contextValue = [item.contextValue, hasTerminal ? 'terminal' : 'noTerminal', s.awaitingInput ? 'awaiting' : '']
    .filter(Boolean)
    .join('.');
  if (hasTerminal)
    item.command = { command: CommandId.FocusSessionTerminal, title: 'Focus Terminal', arguments: [s.id] };
}
