/**
 * The Swarm tree: sessions → phases, rendered from the host's view (never from git). Nodes
 * are small keys, so reveal() can find a phase from the matrix by its ref.
 */
import * as vscode from 'vscode';
import { CommandId, SWARM_VIEW_ID } from './commandIds';
import type { SessionView } from '../core/viewTypes';
import type { SwarmHost } from './swarmHost';
import { phasePresentation, Presentation, sessionPresentation } from './treePresentation';

export type SwarmNode =
  | { readonly kind: 'session'; readonly session: string }
  | { readonly kind: 'phase'; readonly session: string; readonly phase: number };

export class SwarmTree implements vscode.TreeDataProvider<SwarmNode>, vscode.Disposable {
  private readonly didChange = new vscode.EventEmitter<SwarmNode | undefined>();
  readonly onDidChangeTreeData = this.didChange.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly nodes = new Map<string, SwarmNode>();
  readonly treeView: vscode.TreeView<SwarmNode>;
  /** Additions to session rows from other features (sessions/terminals), applied in order. */
  readonly sessionDecorators: ((item: vscode.TreeItem, s: SessionView) => void)[] = [];

  constructor(private readonly host: SwarmHost) {
    this.treeView = vscode.window.createTreeView(SWARM_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.treeView,
      this.didChange,
      host.onDidChangeView(() => this.didChange.fire(undefined)),
      host.onDidChangeState(() => this.updateMessage()),
    );
    this.updateMessage();
  }

  private updateMessage(): void {
    const h = this.host;
    const messages: string[] = [];
    if (h.state === 'error') messages.push(`S² could not read the swarm: ${h.error}`);
    if (h.state === 'ready' && h.justInitialized && !h.me)
      messages.push(
        'Swarm ready. Next: open the sessions — "S2: Open All Sessions" (a worktree and a terminal each) — or make this window one with "S2: Select Session".',
      );
    else if (h.state === 'ready' && !h.me)
      messages.push(
        'No session for this workspace — watching. "S2: Open Session…" starts one in its own checkout; "S2: Select Session" makes this workspace one.',
      );
    if (h.state === 'ready' && h.loopMode === 'stopped')
      messages.push('Not updating: the polling loop is stopped ("S2: Start Polling Loop", ▶ above).');
    this.treeView.message = messages.length ? messages.join(' ') : undefined;
    this.didChange.fire(undefined);
  }

  private node(n: SwarmNode): SwarmNode {
    const key = n.kind === 'session' ? n.session : `${n.session}:${n.phase}`;
    const known = this.nodes.get(key);
    if (known) return known;
    this.nodes.set(key, n);
    return n;
  }

  getChildren(el?: SwarmNode): SwarmNode[] {
    const view = this.host.view;
    if (!view) return [];
    if (!el) return view.sessions.map((s) => this.node({ kind: 'session', session: s.id }));
    if (el.kind === 'phase') return [];
    const s = view.sessions.find((x) => x.id === el.session);
    return (s?.phases ?? []).map((p) => this.node({ kind: 'phase', session: s!.id, phase: p.phase }));
  }

  getParent(el: SwarmNode): SwarmNode | undefined {
    return el.kind === 'phase' ? this.node({ kind: 'session', session: el.session }) : undefined;
  }

  getTreeItem(el: SwarmNode): vscode.TreeItem {
    const view = this.host.view;
    const s = view?.sessions.find((x) => x.id === el.session);
    if (!view || !s) return new vscode.TreeItem(el.session);
    if (el.kind === 'session') {
      const open = s.id === this.host.me || view.blockers[0]?.session === s.id;
      const item = toItem(
        sessionPresentation(view, s, this.host.me),
        open ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
      );
      item.id = `session:${s.id}`;
      for (const d of this.sessionDecorators) d(item, s);
      return item;
    }
    const p = s.phases[el.phase - 1]!;
    const item = toItem(phasePresentation(s, p, this.host.me), vscode.TreeItemCollapsibleState.None);
    item.id = `phase:${s.id}:${p.phase}`;
    item.command = {
      command: CommandId.OpenPhase,
      title: 'Open Phase',
      arguments: [{ session: s.id, phase: p.phase }],
    };
    return item;
  }

  /** Render again (something a decorator shows changed, not the view). */
  refresh(): void {
    this.didChange.fire(undefined);
  }

  /** Select a session or a phase in the tree (from the matrix or a notification). */
  async reveal(session: string, phase?: number): Promise<void> {
    const n = phase ? this.node({ kind: 'phase', session, phase }) : this.node({ kind: 'session', session });
    await this.treeView.reveal(n, { select: true, focus: false, expand: true });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function toItem(p: Presentation, collapsible: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const item = new vscode.TreeItem(p.label, collapsible);
  item.description = p.description;
  // Record text in the tooltip is escaped (treePresentation); the markdown stays untrusted: no
  // command links, no HTML, and so no remote images.
  const tooltip = new vscode.MarkdownString(p.tooltip, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  item.iconPath = new vscode.ThemeIcon(p.icon, p.color ? new vscode.ThemeColor(p.color) : undefined);
  item.contextValue = p.contextValue;
  return item;
}
