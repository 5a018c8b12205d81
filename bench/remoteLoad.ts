import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { main } from '../src/cli/main';
import type { SwarmView } from '../src/core/viewTypes';
import { Poller } from '../src/loop/poller';
import { SwarmSession } from '../src/loop/swarmSession';
import { GitDaemon } from './lib/gitDaemon';
import { generateSwarm } from './lib/swarmGen';
import { bareRemote, pool } from './lib/topology';
import { distribution, Distribution, git, nowMs, sleep } from './lib/util';

/**
 * The load idle loops put on a shared remote, and how fast a change still travels (#18).
 * N sessions, each a clone of one bare remote served by `git daemon` (every request it serves
 * is counted from its log), each with its own S2_HOME — N machines, so no session is helped by
 * another's hint (the conservative case). Every session runs its loop (Poller.run(), heartbeat
 * on, nothing to execute) at the manifest's polling settings.
 *
 * 1. Quiet: nothing but heartbeats for `quietMs`, then the requests served in the next
 *    `measureMs` are counted (per session per minute). Shortcut: a 30 s window after a minute
 *    of quiet stands for "the minute after a minute of quiet"; the window is taken where the
 *    back-off is shortest (the rate only falls after it), so it overstates the rate.
 * 2. Out of quiet, then busy: one session after another toggles a declared block (`s2 block`,
 *    in-process CLI) every `changeEveryMs`. The first change's latency to every other session
 *    is the out-of-quiet figure (bounded by the back-off cap); once every session has seen a
 *    change, the swarm is busy, and each further change's latency to each other session (its
 *    view shows it) is the busy figure.
 */
export interface RemoteLoadResult {
  readonly sessions: number;
  readonly timeScale: number;
  readonly polling: Readonly<Record<string, number>>;
  readonly quietMs: number;
  readonly measureMs: number;
  readonly idle: {
    readonly requests: number;
    readonly upload: number;
    readonly receive: number;
    /** Requests per idle session per minute (all services). */
    readonly perSessionPerMinute: number;
    readonly fetchesPerSessionPerMinute: number;
    readonly pushesPerSessionPerMinute: number;
  };
  /** What the fixed schedule before #18 makes at the same settings, per session per minute (computed). */
  readonly fixedScheduleModel: number;
  readonly firstChangeMs: Distribution;
  readonly busy: {
    readonly changes: number;
    readonly changeEveryMs: number;
    readonly seenMs: Distribution;
    readonly perSessionPerMinute: number;
    readonly timeouts: number;
  };
  readonly totalMs: number;
}

export interface RemoteLoadOptions {
  readonly sessions: number;
  /** Every time setting × this (1 in the full run): rates are per minute × this, latencies as measured. */
  readonly timeScale: number;
  readonly polling: Readonly<Record<string, number>>;
  readonly quietMs: number;
  readonly measureMs: number;
  readonly changeEveryMs: number;
  readonly busyChanges: number;
  /** Longest wait for a change to reach everyone. */
  readonly changeTimeoutMs: number;
}

