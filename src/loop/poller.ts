/**
 * The guarded polling loop. One tick: fetch once (nothing in the worktree topology) → read
 * the snapshot → compute the view → diff with the last view into events → act only through
 * the guards → write the heartbeat. A loop, not setInterval: ticks never overlap, and the
 * wait between them is the interval with jitter, or an exponential backoff (1 s ×2, capped
 * at 100 s, as Temporal retries) while the remote fails. Between ticks a cheap probe of the
 * tips (no process) wakes the loop early when something moved; against a remote, the fetch
 * itself follows RemoteWatch's adaptive schedule (fast while busy, backing off while quiet).
 */
import { errorMessage } from '../core/errors';
import { fillCommand } from '../core/names';
import { sessionPlan } from '../core/manifest';
import { Emitter, Disposable } from '../core/emitter';
import { AlertKeys } from '../core/alertKeys';
import type { SwarmEvent } from '../core/events';
import { canStartPhase } from '../core/guards';
import type { Snapshot } from '../core/snapshot';
import { computeView } from '../core/view';
import type { SwarmView } from '../core/viewTypes';
import { processStats } from '../git/gitProcess';
import { approverBranch, recordPaths, sessionBranch } from '../core/records';
import { nothingSettled, settledWaits } from '../core/settledWaits';
import { runCommand } from './commandRunner';
import { HookWatch } from './hookWatch';
import { commitSlotJournal } from './agentSlotCommit';
import { endSettled } from './settleOps';
import { completePhase, recordFailedAttempt } from './phaseOps';
import type { PollerOptions, TickResult } from './pollerTypes';
import type { SwarmSession } from './swarmSession';
import { RemoteWatch } from './remoteWatch';

export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_MAX_MS = 100_000;

export class Poller implements Disposable {
  private readonly didTick = new Emitter<TickResult>();
  private readonly didChangeView = new Emitter<SwarmView>();
  private readonly didEmit = new Emitter<SwarmEvent>();
  readonly onDidTick = this.didTick.event;
  readonly onDidChangeView = this.didChangeView.event;
  readonly onDidEmitEvent = this.didEmit.event;

  private prev: SwarmView | null = null;
  private readonly alerts = new AlertKeys();
  private ticks = 0;
  private failures = 0;
  private lastHeartbeat = 0;
  private running = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly attemptAt = new Map<string, number>();
  private lastFingerprint = '';
  private snapshot: Snapshot | null = null;
  /** The executor run in flight: it runs beside the loop so ticks and heartbeats go on. */
  private executing: Promise<void> | null = null;
  /** Fetches made since the loop started: the figure that a polling storm would blow up. */
  fetches = 0;
  private readonly hookWatch: HookWatch;
  /** When to ask the remote (remote topology): the adaptive schedule, shared hints per machine. */
  private readonly watch: RemoteWatch;
  /** Set by run(): its ticks fetch only when the schedule says so; a direct tick() always fetches. */
  private scheduled = false;

  constructor(
    readonly session: SwarmSession,
    private readonly opts: PollerOptions = {},
  ) {
    this.hookWatch = new HookWatch(session);
    this.watch = new RemoteWatch(session.env);
  }

