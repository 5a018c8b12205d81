import * as path from 'node:path';
import { processStats } from '../src/git/gitProcess';
import { Poller } from '../src/loop/poller';
import { SwarmSession } from '../src/loop/swarmSession';
import type { GeneratedSwarm } from './lib/swarmGen';
import { bareRemote, checkoutFor, Topology } from './lib/topology';
import { measure, median } from './lib/util';

/**
 * One tick of the guarded loop (fetch with nothing new → read → view → diff → heartbeat),
 * as Poller.tick() runs it, for the session of the first id. Cold: a new SwarmSession and
 * Poller (new cat-file, empty caches; the first tick also writes a heartbeat). Warm: the same
 * poller's next ticks, with nothing new on the remote — once with no heartbeat due (most
 * ticks) and once with the heartbeat due (one tick in two at the defaults: 30 s poll, 60 s
 * heartbeat). CPU: this process (process.cpuUsage) and its git children (/proc), separately.
 */
export interface TickFigures {
  readonly wallMs: number;
  readonly nodeCpuMs: number;
  readonly childCpuMs: number;
  readonly processes: number;
  readonly bytesRead: number;
  readonly fetches: number;
  readonly heartbeat: boolean;
  readonly runs: number;
}

export interface TickBenchResult {
  readonly topology: Topology;
  readonly sessions: number;
  readonly cold: TickFigures;
  readonly warm: TickFigures;
  readonly warmHeartbeat: TickFigures;
  /** A no-op `git fetch` alone, measured the same way (remote topology). */
  readonly fetchAlone: { wallMs: number; childCpuMs: number } | null;
  /** Warm tick with heartbeat: this process's CPU + its children's CPU − the fetch's CPU. */
  readonly beyondFetchCpuMs: number;
}

interface One {
  wallMs: number;
  nodeCpuMs: number;
  childCpuMs: number;
  processes: number;
  bytesRead: number;
  fetches: number;
  heartbeat: boolean;
}

async function oneTick(p: Poller): Promise<One> {
  const b0 = processStats.bytesRead;
  const f0 = p.fetches;
  const m = await measure(() => p.tick());
  return {
    wallMs: m.wallMs,
    nodeCpuMs: m.cpuMs,
    childCpuMs: m.childCpuMs,
    processes: m.value.processes,
    bytesRead: processStats.bytesRead - b0,
    fetches: p.fetches - f0,
    heartbeat: m.value.heartbeat,
  };
}

function summarize(xs: One[]): TickFigures {
  return {
    wallMs: median(xs.map((x) => x.wallMs)),
    nodeCpuMs: median(xs.map((x) => x.nodeCpuMs)),
    childCpuMs: median(xs.map((x) => x.childCpuMs)),
    processes: Math.max(...xs.map((x) => x.processes)),
    bytesRead: median(xs.map((x) => x.bytesRead)),
    fetches: Math.max(...xs.map((x) => x.fetches)),
    heartbeat: xs.every((x) => x.heartbeat),
    runs: xs.length,
  };
}

/** Force the next tick to write its heartbeat (the poller keeps the time of the last one). */
function heartbeatDue(p: Poller): void {
  (p as unknown as { lastHeartbeat: number }).lastHeartbeat = 0;
}

export async function benchTick(
  gen: GeneratedSwarm,
  topology: Topology,
  work: string,
  opts: { coldRuns: number; warmRuns: number },
): Promise<TickBenchResult> {
  const me = gen.ids[0]!;
  const bare = topology === 'remote' ? await bareRemote(gen, path.join(work, 'remote.git')) : undefined;
  const dir = await checkoutFor(gen, topology, me, path.join(work, `${topology}-${me}`), bare);
  const env = { ...process.env, S2_HOME: gen.home, S2_SESSION: me };
  const cold: One[] = [];
  const warm: One[] = [];
  const warmHb: One[] = [];
  const fetches: { wallMs: number; childCpuMs: number }[] = [];
  for (let c = 0; c < opts.coldRuns; c++) {
    const s = await SwarmSession.open({ repo: dir, session: me, env });
    const p = new Poller(s, { execute: false });
    try {
      cold.push(await oneTick(p));
      for (let w = 0; w < opts.warmRuns; w++) {
        warm.push(await oneTick(p));
        heartbeatDue(p);
        warmHb.push(await oneTick(p));
        if (s.ctx.remote) {
          const f = await measure(() => s.fetch());
          fetches.push({ wallMs: f.wallMs, childCpuMs: f.childCpuMs });
        }
      }
    } finally {
      p.dispose();
      s.dispose();
    }
  }
  const fetchAlone = fetches.length
    ? { wallMs: median(fetches.map((f) => f.wallMs)), childCpuMs: median(fetches.map((f) => f.childCpuMs)) }
    : null;
  const hb = summarize(warmHb);
  return {
    topology,
    sessions: gen.ids.length,
    cold: summarize(cold),
    warm: summarize(warm),
    warmHeartbeat: hb,
    fetchAlone,
    beyondFetchCpuMs: hb.nodeCpuMs + Math.max(0, hb.childCpuMs - (fetchAlone?.childCpuMs ?? 0)),
  };
}
