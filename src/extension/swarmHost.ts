/**
 * The workspace's handle on its swarm: the session this workspace acts as, the loop, and the
 * latest view. Every face (tree, alerts, diagnostics, matrix, status bar) renders what this
 * publishes; none of them runs git. Commands write through `run()`, which refreshes after.
 */
import * as vscode from 'vscode';
import { errorMessage, S2Error } from '../core/errors';
import type { SwarmEvent } from '../core/events';
import type { SwarmView } from '../core/viewTypes';
import { SwarmSession } from '../loop/swarmSession';
import { ContextKey } from './commandIds';
import { LoopHost, LoopMode } from '../loop/loopHost';
import { resolveSession } from './sessionResolver';
import { readSettings } from './settings';

export type HostState = 'no-workspace' | 'no-swarm' | 'ready' | 'error';

const PICKED_KEY = 's2.pickedSession';
/** Set when the person stopped the loop, so a reload leaves it stopped (and cleared when they start it). */
const LOOP_STOPPED_KEY = 's2.loopStoppedByUser';

export class SwarmHost implements vscode.Disposable {
  private readonly didChangeView = new vscode.EventEmitter<SwarmView>();
  private readonly didEmitEvents = new vscode.EventEmitter<readonly SwarmEvent[]>();
  private readonly didChangeState = new vscode.EventEmitter<void>();
  readonly onDidChangeView = this.didChangeView.event;
  readonly onDidEmitEvents = this.didEmitEvents.event;
  readonly onDidChangeState = this.didChangeState.event;

  state: HostState = 'no-workspace';
  error: string | null = null;
  view: SwarmView | null = null;
  me: string | null = null;
  root: string | null = null;
  private session: SwarmSession | null = null;
  private runner: LoopHost | null = null;
  private opening: Promise<void> | null = null;
  /** Set by Initialize Swarm, so the tree says what comes next. */
  justInitialized = false;

  constructor(
    private readonly memento: vscode.Memento,
    readonly log: vscode.LogOutputChannel,
  ) {}

  get loopMode(): LoopMode {
    return this.runner?.mode ?? 'stopped';
  }

  /** Open the swarm of the first workspace folder (again), and start the loop if configured. */
  open(): Promise<void> {
    if (!this.opening) {
      void vscode.commands.executeCommand('setContext', ContextKey.Opening, true);
      this.opening = this.doOpen().finally(() => {
        this.opening = null;
        void vscode.commands.executeCommand('setContext', ContextKey.Opening, false);
      });
    }
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    await this.close();
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') return this.setState('no-workspace');
    this.root = folder.uri.fsPath;
    try {
      // The explicit approver-key pin (setting s2.trustFingerprints) joins S2_TRUST_FINGERPRINTS.
      const pins = [process.env['S2_TRUST_FINGERPRINTS'] ?? '', ...readSettings().trustFingerprints]
        .filter(Boolean)
        .join(',');
      const env = { ...process.env, ...(pins ? { S2_TRUST_FINGERPRINTS: pins } : {}) };
      const probe = await SwarmSession.open({
        repo: this.root,
        session: null,
        env: { ...env, S2_SESSION: '' },
      });
      const { snapshot, view } = await probe.view().finally(() => probe.dispose());
      const s = readSettings();
      const r = resolveSession(snapshot.plan.sessions, probe.ctx.currentBranch, [
        { source: 'picked', id: this.memento.get<string>(PICKED_KEY) },
        { source: 'setting', id: s.session },
        { source: 'environment', id: process.env['S2_SESSION'] },
      ]);
      for (const u of r.unknown) this.log.warn(`the ${u.source} names session "${u.id}", which is not in the manifest`);
      this.me = r.session?.id ?? null;
      this.log.info(
        this.me
          ? `this workspace is session ${this.me} (from the ${r.session!.source})`
          : 'no session for this workspace: watching only (S2: Select Session)',
      );
      this.session = await SwarmSession.open({ repo: this.root, session: this.me, env });
      this.publish(view, []);
      this.setState('ready');
      if (s.autoStartLoop && !this.memento.get<boolean>(LOOP_STOPPED_KEY, false)) await this.startLoop();
    } catch (e) {
      const err = e instanceof S2Error ? e : null;
      if (err && ['MANIFEST_MISSING', 'NOT_A_REPO'].includes(err.code)) return this.setState('no-swarm');
      this.error = errorMessage(e);
      this.log.error(`opening the swarm failed: ${this.error}`);
      this.setState('error');
    }
  }

