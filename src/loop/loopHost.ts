/**
 * The one host of the guarded polling loop, for `s2 poll` and for the editor's window alike:
 * it owns the loop lock (one acting loop per session per machine), the Poller, the alert
 * bookkeeping, and the way the loop stops. When another process holds the lock, a host that
 * may watch runs a poller acting as nobody (no acknowledgement, no phase start, no heartbeat)
 * and derives this session's alerts from the views itself, so nothing is acted on twice.
 */
import { AlertKeys } from '../core/alertKeys';
import { Disposable, Emitter } from '../core/emitter';
import { errorMessage, S2Error } from '../core/errors';
import type { SwarmEvent } from '../core/events';
import type { SwarmView } from '../core/viewTypes';
import { LoopLock } from './loopLock';
import { Poller } from './poller';
import type { TickResult } from './pollerTypes';
import { SwarmSession } from './swarmSession';

export type LoopMode = 'acting' | 'watching' | 'stopped';

export interface LoopBatch {
  readonly view: SwarmView;
  /** The news of this tick for this session (acting: the poller's; watching: derived here). */
  readonly events: readonly SwarmEvent[];
  readonly tick: TickResult;
}

export interface LoopHostOptions {
  /** Seconds between ticks; absent: the manifest's `polling.intervalSeconds`. */
  readonly intervalSeconds?: number;
  /** Run the manifest's executor for new instructions (acting only). */
  readonly execute: boolean;
  readonly log: (line: string) => void;
  /**
   * Another loop holds this session's lock: `refuse` (s2 poll: LOCKED, exit 1) or `watch`
   * (a window: read, alert, write nothing).
   */
  readonly whenLocked: 'refuse' | 'watch';
  /** Stop by itself after this many ticks (s2 poll --once / --ticks N); absent: until stop(). */
  readonly ticks?: number;
}

/** The least lock lifetime: above the 100 s backoff cap, so a loop waiting out a failing remote keeps its lock. */
export const MIN_LOCK_LIFETIME_MS = 120_000;

export class LoopHost implements Disposable {
  private readonly didTick = new Emitter<LoopBatch>();
  readonly onDidTick = this.didTick.event;
  private poller: Poller | null = null;
  private lock: LoopLock | null = null;
  private watchSession: SwarmSession | null = null;
  private subscription: Disposable | null = null;
  private running: Promise<void> | null = null;
  private starting: Promise<LoopMode> | null = null;
  private released: Promise<void> = Promise.resolve();
  /** Resolved when the current run has stopped and released what it held. */
  private finished: Promise<void> = Promise.resolve();
  private finish: () => void = () => undefined;
  private stopping = false;
  private alerts = new AlertKeys();
  private currentMode: LoopMode = 'stopped';

  constructor(
    private readonly session: SwarmSession,
    private readonly opts: LoopHostOptions,
  ) {}

  get mode(): LoopMode {
    return this.currentMode;
  }

  /**
   * How long the lock holds without a touch (it is touched every tick): three missed ticks
   * plus a minute for a slow one, never under two minutes.
   */
  static lockLifetimeMs(intervalSeconds: number): number {
    return Math.max(MIN_LOCK_LIFETIME_MS, 3 * intervalSeconds * 1000 + 60_000);
  }

  /**
   * Start the loop (idempotent): take the lock (or watch), run the first tick, then tick in
   * the background. Resolves with the mode once the first tick has run. A first tick that
   * fails is logged and retried with backoff — except for a single tick (s2 poll --once),
   * whose failure is the caller's error.
   */
  start(): Promise<LoopMode> {
    if (this.currentMode !== 'stopped') return Promise.resolve(this.currentMode);
    if (!this.starting) this.stopping = false;
    this.starting ??= this.doStart().finally(() => (this.starting = null));
    return this.starting;
  }

  private async doStart(): Promise<LoopMode> {
    await this.released;
    this.alerts = new AlertKeys();
    this.finished = new Promise((resolve) => (this.finish = resolve));
    try {
      return await this.acquireAndTick();
    } catch (e) {
      await this.stop();
      this.finish();
      throw e;
    }
  }

