/**
 * The same guarded polling loop as `s2 poll`, owned by the workspace: one Poller, one loop
 * lock per session per machine. When another process (`s2 poll`, another window) holds the
 * lock, this window only watches — a poller acting as nobody — and derives this session's
 * alerts from the views itself, so nothing is acted on twice.
 */
import { Disposable, Emitter } from '../core/emitter';
import { errorMessage, S2Error } from '../core/errors';
import { diffViews, SwarmEvent } from '../core/events';
import type { SwarmView } from '../core/viewTypes';
import { LoopLock } from '../loop/loopLock';
import { Poller } from '../loop/poller';
import type { TickResult } from '../loop/pollerTypes';
import { SwarmSession } from '../loop/swarmSession';
import { withoutSession } from './sessionResolver';

export type LoopMode = 'acting' | 'watching' | 'stopped';

export interface LoopBatch {
  readonly view: SwarmView;
  readonly events: readonly SwarmEvent[];
  readonly tick: TickResult;
}

export interface LoopOptions {
  readonly intervalSeconds?: number;
  readonly execute: boolean;
  readonly log: (line: string) => void;
}

export class LoopRunner implements Disposable {
  private readonly didTick = new Emitter<LoopBatch>();
  readonly onDidTick = this.didTick.event;
  private poller: Poller | null = null;
  private lock: LoopLock | null = null;
  private watchSession: SwarmSession | null = null;
  private subscription: Disposable | null = null;
  private running: Promise<void> | null = null;
  private prev: SwarmView | null = null;
  private readonly alerted = new Set<string>();
  mode: LoopMode = 'stopped';

  constructor(
    private readonly session: SwarmSession,
    private readonly opts: LoopOptions,
  ) {}

  /** Start the loop (idempotent). Resolves once the first tick has run. */
  async start(): Promise<LoopMode> {
    if (this.poller) return this.mode;
    let target = this.session;
    let mode: LoopMode = 'watching';
    const me = this.session.session;
    if (me) {
      const interval = this.opts.intervalSeconds ?? 30;
      const lock = LoopLock.forSession(this.session.ctx.commonDir, me, Math.max(120, 4 * interval) * 1000);
      try {
        await lock.acquire();
        this.lock = lock;
        mode = 'acting';
      } catch (e) {
        if (!(e instanceof S2Error && e.code === 'LOCKED')) throw e;
        this.opts.log(`${e.message}; this window only watches`);
      }
    }
    if (mode === 'watching' && me) {
      this.watchSession = await SwarmSession.open({
        repo: this.session.ctx.root,
        session: null,
        env: withoutSession(this.session.env),
      });
      target = this.watchSession;
    }
    const acting = mode === 'acting';
    const poller = new Poller(target, {
      intervalSeconds: this.opts.intervalSeconds,
      execute: acting && this.opts.execute,
      heartbeat: acting,
      log: this.opts.log,
    });
    this.subscription = poller.onDidTick((r) => this.onTick(r, acting ? null : me));
    this.poller = poller;
    this.mode = mode;
    const first = poller.tick().catch((e: unknown) => this.opts.log(`first tick failed: ${errorMessage(e)}`));
    await first;
    if (this.poller === poller)
      this.running = poller.run().catch((e: unknown) => this.opts.log(`loop stopped: ${String(e)}`));
    return mode;
  }

  private onTick(r: TickResult, watchingFor: string | null): void {
    void this.lock?.touch();
    let events = r.events;
    if (watchingFor) {
      events = diffViews(this.prev, r.view, watchingFor, this.alerted);
      for (const e of events) this.alerted.add(e.key);
    }
    this.prev = r.view;
    this.didTick.fire({ view: r.view, events, tick: r });
  }

  /** Wake the loop for an immediate tick (after a command wrote something). */
  poke(): boolean {
    if (!this.poller) return false;
    this.poller.poke();
    return true;
  }

  async stop(): Promise<void> {
    const poller = this.poller;
    if (!poller) return;
    this.poller = null;
    poller.stop();
    await this.running;
    this.running = null;
    this.subscription?.dispose();
    poller.dispose();
    this.watchSession?.dispose();
    this.watchSession = null;
    await this.lock?.release();
    this.lock = null;
    this.mode = 'stopped';
  }

  dispose(): void {
    void this.stop();
    this.didTick.dispose();
  }
}