  get view(): SwarmView | null {
    return this.prev;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  async tick(): Promise<TickResult> {
    const started = Date.now();
    const spawnedBefore = processStats.spawned;
    this.ticks++;
    let fetched = false;
    let fetchError: string | null = null;
    if (this.session.ctx.remote && (!this.scheduled || this.failures > 0 || this.fetchDue())) {
      const f = await this.fetchRemote();
      fetched = f.fetched;
      fetchError = f.error ?? null;
    }
    this.failures = fetchError ? this.failures + 1 : 0;
    let snapshot = await this.session.snapshot();
    this.snapshot = snapshot;
    if (this.session.ctx.remote) await this.watch.observe(snapshot);
    let view = computeView(snapshot, this.session.now());
    const me =
      this.session.session && snapshot.plan.sessions.some((s) => s.id === this.session.session)
        ? this.session.session
        : null;
    // Agent slots the hook's fast path counted reach the records (and so every other session) within a tick.
    if (me && this.opts.act !== false) {
      const slots = await commitSlotJournal(this.session, snapshot, me).catch((e: unknown) => {
        this.log(`agent-slot journal not committed: ${errorMessage(e)}`);
        return null;
      });
      if (slots?.committed) {
        snapshot = await this.session.snapshot();
        this.snapshot = snapshot;
        view = computeView(snapshot, this.session.now());
      }
    }
    // What we waited on completed: end our declared wait and help claim on it (recorded) before
    // the events are computed, so the only news is "no longer blocked".
    const settled = me ? settledWaits(view, me, snapshot.sessions[me]?.status ?? null) : null;
    if (me && settled && !nothingSettled(settled)) {
      await endSettled(this.session, snapshot.plan, settled, view.sessions.find((x) => x.id === me)!.phase);
      this.log(`ended ${[...settled.waits, ...(settled.help ? [settled.help] : [])].join(', ')}: complete`);
      snapshot = await this.session.snapshot();
      this.snapshot = snapshot;
      view = computeView(snapshot, this.session.now());
    }
    const events = this.alerts.next(view, me);
    // The hook is the guard of spawns and spend: a loop that acts for the session watches it runs.
    if (me && this.opts.act !== false)
      events.push(
        ...(await this.hookWatch.check(snapshot, me).catch((e: unknown) => {
          this.log(`hook watch failed: ${errorMessage(e)}`);
          return [];
        })),
      );
    const changed = this.prev?.snapshot !== view.snapshot;
    // A cycle is confirmed on the next tick (deadlock_timeout); bring that tick forward to the
    // probe interval instead of a whole poll interval, so the alert follows the view in seconds.
    const seenCycles = new Set((this.prev?.deadlocks ?? []).map((d) => d.sessions.join(',')));
    const unconfirmed = view.deadlocks.some((d) => !seenCycles.has(d.sessions.join(',')));
    this.prev = view;
    if (changed) this.didChangeView.fire(view);
    for (const e of events) this.didEmit.fire(e);
    const actions = me && this.opts.act !== false ? await this.act(snapshot, view, me) : [];
    let heartbeat = false;
    const hbEvery = snapshot.plan.polling.heartbeatSeconds * 1000;
    if (me && this.opts.heartbeat !== false && Date.now() - this.lastHeartbeat >= hbEvery * 0.9) {
      heartbeat = await this.heartbeat(view, me);
    }
    const nextDelayMs =
      unconfirmed && this.failures === 0
        ? Math.min(this.nextDelay(snapshot), snapshot.plan.polling.probeSeconds * 1000)
        : this.nextDelay(snapshot);
    const result: TickResult = {
      tick: this.ticks,
      view: this.prev,
      events,
      fetched,
      fetchError,
      processes: processStats.spawned - spawnedBefore,
      durationMs: Date.now() - started,
      heartbeat,
      actions,
      nextDelayMs,
    };
    // Others' tips as this tick read them (a change that landed during the tick must wake the
    // next probe); our own tip as it is now, so our own heartbeat does not wake us.
    const ownTip = me ? await this.session.reader.tipOf(sessionBranch(me), true) : null;
    const tickSnapshot = snapshot;
    this.lastFingerprint = Poller.fingerprintOf(
      snapshot.coordinationTip,
      snapshot.plan.sessions.map(
        (x) =>
          [
            x.id === me ? ownTip : (tickSnapshot.sessions[x.id]?.recordsTip ?? null),
            tickSnapshot.sessions[x.id]?.workTip ?? null,
          ] as const,
      ),
      await this.approvalTips(),
    );
    this.didTick.fire(result);
    return result;
  }

  private nextDelay(snapshot: Snapshot): number {
    if (this.failures > 0) {
      const base = Math.min(BACKOFF_INITIAL_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
      return Math.round(base * (0.5 + Math.random() * 0.5));
    }
    const interval = (this.opts.intervalSeconds ?? snapshot.plan.polling.intervalSeconds) * 1000;
    const jitter = this.opts.jitter ?? snapshot.plan.polling.jitter;
    return Math.round(interval * (1 - jitter + Math.random() * 2 * jitter));
  }

  /** Heartbeat, renewing a help claim when the work branch moved; coalesced into one commit. */
  private async heartbeat(view: SwarmView, me: string): Promise<boolean> {
    const mine = view.sessions.find((s) => s.id === me)!;
    const store = await this.session.store(this.snapshot!.plan);
    const at = this.session.now().toISOString();
    const progressed = !!mine.helping && !!mine.workTip && mine.workTip !== mine.helping.workTipAtClaim;
    await store.commit({
      status: (st) => ({
        ...st,
        heartbeatAt: at,
        ...(progressed && st.helping
          ? { helping: { ...st.helping, claimedAt: at, workTipAtClaim: mine.workTip } }
          : {}),
      }),
      message: progressed ? 'heartbeat (help claim renewed on progress)' : 'heartbeat',
    });
    this.lastHeartbeat = Date.now();
    return true;
  }

  /**
   * Instructions for this session, each handled exactly once: the acknowledgement is written
   * (compare-and-swap on our own branch) before the work starts, so a restart or a second
   * loop never runs it twice; an instruction the guards refuse stays pending, never skipped.
   */
  private async act(snapshot: Snapshot, view: SwarmView, me: string): Promise<string[]> {
    const actions: string[] = [];
    if (this.executing) return actions;
    const mine = view.sessions.find((s) => s.id === me)!;
    const plan = snapshot.plan;
    for (const instr of snapshot.instructions.filter(
      (i) => i.session === me && mine.pendingInstructions.includes(i.id),
    )) {
      if (instr.phase < mine.phase) {
        await this.ack(me, instr.id, instr.blob, 'skipped', `phase ${instr.phase} is already complete`);
        actions.push(`skipped ${instr.id}: phase ${instr.phase} already complete`);
        continue;
      }
      if (instr.phase !== mine.phase) continue;
      const g = canStartPhase(view, plan, me, instr.phase, { currentBranch: this.session.ctx.currentBranch });
      if (!g.ok) {
        actions.push(`waiting ${instr.id}: ${g.reasons.map((r) => r.text).join('; ')}`);
        continue;
      }
      // The acknowledgement and the phase start are one commit: a crash leaves both or neither.
      const took = await this.ack(me, instr.id, instr.blob, 'started', `phase ${instr.phase}`, instr.phase);
      if (!took) continue;
      actions.push(`started phase ${instr.phase} for ${instr.id}`);
      if (this.opts.execute !== false && plan.executor) {
        this.launch(plan.executor, instr.path, me, instr.phase);
        actions.push(`executor started for phase ${instr.phase}`);
        break;
      }
    }
    // A started phase whose executor failed is retried with backoff until maxAttempts; then error.
    const cur = mine.phases[mine.phase - 1];
    const attempts = (snapshot.sessions[me]?.status?.attempts ?? {})[String(mine.phase)]?.count ?? 0;
    const key = `${me}:${mine.phase}`;
    const acked = snapshot.instructions.some(
      (i) =>
        i.session === me &&
        i.phase === mine.phase &&
        (snapshot.sessions[me]?.acks ?? []).some((a) => a.instruction === i.id && a.outcome === 'started'),
    );
    if (
      cur &&
      cur.state === 'in-progress' &&
      acked &&
      attempts === 0 &&
      !this.attemptAt.has(key) &&
      this.opts.execute !== false &&
      plan.executor
    ) {
      // Started by a loop that died before its executor finished: count it as an attempt and retry.
      await this.recordAttempt(me, mine.phase, 'interrupted: the loop stopped before the executor finished');
      actions.push(`phase ${mine.phase} was interrupted; retrying as attempt 2`);
      this.attemptAt.set(key, 0);
    } else if (
      cur &&
      cur.state === 'in-progress' &&
      attempts > 0 &&
      attempts < plan.polling.maxAttempts &&
      this.opts.execute !== false &&
      plan.executor
    ) {
      const wait = BACKOFF_INITIAL_MS * 2 ** attempts * Math.max(1, plan.polling.intervalSeconds / 30);
      if (Date.now() - (this.attemptAt.get(key) ?? 0) >= wait) {
        const instr = snapshot.instructions.find((i) => i.session === me && i.phase === mine.phase);
        if (instr) {
          this.launch(plan.executor, instr.path, me, mine.phase);
          actions.push(`executor restarted for phase ${mine.phase} (attempt ${attempts + 1})`);
        }
      }
    }
    return actions;
  }

  private async ack(
    me: string,
    id: string,
    blob: string,
    outcome: 'started' | 'skipped',
    detail: string,
    startPhase?: number,
  ): Promise<boolean> {
    const store = await this.session.store(this.snapshot!.plan);
    const at = this.session.now().toISOString();
    const r = await store.commit((files) =>
      files.has(recordPaths.ack(me, id))
        ? null
        : {
            records: {
              [recordPaths.ack(me, id)]: { kind: 'ack', session: me, instruction: id, blob, at, outcome, detail },
            },
            ...(startPhase
              ? {
                  status: (st) => ({
                    ...st,
                    state: 'working' as const,
                    phase: startPhase,
                    phaseStartedAt: at,
                    heartbeatAt: at,
                    blockedOn: [],
                    wantsHelp: false,
                  }),
                }
              : {}),
            witness: {
              action: startPhase ? 'start-phase' : 'ack',
              detail: startPhase ? `${startPhase} (${id})` : `${id} ${outcome}`,
            },
            message: startPhase ? `ack ${id} and start phase ${startPhase}` : `ack ${id}: ${outcome}`,
          },
    );
    return r !== null;
  }

  private launch(executor: string, instructionPath: string, me: string, phase: number): void {
    this.attemptAt.set(`${me}:${phase}`, Date.now());
    this.executing = this.execute(executor, instructionPath, me, phase)
      .then(
        (msg) => this.log(msg),
        (e) => this.log(`executor for phase ${phase} failed: ${errorMessage(e)}`),
      )
      .finally(() => {
        this.executing = null;
        this.poke();
      });
  }

  /** Whether an executor run is in flight. */
  get busy(): boolean {
    return this.executing !== null;
  }

  /** Resolves when no executor run is in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.executing) await this.executing;
  }

  private async execute(executor: string, instructionPath: string, me: string, phase: number): Promise<string> {
    const plan = this.snapshot!.plan;
    // Each placeholder is one quoted shell word: a checkout path cannot add a command.
    const cmd = fillCommand(executor, {
      instruction: instructionPath,
      session: me,
      phase: String(phase),
      repo: this.session.ctx.root,
    });
    this.log(`executor: ${cmd}`);
    const r = await runCommand(cmd, this.session.ctx.root, sessionPlan(plan, me)!.phases[phase - 1]!.timeoutSeconds, {
      ...this.session.env,
      S2_SESSION: me,
      S2_PHASE: String(phase),
      S2_INSTRUCTION: instructionPath,
    });
    if (r.exitCode === 0) {
      const c = await completePhase(this.session, phase);
      return c.passed
        ? `completed phase ${phase}`
        : `phase ${phase} validation failed (attempt ${c.attempts}${c.error ? ', now in error' : ''})`;
    }
    const count = await this.recordAttempt(me, phase, `executor exited ${r.timedOut ? '(timed out)' : r.exitCode}`);
    return `executor failed for phase ${phase} (attempt ${count} of ${plan.polling.maxAttempts})`;
  }

  private async recordAttempt(me: string, phase: number, why: string): Promise<number> {
    return (
      await recordFailedAttempt(this.session, this.snapshot!.plan, phase, why, {
        action: 'attempt-failed',
        working: false,
      })
    ).count;
  }

  /** The tips the view depends on as one string: the coordination tip, then each session's records and work tips. */
  private static fingerprintOf(
    coordTip: string | null,
    tips: readonly (readonly [string | null, string | null])[],
    approvals: readonly (string | null)[],
  ): string {
    return [
      coordTip ?? '',
      ...tips.flatMap(([records, work]) => [records ?? '', work ?? '']),
      ...approvals.map((a) => a ?? ''),
    ].join(',');
  }

  /** The approvers' branches (`s2/approvals/<id>`): an approval raises a cap, so it must wake the loop too. */
  private async approvalTips(): Promise<(string | null)[]> {
    if (!this.snapshot) return [];
    const out: (string | null)[] = [];
    for (const a of Object.keys(this.snapshot.plan.approvers).sort())
      out.push(await this.session.reader.tipOf(approverBranch(a), true).catch(() => null));
    return out;
  }

  /** The same tips as they are now, read through the running cat-file (no process). */
  private async fingerprint(): Promise<string> {
    if (!this.snapshot) return '';
    const r = this.session.reader;
    const coord = await r.coordination().catch(() => null);
    const tips: [string | null, string | null][] = [];
    for (const s of this.snapshot.plan.sessions) {
      const own = s.id === this.session.session;
      tips.push([await r.tipOf(sessionBranch(s.id), own), await r.tipOf(s.branch, own)]);
    }
    return Poller.fingerprintOf(coord?.tip ?? null, tips, await this.approvalTips());
  }

  /**
   * Run ticks until stop(). In the worktree topology a probe every `probeSeconds` wakes it early.
   * `after`: a tick the caller already ran (its result, or null when it failed) — the loop
   * waits its delay before the next tick instead of ticking again at once.
   */
  async run(after?: TickResult | null): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    let ranFirst = after !== undefined;
    try {
      while (!this.stopped) {
        let r: TickResult | null = ranFirst ? (after ?? null) : null;
        if (ranFirst) {
          ranFirst = false;
          if (!r) this.failures++;
        } else
          try {
            this.scheduled = true;
            r = await this.tick();
          } catch (e) {
            this.failures++;
            this.log(`tick failed: ${errorMessage(e)}`);
          }
        if (this.stopped) break;
        const delay = r?.nextDelayMs ?? Math.min(BACKOFF_INITIAL_MS * 2 ** (this.failures - 1), BACKOFF_MAX_MS);
        // While failing, the backoff holds: no probe may wake the loop early.
        await this.waitOrWake(delay, r !== null && this.failures === 0);
      }
    } finally {
      this.running = false;
      this.scheduled = false;
    }
  }

  private async waitOrWake(ms: number, probe: boolean): Promise<void> {
    const probeMs = (this.snapshot?.plan.polling.probeSeconds ?? 5) * 1000;
    const until = Date.now() + ms;
    while (!this.stopped && Date.now() < until) {
      await new Promise<void>((resolve) => {
        // Against a remote, wake when the next check falls due rather than on the probe's grid.
        const t = setTimeout(resolve, Math.min(probeMs, until - Date.now(), probe ? this.untilCheck() : Infinity));
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      if (!probe || this.stopped || Date.now() >= until) continue;
      // The worktree topology probes for free (its refs are ours). Against a remote the local
      // tips are looked at as often (our own writes, a fetch by another process), and so is the
      // machine's hint file; the remote itself is asked only when RemoteWatch says it is due.
      if ((await this.fingerprint().catch(() => this.lastFingerprint)) !== this.lastFingerprint) return;
      if (!this.session.ctx.remote) continue;
      if (await this.watch.hintMoved()) return;
      if (!this.fetchDue()) continue;
      this.probes++;
      const f = await this.fetchRemote();
      // A failed fetch goes to the tick, whose backoff owns an unreachable remote.
      if (f.error) return;
      if ((await this.fingerprint().catch(() => this.lastFingerprint)) !== this.lastFingerprint) return;
    }
  }

  /** Remote checks (fetches) made between ticks by the adaptive schedule. */
  probes = 0;

  /** Milliseconds until the remote check is due (Infinity in the worktree topology). */
  private untilCheck(): number {
    const polling = this.snapshot?.plan.polling;
    if (!this.session.ctx.remote || !polling) return Infinity;
    return Math.max(50, this.watch.nextCheckAt(RemoteWatch.settingsOf(polling)) - Date.now());
  }

  private fetchDue(): boolean {
    const polling = this.snapshot?.plan.polling;
    if (!polling) return true;
    return this.watch.due(RemoteWatch.settingsOf(polling));
  }

  private async fetchRemote(): Promise<{ fetched: boolean; error?: string }> {
    this.fetches++;
    const f = await this.session.fetch();
    if (!f.error) this.watch.checked();
    return f;
  }

  /** Wake the loop now (a command, a test, a file watcher). */
  poke(): void {
    this.watch.activity();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  dispose(): void {
    this.stop();
    this.didTick.dispose();
    this.didChangeView.dispose();
    this.didEmit.dispose();
  }
}