  async pickSession(id: string | null): Promise<void> {
    await this.memento.update(PICKED_KEY, id ?? undefined);
    await this.open();
  }

  async startLoop(): Promise<LoopMode> {
    if (!this.session) throw new S2Error('USAGE', 'no swarm is open in this workspace');
    if (!this.runner) {
      const s = readSettings();
      this.runner = new LoopHost(this.session, {
        intervalSeconds: s.pollIntervalSeconds || undefined,
        execute: s.executor === 'manifest',
        log: (l) => this.log.info(l),
        whenLocked: 'watch',
      });
      this.runner.onDidTick((b) => this.publish(b.view, b.events));
    }
    const mode = await this.runner.start();
    this.log.info(`polling loop ${mode === 'acting' ? `running for ${this.me}` : 'watching'}`);
    this.setState(this.state);
    return mode;
  }

  /** The person's start and stop are remembered for this workspace, so a reload keeps the loop as they left it. */
  async startLoopByUser(): Promise<LoopMode> {
    await this.memento.update(LOOP_STOPPED_KEY, undefined);
    return this.startLoop();
  }

  async stopLoopByUser(): Promise<void> {
    await this.memento.update(LOOP_STOPPED_KEY, true);
    return this.stopLoop();
  }

  async stopLoop(): Promise<void> {
    await this.runner?.stop();
    this.runner?.dispose();
    this.runner = null;
    this.log.info('polling loop stopped');
    this.setState(this.state);
  }

  /**
   * A fresh view read now (what a command just wrote shows at once, e.g. the new budget
   * percentage), and a tick of the loop when it runs (which derives the events).
   */
  async refresh(): Promise<void> {
    if (!this.session) return this.open();
    const { view } = await this.session.view();
    this.publish(view, []);
    this.runner?.poke();
  }

  /** Run an engine operation as this workspace's session, then refresh the view. */
  async run<T>(fn: (s: SwarmSession) => Promise<T>): Promise<T> {
    if (!this.session)
      throw new S2Error(
        'USAGE',
        this.state === 'no-swarm'
          ? 'this workspace has no swarm: run "S2: Initialize Swarm"'
          : 'no swarm is open in this workspace',
      );
    try {
      return await fn(this.session);
    } finally {
      for (const w of this.session.warnings.splice(0)) this.log.warn(w);
      await this.refresh().catch((e: unknown) => this.log.error(String(e)));
    }
  }

  /** Read through this workspace's session without writing or refreshing. */
  async read<T>(fn: (s: SwarmSession) => Promise<T>): Promise<T> {
    if (!this.session) throw new S2Error('USAGE', 'no swarm is open in this workspace');
    return fn(this.session);
  }

  private publish(view: SwarmView, events: readonly SwarmEvent[]): void {
    const changed = this.view?.snapshot !== view.snapshot || this.view.now.slice(0, 16) !== view.now.slice(0, 16);
    this.view = view;
    const mine = this.me ? view.sessions.find((x) => x.id === this.me) : undefined;
    void vscode.commands.executeCommand(
      'setContext',
      ContextKey.HasWait,
      !!mine && Object.keys(mine.waitReasons).length > 0,
    );
    void vscode.commands.executeCommand('setContext', ContextKey.Helping, !!mine?.helping);
    if (changed) this.didChangeView.fire(view);
    if (events.length) this.didEmitEvents.fire(events);
  }

  private setState(state: HostState): void {
    this.state = state;
    void vscode.commands.executeCommand('setContext', ContextKey.HasSwarm, state === 'ready' || state === 'error');
    void vscode.commands.executeCommand('setContext', ContextKey.LoopRunning, this.loopMode !== 'stopped');
    this.didChangeState.fire();
  }

  private async close(): Promise<void> {
    await this.runner?.stop();
    this.runner?.dispose();
    this.runner = null;
    this.session?.dispose();
    this.session = null;
    this.view = null;
    this.me = null;
  }

  async shutdown(): Promise<void> {
    await this.close();
  }

  dispose(): void {
    void this.close();
    this.didChangeView.dispose();
    this.didEmitEvents.dispose();
    this.didChangeState.dispose();
  }
}