  private async acquireAndTick(): Promise<LoopMode> {
    const { snapshot } = await this.session.view();
    const me = this.session.session ? this.session.requireSession(snapshot.plan) : null;
    let mode: LoopMode = 'watching';
    if (me) {
      const interval = this.opts.intervalSeconds ?? snapshot.plan.polling.intervalSeconds;
      const lock = LoopLock.forSession(this.session.ctx.commonDir, me, LoopHost.lockLifetimeMs(interval));
      try {
        await lock.acquire();
        this.lock = lock;
        mode = 'acting';
      } catch (e) {
        if (!(e instanceof S2Error && e.code === 'LOCKED') || this.opts.whenLocked === 'refuse') throw e;
        this.opts.log(`${e.message}; this window only watches`);
      }
    }
    const watchingFor = mode === 'watching' ? me : null;
    let target = this.session;
    if (watchingFor) {
      this.watchSession = await SwarmSession.open({
        repo: this.session.ctx.root,
        session: null,
        env: withoutSession(this.session.env),
        now: this.session.now,
        remote: this.session.ctx.remote,
        ...this.session.settings,
      });
      target = this.watchSession;
    }
    const acting = mode === 'acting';
    const poller = new Poller(target, {
      intervalSeconds: this.opts.intervalSeconds,
      execute: acting && this.opts.execute,
      act: acting,
      heartbeat: acting,
      log: this.opts.log,
    });
    this.subscription = poller.onDidTick((r) => this.onTick(r, watchingFor));
    this.poller = poller;
    this.currentMode = mode;
    let first: TickResult | null = null;
    try {
      first = await poller.tick();
    } catch (e) {
      if (this.opts.ticks === 1) throw e;
      this.opts.log(`tick failed: ${errorMessage(e)}`);
    }
    // stop() may have come during the first tick (a single tick, a window closing).
    if (this.stopping) await this.stop();
    else this.running = poller.run(first).catch((e: unknown) => this.opts.log(`loop stopped: ${String(e)}`));
    return mode;
  }

  private onTick(r: TickResult, watchingFor: string | null): void {
    void this.lock?.touch();
    const events = watchingFor ? this.alerts.next(r.view, watchingFor) : r.events;
    this.didTick.fire({ view: r.view, events, tick: r });
    if (this.opts.ticks !== undefined && r.tick >= this.opts.ticks) void this.stop();
  }

  /** Wake the loop for an immediate tick (after a command wrote something). */
  poke(): boolean {
    if (!this.poller) return false;
    this.poller.poke();
    return true;
  }

  /**
   * Stop ticking; resolves once no tick runs and, when no executor runs, the lock is released.
   * With an executor in flight the lock is released only when it has ended — it is what the
   * lock protects: a second loop must not retry a phase whose executor still runs — and this
   * does not wait for it (a window's Stop must not hang on an agent); `ended()` does.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const poller = this.poller;
    if (!poller) return;
    this.poller = null;
    poller.stop();
    await this.running;
    this.running = null;
    this.subscription?.dispose();
    this.subscription = null;
    this.currentMode = 'stopped';
    const lock = this.lock;
    const watch = this.watchSession;
    this.lock = null;
    this.watchSession = null;
    const finish = this.finish;
    this.released = poller
      .idle()
      .finally(() => {
        poller.dispose();
        watch?.dispose();
        return lock?.release();
      })
      .catch((e: unknown) => this.opts.log(`releasing the loop failed: ${String(e)}`))
      .finally(finish);
    if (!poller.busy) await this.released;
  }

  /** Resolves when the loop has stopped (by stop() or after its ticks) and released its lock. */
  ended(): Promise<void> {
    return this.finished;
  }

  dispose(): void {
    void this.stop();
    this.didTick.dispose();
  }
}

/** The environment without S2_SESSION: the watching poller acts as nobody. */
function withoutSession(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out['S2_SESSION'];
  return out;
}
