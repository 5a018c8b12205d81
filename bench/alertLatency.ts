import * as path from 'node:path';
import { main } from '../src/cli/main';
import type { SwarmView } from '../src/core/viewTypes';
import { Poller } from '../src/loop/poller';
import { SwarmSession } from '../src/loop/swarmSession';
import { generateSwarm } from './lib/swarmGen';
import { bareRemote, checkoutFor, pool, Topology } from './lib/topology';
import { distribution, Distribution, nowMs, sleep } from './lib/util';

/**
 * From one session's `s2 block` (the CLI's main(), in-process) to every other session's
 * running loop (Poller.run(), the manifest's polling settings) showing that session blocked
 * in its view. The blocked-on session also gets its BLOCKING event in the same tick (the
 * BLOCKED event itself belongs to the blocked session's own loop). Worktree: the loop's
 * probe (tips through its cat-file, no process) wakes it every probeSeconds; remote: the
 * loop ticks — and fetches — every intervalSeconds (±jitter). Each trial starts at a random
 * moment; the block is then cleared and the trial waits until everyone saw that too.
 */
export interface AlertLatencyResult {
  readonly topology: Topology;
  readonly sessions: number;
  readonly trials: number;
  readonly polling: Readonly<Record<string, number>>;
  /** The expected wait alone: half the probe (worktree) or half the interval (remote). */
  readonly expectedWaitMs: number;
  /** `s2 block` itself (open, read, write, push). */
  readonly commandMs: Distribution;
  readonly blockSeenMs: Distribution;
  readonly unblockSeenMs: Distribution;
  readonly blockingEventMs: Distribution;
  readonly timeouts: number;
}

export async function benchAlertLatency(
  topology: Topology,
  work: string,
  opts: { sessions: number; trials: number; polling: Record<string, number>; trialTimeoutMs?: number },
): Promise<AlertLatencyResult> {
  const gen = await generateSwarm(path.join(work, 'seed'), path.join(work, 'home'), {
    sessions: opts.sessions,
    totalCommits: opts.sessions * 10,
    staleEvery: 0,
    polling: opts.polling,
  });
  const bare = topology === 'remote' ? await bareRemote(gen, path.join(work, 'remote.git')) : undefined;
  // `git worktree add` run in parallel in one repository can read another's half-made
  // .git/worktrees/<name> ("failed to read …/commondir"): worktrees one at a time, clones 4.
  const dirs = await pool(gen.ids, topology === 'worktree' ? 1 : 4, (id) =>
    checkoutFor(gen, topology, id, path.join(work, `${topology}-${id}`), bare),
  );
  const blocker = gen.ids[0]!;
  const target = gen.ids[gen.ids.length - 1]!;
  const ref = `${target}:${gen.plan.sessions[0]!.phaseCount}`;
  const receivers = gen.ids.slice(1);
  const env = { ...process.env, S2_HOME: gen.home };
  const sessions = await Promise.all(
    receivers.map((id) =>
      SwarmSession.open({ repo: dirs[gen.ids.indexOf(id)]!, session: id, env: { ...env, S2_SESSION: id } }),
    ),
  );
  const pollers = sessions.map((s) => new Poller(s, { execute: false }));
  // What each receiver last saw, and when it changed.
  const seen = receivers.map(() => ({ blocked: false, at: 0, blocking: 0 }));
  const isBlocked = (v: SwarmView): boolean => !!v.sessions.find((s) => s.id === blocker)?.blockedBy.includes(ref);
  pollers.forEach((p, i) => {
    p.onDidChangeView((v) => {
      const b = isBlocked(v);
      if (b !== seen[i]!.blocked) seen[i] = { ...seen[i]!, blocked: b, at: nowMs() };
    });
    p.onDidEmitEvent((e) => {
      if (e.type === 'BLOCKING') seen[i]!.blocking = nowMs();
    });
  });
  const runs = pollers.map((p) => p.run());
  const firstTicks = pollers.map(
    (p) =>
      new Promise<void>((r) => {
        const d = p.onDidTick(() => {
          d.dispose();
          r();
        });
      }),
  );
  const commandMs: number[] = [];
  const blockSeen: number[] = [];
  const unblockSeen: number[] = [];
  const blockingEvent: number[] = [];
  let timeouts = 0;
  const cli = async (args: string[]): Promise<number> => {
    let err = '';
    const code = await main(['--json', ...args], {
      stdout: () => undefined,
      stderr: (t) => (err += t),
      env: { ...env, S2_SESSION: blocker },
      cwd: dirs[0]!,
    });
    if (code !== 0) throw new Error(`s2 ${args.join(' ')} failed: ${err}`);
    return code;
  };
  const waitAll = async (want: boolean, since: number, out: number[]): Promise<void> => {
    const until = since + (opts.trialTimeoutMs ?? 30_000);
    while (nowMs() < until && !seen.every((s) => s.blocked === want && s.at >= since)) await sleep(5);
    seen.forEach((s) => {
      if (s.blocked === want && s.at >= since) out.push(s.at - since);
      else timeouts++;
    });
  };
  const waitMs =
    topology === 'worktree'
      ? (opts.polling['probeSeconds'] ?? 5) * 1000
      : (opts.polling['intervalSeconds'] ?? 30) * 1000;
  try {
    await Promise.all(firstTicks);
    for (let t = 0; t < opts.trials; t++) {
      await sleep(Math.random() * waitMs);
      let t0 = nowMs();
      await cli(['block', '--on', ref, '--reason', 'bench: waiting for the interface']);
      commandMs.push(nowMs() - t0);
      await waitAll(true, t0, blockSeen);
      const ti = receivers.indexOf(target);
      if (ti >= 0 && seen[ti]!.blocking >= t0) blockingEvent.push(seen[ti]!.blocking - t0);
      await sleep(Math.random() * waitMs);
      t0 = nowMs();
      await cli(['block', '--clear']);
      await waitAll(false, t0, unblockSeen);
    }
  } finally {
    pollers.forEach((p) => p.stop());
    await Promise.all(runs);
    pollers.forEach((p) => p.dispose());
    sessions.forEach((s) => s.dispose());
  }
  return {
    topology,
    sessions: opts.sessions,
    trials: opts.trials,
    polling: opts.polling,
    expectedWaitMs: waitMs / 2,
    commandMs: distribution(commandMs),
    blockSeenMs: distribution(blockSeen),
    unblockSeenMs: distribution(unblockSeen),
    blockingEventMs: distribution(blockingEvent),
    timeouts,
  };
}