export async function benchRemoteLoad(work: string, o: RemoteLoadOptions): Promise<RemoteLoadResult> {
  const t0 = nowMs();
  const gen = await generateSwarm(path.join(work, 'seed'), path.join(work, 'home'), {
    sessions: o.sessions,
    totalCommits: o.sessions * 10,
    staleEvery: 0,
    polling: o.polling,
  });
  const served = path.join(work, 'served');
  mkdirSync(served, { recursive: true });
  await bareRemote(gen, path.join(served, 'remote.git'));
  const daemon = await GitDaemon.start(served);
  const sessions: SwarmSession[] = [];
  const pollers: Poller[] = [];
  let runs: Promise<void>[] = [];
  try {
    const dirs = await pool(gen.ids, 4, async (id) => {
      const dest = path.join(work, `clone-${id}`);
      await git(work, ['clone', '-q', daemon.url('remote.git'), dest]);
      await git(dest, ['checkout', '-q', `s2/work/${id}`]);
      await git(dest, ['config', 'gc.auto', '0']);
      return dest;
    });
    const homes = gen.ids.map((id) => {
      const h = path.join(work, `home-${id}`);
      cpSync(gen.home, h, { recursive: true });
      return h;
    });
    const envOf = (i: number): NodeJS.ProcessEnv => ({ ...process.env, S2_HOME: homes[i]!, S2_SESSION: gen.ids[i]! });
    for (let i = 0; i < gen.ids.length; i++)
      sessions.push(await SwarmSession.open({ repo: dirs[i]!, session: gen.ids[i]!, env: envOf(i) }));
    pollers.push(...sessions.map((s) => new Poller(s, { execute: false, act: false })));
    // What each session's view says of each writer's block, and when it last changed.
    const blocked = pollers.map(() => new Map<string, { on: boolean; at: number }>());
    const refOf = (w: number): string => {
      const target = gen.ids[(w + 1) % gen.ids.length]!;
      return `${target}:${gen.plan.sessions.find((s) => s.id === target)!.phaseCount}`;
    };
    pollers.forEach((p, i) =>
      p.onDidChangeView((v: SwarmView) => {
        for (let w = 0; w < gen.ids.length; w++) {
          const on = !!v.sessions.find((s) => s.id === gen.ids[w])?.blockedBy.includes(refOf(w));
          if (blocked[i]!.get(gen.ids[w]!)?.on !== on) blocked[i]!.set(gen.ids[w]!, { on, at: nowMs() });
        }
      }),
    );
    runs = pollers.map((p) => p.run());
    const startedAt = nowMs();
    await sleep(o.quietMs - (nowMs() - startedAt));
    const m0 = nowMs();
    await sleep(o.measureMs);
    const m1 = nowMs();
    const perMin = (n: number, ms: number): number => (n / o.sessions) * ((60_000 * o.timeScale) / ms);
    const upload = daemon.count(m0, m1, 'upload-pack');
    const receive = daemon.count(m0, m1, 'receive-pack');

    const on = new Map<number, boolean>();
    const change = async (w: number): Promise<number> => {
      const next = !on.get(w);
      on.set(w, next);
      const args = next ? ['block', '--on', refOf(w), '--reason', 'bench: a busy swarm'] : ['block', '--clear'];
      let err = '';
      const at = nowMs();
      const code = await main(['--json', ...args], {
        stdout: () => undefined,
        stderr: (t) => (err += t),
        env: envOf(w),
        cwd: dirs[w]!,
      });
      if (code !== 0) throw new Error(`s2 ${args.join(' ')} by ${gen.ids[w]} failed: ${err}`);
      return at;
    };
    /** Latencies of change `w` (made at `at`, to state `want`) at every other session; NaN if not seen in time. */
    const seenBy = async (w: number, at: number, want: boolean, untilMs: number): Promise<number[]> => {
      const others = pollers.map((_, i) => i).filter((i) => i !== w);
      const seen = (i: number): boolean => {
        const b = blocked[i]!.get(gen.ids[w]!);
        return !!b && b.on === want && b.at >= at;
      };
      while (nowMs() < untilMs && !others.every(seen)) await sleep(20);
      return others.map((i) => (seen(i) ? blocked[i]!.get(gen.ids[w]!)!.at - at : NaN));
    };
    // Out of quiet: the first change, at a random moment (the loops started together, so their
    // checks fall in step: a fixed moment would always land at the same place between two
    // checks), until everyone saw it (the back-off cap bounds it).
    await sleep(Math.random() * (o.polling['probeMaxSeconds'] ?? 60) * 500);
    const firstAt = await change(0);
    const first = await seenBy(0, firstAt, true, firstAt + o.changeTimeoutMs);
    // Busy: a change every changeEveryMs by the next session; each is followed until everyone saw it.
    const busyFrom = nowMs();
    const follows: Promise<number[]>[] = [];
    for (let k = 1; k <= o.busyChanges; k++) {
      const w = k % gen.ids.length;
      const want = !on.get(w);
      const at = await change(w);
      // Followed until the same writer's next change (which would supersede it), at most the timeout.
      const nextOwn = at + Math.min(o.changeTimeoutMs, o.changeEveryMs * gen.ids.length - 50);
      follows.push(seenBy(w, at, want, nextOwn));
      await sleep(Math.max(0, o.changeEveryMs - (nowMs() - at)));
    }
    const busyLat = (await Promise.all(follows)).flat();
    const busyTo = nowMs();
    const busyRequests = daemon.count(busyFrom, busyTo);
    const minute = 60 * o.timeScale;
    const fixed =
      minute / o.polling['probeSeconds']! + // ls-remote probes between ticks
      minute / o.polling['intervalSeconds']! + // the ticks' fetches
      minute / o.polling['heartbeatSeconds']! + // the heartbeat push
      ((o.sessions - 1) * minute) / o.polling['heartbeatSeconds']!; // a fetch for every other session's heartbeat
    return {
      sessions: o.sessions,
      timeScale: o.timeScale,
      polling: o.polling,
      quietMs: o.quietMs,
      measureMs: o.measureMs,
      idle: {
        requests: upload + receive,
        upload,
        receive,
        perSessionPerMinute: perMin(upload + receive, m1 - m0),
        fetchesPerSessionPerMinute: perMin(upload, m1 - m0),
        pushesPerSessionPerMinute: perMin(receive, m1 - m0),
      },
      fixedScheduleModel: fixed,
      firstChangeMs: distribution(first.filter((x) => Number.isFinite(x))),
      busy: {
        changes: o.busyChanges,
        changeEveryMs: o.changeEveryMs,
        seenMs: distribution(busyLat.filter((x) => Number.isFinite(x))),
        perSessionPerMinute: perMin(busyRequests, busyTo - busyFrom),
        timeouts: busyLat.filter((x) => !Number.isFinite(x)).length + first.filter((x) => !Number.isFinite(x)).length,
      },
      totalMs: nowMs() - t0,
    };
  } finally {
    pollers.forEach((p) => p.stop());
    await Promise.all(runs);
    pollers.forEach((p) => p.dispose());
    sessions.forEach((s) => s.dispose());
    daemon.stop();
  }
}
